//! The matching half of the path grammar: a table of [`PathPattern`]s that finds, for a
//! request path, the value of the pattern that matches it best.
//!
//! ```
//! use cookie_route_core::path::PathPattern;
//! use cookie_route_core::path::tree::{Params, Tree};
//!
//! let mut tree = Tree::new();
//! for (pattern, name) in [("/items/{id}", "item"), ("/items/new", "form"), ("/{*rest}", "rest")] {
//!     tree.insert(&PathPattern::parse(pattern).unwrap(), name).unwrap();
//! }
//! let mut params = Params::default();
//! assert_eq!(tree.find("/items/new", &mut params), Some(&"form"));
//! assert_eq!(tree.find("/items/7", &mut params), Some(&"item"));
//! assert_eq!(params[..], [(7, 8)]);
//! ```
//!
//! A path is read one `/`-separated segment at a time. A node has, for the next segment, its
//! static children (exact text; a few are scanned, more are in a hash map), at most one
//! parameter child (`{name}`: any non-empty segment) and at most one catch-all (`{*name}`:
//! the non-empty rest of the path). A lookup tries them in that order and backtracks, so the
//! answer is the pattern that is most specific segment by segment from the left. Whole paths
//! of fully static patterns are also in one hash map, tried first: there is no better match
//! for a path than a pattern that is all literal text.
//!
//! A lookup visits each node at most once (a node is reached only by the segments on its own
//! path from the root), so backtracking costs at most the table's size whatever the request,
//! and a path longer than the deepest pattern stops at that depth.
//!
//! The tree is keyed by a pattern's *shape*: `/items/{id}` and `/items/{item_id}` are one
//! entry (they [conflict](PathPattern::conflicts_with)), so a caller that keeps several
//! patterns of one shape apart (by method, say) keeps them in that entry's value.

use std::fmt;

use rustc_hash::FxHashMap;

use super::{PathPattern, Segment};

/// No node or value: an index past the end of any table.
const NONE: u32 = u32::MAX;

/// Static children up to this many are compared one by one; more go in a hash map.
const SCAN_MAX: usize = 4;

/// The pattern `/` is the one empty segment of the path `/`.
const ROOT: &[Segment] = &[Segment::Static(String::new())];

/// Path patterns, by shape, to values of type `V`.
pub struct Tree<V> {
    /// `nodes[0]` is the root: the node before the first segment.
    nodes: Vec<Node>,
    /// Fully static patterns: the whole path to its value's index.
    whole: FxHashMap<Box<[u8]>, u32>,
    /// Bit `min(n, 63)` is set when a path in `whole` is `n` bytes long, so that most paths
    /// with a parameter skip hashing.
    whole_lengths: u64,
    /// The values, in the order their shapes were first inserted; nodes hold indices.
    values: Vec<V>,
}

struct Node {
    statics: Statics,
    /// The node after a `{name}` segment, or `NONE`.
    param: u32,
    /// The value of a `{*name}` segment here, or `NONE`.
    catch_all: u32,
    /// The value of the patterns that end at this node, or `NONE`.
    leaf: u32,
}

enum Statics {
    Scan(Vec<(Box<[u8]>, u32)>),
    Hash(FxHashMap<Box<[u8]>, u32>),
}

impl Node {
    fn new() -> Self {
        Self { statics: Statics::Scan(Vec::new()), param: NONE, catch_all: NONE, leaf: NONE }
    }
}

impl Statics {
    #[inline]
    fn get(&self, segment: &[u8]) -> Option<u32> {
        match self {
            Self::Scan(children) => {
                children.iter().find(|(text, _)| **text == *segment).map(|&(_, node)| node)
            }
            Self::Hash(children) => children.get(segment).copied(),
        }
    }

    fn insert(&mut self, segment: &[u8], node: u32) {
        match self {
            Self::Scan(children) if children.len() < SCAN_MAX => {
                children.push((segment.into(), node));
            }
            Self::Scan(children) => {
                let mut map: FxHashMap<Box<[u8]>, u32> = children.drain(..).collect();
                map.insert(segment.into(), node);
                *self = Self::Hash(map);
            }
            Self::Hash(children) => {
                children.insert(segment.into(), node);
            }
        }
    }
}

#[inline]
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

#[inline]
#[allow(clippy::cast_possible_truncation)] // paths are far below 4 GiB
fn range(start: usize, end: usize) -> (u32, u32) {
    (start as u32, end as u32)
}

/// An index for the `len`th node or value.
fn index(len: usize) -> u32 {
    u32::try_from(len).ok().filter(|&i| i != NONE).expect("fewer than 4 billion entries")
}

/// The value slot of `segments` in `nodes` (`NONE` until the caller sets it), made on the
/// way. `{name}` and `{*name}` segments fill a whole segment, and a catch-all comes last: a
/// parsed [`PathPattern`] is so.
fn slot<'n>(nodes: &'n mut Vec<Node>, segments: &[Segment]) -> &'n mut u32 {
    let segments = if segments.is_empty() { ROOT } else { segments };
    let mut node = 0;
    for segment in segments {
        node = match segment {
            Segment::Static(text) => match nodes[node].statics.get(text.as_bytes()) {
                Some(child) => child,
                None => {
                    let child = index(nodes.len());
                    nodes.push(Node::new());
                    nodes[node].statics.insert(text.as_bytes(), child);
                    child
                }
            },
            Segment::Param(_) => match nodes[node].param {
                NONE => {
                    let child = index(nodes.len());
                    nodes.push(Node::new());
                    nodes[node].param = child;
                    child
                }
                child => child,
            },
            Segment::CatchAll(_) => return &mut nodes[node].catch_all,
        } as usize;
    }
    &mut nodes[node].leaf
}

impl<V> Tree<V> {
    /// An empty tree.
    pub fn new() -> Self {
        Self {
            nodes: vec![Node::new()],
            whole: FxHashMap::default(),
            whole_lengths: 0,
            values: Vec::new(),
        }
    }

    /// The value of `pattern`'s shape, inserted by `value` if the shape has none yet.
    pub fn get_or_insert_with(
        &mut self,
        pattern: &PathPattern,
        value: impl FnOnce() -> V,
    ) -> &mut V {
        let slot = slot(&mut self.nodes, pattern.segments());
        if *slot == NONE {
            *slot = index(self.values.len());
            self.values.push(value());
            if pattern.segments().iter().all(|s| matches!(s, Segment::Static(_))) {
                // All literal text: the pattern as written is the one path it matches.
                self.whole.insert(pattern.as_str().as_bytes().into(), *slot);
                self.whole_lengths |= length_bit(pattern.as_str().len());
            }
        }
        &mut self.values[*slot as usize]
    }

    /// Inserts `value` for `pattern`'s shape. If a pattern of that shape (one that
    /// [conflicts with](PathPattern::conflicts_with) `pattern`) is in the tree already,
    /// nothing changes and `value` comes back as the error.
    pub fn insert(&mut self, pattern: &PathPattern, value: V) -> Result<&mut V, V> {
        let mut value = Some(value);
        let slot = self.get_or_insert_with(pattern, || value.take().expect("called once"));
        match value {
            None => Ok(slot),
            Some(value) => Err(value),
        }
    }

    /// The value of the pattern that matches `path` best, with the byte ranges in `path` of
    /// that pattern's parameters (`{name}` and `{*name}`, in order) pushed on `params`.
    /// Without a match, `params` is left as it was.
    ///
    /// A pattern matches when its literal segments equal the path's, each `{name}` takes one
    /// non-empty segment and a `{*name}` the non-empty rest of the path. Among the patterns
    /// that match, literal segments win over parameters and parameters over catch-alls,
    /// segment by segment from the left. The path is compared byte for byte, as sent:
    /// nothing is decoded or normalized.
    #[inline(always)] // into the dispatcher: one call site, on every request's way
    pub fn find(&self, path: &str, params: &mut Params) -> Option<&V> {
        let path = path.as_bytes();
        if self.whole_lengths & length_bit(path.len()) != 0
            && let Some(&value) = self.whole.get(path)
        {
            return Some(&self.values[value as usize]);
        }
        if path.first() != Some(&b'/') {
            return None;
        }
        let value = self.find_from(&self.nodes[0], path, 1, params)?;
        Some(&self.values[value as usize])
    }

    /// Matches `path[start..]`, which begins a segment, below `node`.
    fn find_from(
        &self,
        node: &Node,
        path: &[u8],
        start: usize,
        params: &mut Params,
    ) -> Option<u32> {
        let (end, last) = match path[start..].iter().position(|&b| b == b'/') {
            Some(i) => (start + i, false),
            None => (path.len(), true),
        };
        if let Some(child) = node.statics.get(&path[start..end])
            && let Some(value) = self.descend(child, path, end, last, params)
        {
            return Some(value);
        }
        if node.param != NONE && end > start {
            params.push(range(start, end));
            if let Some(value) = self.descend(node.param, path, end, last, params) {
                return Some(value);
            }
            params.pop();
        }
        if node.catch_all != NONE && start < path.len() {
            params.push(range(start, path.len()));
            return Some(node.catch_all);
        }
        None
    }

    /// Goes on in `child`, after the segment that ends at `end`.
    #[inline]
    fn descend(
        &self,
        child: u32,
        path: &[u8],
        end: usize,
        last: bool,
        params: &mut Params,
    ) -> Option<u32> {
        let child = &self.nodes[child as usize];
        if last {
            (child.leaf != NONE).then_some(child.leaf)
        } else {
            self.find_from(child, path, end + 1, params)
        }
    }

    /// How many shapes have a value.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no pattern was inserted.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values, in the order their shapes were first inserted.
    pub fn values(&self) -> std::slice::Iter<'_, V> {
        self.values.iter()
    }

    /// The values, mutably, in the order their shapes were first inserted.
    pub fn values_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.values.iter_mut()
    }
}

impl<V> Default for Tree<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: fmt::Debug> fmt::Debug for Tree<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tree")
            .field("nodes", &self.nodes.len())
            .field("values", &self.values)
            .finish()
    }
}

/// The byte ranges in a path of a matched pattern's parameters, in order, as
/// [`Tree::find`] gives them (read them as a slice: `&params[..]`). Up to four are held
/// inline, so that a lookup does not allocate for them.
#[derive(Clone, Default)]
pub struct Params {
    /// How many of `inline` are in use while `spilled` is empty.
    len: u32,
    inline: [(u32, u32); INLINE_PARAMS],
    /// All of them, once there are more than `inline` holds.
    spilled: Vec<(u32, u32)>,
}

const INLINE_PARAMS: usize = 4;

impl Params {
    #[inline]
    fn push(&mut self, range: (u32, u32)) {
        let len = self.len as usize;
        if len < INLINE_PARAMS {
            self.inline[len] = range;
            self.len += 1;
        } else if self.spilled.is_empty() {
            self.spilled.reserve(INLINE_PARAMS * 2);
            self.spilled.extend_from_slice(&self.inline);
            self.spilled.push(range);
        } else {
            self.spilled.push(range);
        }
    }

    #[inline]
    fn pop(&mut self) {
        if self.spilled.is_empty() {
            self.len = self.len.saturating_sub(1);
        } else {
            self.spilled.pop();
            if self.spilled.len() == INLINE_PARAMS {
                // Back to the inline ones, which still hold these four.
                self.spilled.clear();
            }
        }
    }
}

impl std::ops::Deref for Params {
    type Target = [(u32, u32)];

    #[inline]
    fn deref(&self) -> &[(u32, u32)] {
        if self.spilled.is_empty() { &self.inline[..self.len as usize] } else { &self.spilled }
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests;
