//! The segment tree behind [`Router`](super::Router).
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
//! The tree holds leaf indices (`u32`); what a leaf is belongs to the caller.

use cookie_route_core::path::Segment;
use rustc_hash::FxHashMap;

use super::{NONE, Params};

/// Static children up to this many are compared one by one; more go in a hash map.
const SCAN_MAX: usize = 4;

/// The pattern `/` is the one empty segment of the path `/`.
const ROOT: &[Segment] = &[Segment::Static(String::new())];

pub(super) struct Tree {
    /// `nodes[0]` is the root: the node before the first segment.
    nodes: Vec<Node>,
    /// Fully static patterns: the whole path to its leaf.
    whole: FxHashMap<Box<[u8]>, u32>,
    /// Bit `min(n, 63)` is set when a path in `whole` is `n` bytes long, so that most paths
    /// with a parameter skip hashing.
    whole_lengths: u64,
}

struct Node {
    statics: Statics,
    /// The node after a `{name}` segment, or `NONE`.
    param: u32,
    /// The leaf of a `{*name}` segment here, or `NONE`.
    catch_all: u32,
    /// The leaf of the patterns that end at this node, or `NONE`.
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

#[allow(clippy::cast_possible_truncation)] // paths are far below 4 GiB
fn range(start: usize, end: usize) -> (u32, u32) {
    (start as u32, end as u32)
}

impl Tree {
    pub(super) fn new() -> Self {
        Self { nodes: vec![Node::new()], whole: FxHashMap::default(), whole_lengths: 0 }
    }

    fn push(&mut self) -> u32 {
        self.nodes.push(Node::new());
        u32::try_from(self.nodes.len() - 1).expect("fewer than 4 billion nodes")
    }

    /// The leaf slot of `segments` (`NONE` until the caller sets it), made on the way.
    /// `{name}` and `{*name}` segments fill a whole segment, and a catch-all comes last: a
    /// parsed [`PathPattern`](cookie_route_core::path::PathPattern) is so.
    pub(super) fn slot(&mut self, segments: &[Segment]) -> &mut u32 {
        let segments = if segments.is_empty() { ROOT } else { segments };
        let mut node = 0;
        for segment in segments {
            node = match segment {
                Segment::Static(text) => match self.nodes[node].statics.get(text.as_bytes()) {
                    Some(child) => child,
                    None => {
                        let child = self.push();
                        self.nodes[node].statics.insert(text.as_bytes(), child);
                        child
                    }
                },
                Segment::Param(_) => match self.nodes[node].param {
                    NONE => {
                        let child = self.push();
                        self.nodes[node].param = child;
                        child
                    }
                    child => child,
                },
                Segment::CatchAll(_) => return &mut self.nodes[node].catch_all,
            } as usize;
        }
        &mut self.nodes[node].leaf
    }

    /// Records that the fully static pattern `path` has `leaf`, for the whole-path map.
    pub(super) fn add_static_path(&mut self, path: &str, leaf: u32) {
        self.whole.insert(path.as_bytes().into(), leaf);
        self.whole_lengths |= length_bit(path.len());
    }

    /// The leaf of the best match for `path`, with the byte ranges of its parameters pushed
    /// on `params`.
    #[inline]
    pub(super) fn find(&self, path: &str, params: &mut Params) -> Option<u32> {
        let path = path.as_bytes();
        if self.whole_lengths & length_bit(path.len()) != 0
            && let Some(&leaf) = self.whole.get(path)
        {
            return Some(leaf);
        }
        if path.first() != Some(&b'/') {
            return None;
        }
        self.find_from(&self.nodes[0], path, 1, params)
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
            && let Some(leaf) = self.descend(child, path, end, last, params)
        {
            return Some(leaf);
        }
        if node.param != NONE && end > start {
            params.push(range(start, end));
            if let Some(leaf) = self.descend(node.param, path, end, last, params) {
                return Some(leaf);
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
}
