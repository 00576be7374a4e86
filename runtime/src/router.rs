//! The route table: method and path to handler, in time that does not grow with the number
//! of routes.
//!
//! Paths go into a radix tree (`matchit`), keyed by their *shape*: parameters are renamed by
//! position, so `GET /items/{id}` and `DELETE /items/{item_id}` share one node and each
//! route keeps its own names. A node holds a small method table. Lookups answer a route, a
//! `405` with the `Allow` header, or a `404`.

use std::fmt::Write as _;
use std::sync::Arc;

use cookie_route_core::path::{PathPattern, Segment};
use http::{HeaderValue, Method};

use crate::handler::BoxHandler;

/// A route as the app holds it.
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) pattern: PathPattern,
    pub(crate) param_names: Arc<[Box<str>]>,
    pub(crate) handler: BoxHandler,
    /// Where the route was declared (`src/main.rs:12:5` or `routes.toml:30:1`).
    pub(crate) location: String,
}

struct Node {
    routes: Vec<Route>,
    allow: HeaderValue,
}

/// The built table.
pub(crate) struct Router {
    tree: matchit::Router<usize>,
    nodes: Vec<Node>,
}

/// The byte ranges of a matched route's parameters in the path. Up to four are held inline,
/// so that a lookup does not allocate for them.
#[derive(Clone, Default)]
pub struct Params(ParamsRepr);

const INLINE_PARAMS: usize = 4;

#[derive(Clone)]
enum ParamsRepr {
    Inline { len: u8, ranges: [(u32, u32); INLINE_PARAMS] },
    Heap(Vec<(u32, u32)>),
}

impl Default for ParamsRepr {
    fn default() -> Self {
        Self::Inline { len: 0, ranges: [(0, 0); INLINE_PARAMS] }
    }
}

impl Params {
    fn push(&mut self, range: (u32, u32)) {
        match &mut self.0 {
            ParamsRepr::Inline { len, ranges } if usize::from(*len) < INLINE_PARAMS => {
                ranges[usize::from(*len)] = range;
                *len += 1;
            }
            ParamsRepr::Inline { ranges, .. } => {
                let mut heap = Vec::with_capacity(INLINE_PARAMS * 2);
                heap.extend_from_slice(ranges);
                heap.push(range);
                self.0 = ParamsRepr::Heap(heap);
            }
            ParamsRepr::Heap(heap) => heap.push(range),
        }
    }
}

impl std::ops::Deref for Params {
    type Target = [(u32, u32)];

    fn deref(&self) -> &[(u32, u32)] {
        match &self.0 {
            ParamsRepr::Inline { len, ranges } => &ranges[..usize::from(*len)],
            ParamsRepr::Heap(heap) => heap,
        }
    }
}

impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// What a lookup found.
pub(crate) enum Lookup<'r> {
    Found { route: &'r Route, params: Params },
    MethodNotAllowed { allow: &'r HeaderValue },
    NotFound,
}

fn shape(pattern: &PathPattern) -> String {
    if pattern.segments().is_empty() {
        return "/".to_owned();
    }
    let mut key = String::new();
    let mut n = 0;
    for segment in pattern.segments() {
        key.push('/');
        match segment {
            Segment::Static(s) => {
                // matchit reads `{` and `}` as syntax; they cannot be in a parsed pattern.
                key.push_str(s);
            }
            Segment::Param(_) => {
                let _ = write!(key, "{{p{n}}}");
                n += 1;
            }
            Segment::CatchAll(_) => {
                let _ = write!(key, "{{*p{n}}}");
                n += 1;
            }
        }
    }
    key
}

impl Router {
    /// Builds the table, refusing routes that a request could not tell apart.
    pub(crate) fn build(routes: Vec<Route>) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let mut tree = matchit::Router::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for route in routes {
            let key = shape(&route.pattern);
            let index = match keys.iter().position(|k| *k == key) {
                Some(i) => i,
                None => {
                    if let Err(e) = tree.insert(key.clone(), nodes.len()) {
                        errors.push(format!(
                            "{} {} at {}: {e}",
                            route.method, route.pattern, route.location
                        ));
                        continue;
                    }
                    keys.push(key);
                    nodes.push(Node { routes: Vec::new(), allow: HeaderValue::from_static("") });
                    nodes.len() - 1
                }
            };
            let node = &mut nodes[index];
            if let Some(other) = node.routes.iter().find(|r| r.method == route.method) {
                errors.push(format!(
                    "`{} {}` at {} and `{} {}` at {} match the same requests",
                    other.method,
                    other.pattern,
                    other.location,
                    route.method,
                    route.pattern,
                    route.location
                ));
                continue;
            }
            node.routes.push(route);
        }
        for node in &mut nodes {
            let mut methods: Vec<&str> = node.routes.iter().map(|r| r.method.as_str()).collect();
            if methods.contains(&"GET") && !methods.contains(&"HEAD") {
                methods.push("HEAD");
            }
            methods.sort_unstable();
            node.allow =
                HeaderValue::from_str(&methods.join(", ")).unwrap_or(HeaderValue::from_static(""));
        }
        if errors.is_empty() { Ok(Self { tree, nodes }) } else { Err(errors) }
    }

    /// Finds the route for `method` and `path`. `HEAD` falls back to `GET`.
    pub(crate) fn lookup(&self, method: &Method, path: &str) -> Lookup<'_> {
        let Ok(matched) = self.tree.at(path) else {
            return Lookup::NotFound;
        };
        let node = &self.nodes[*matched.value];
        let route = node.routes.iter().find(|r| r.method == *method).or_else(|| {
            (*method == Method::HEAD)
                .then(|| node.routes.iter().find(|r| r.method == Method::GET))
                .flatten()
        });
        let Some(route) = route else {
            return Lookup::MethodNotAllowed { allow: &node.allow };
        };
        let base = path.as_ptr() as usize;
        let mut params = Params::default();
        if matched.params.is_empty() {
            return Lookup::Found { route, params };
        }
        for (_, value) in matched.params.iter() {
            // `value` is a slice of `path`: keep its offsets rather than a copy.
            let start = value.as_ptr() as usize - base;
            #[allow(clippy::cast_possible_truncation)] // paths are far below 4 GiB
            params.push((start as u32, (start + value.len()) as u32));
        }
        Lookup::Found { route, params }
    }

    /// Every route, for listing.
    pub(crate) fn routes(&self) -> impl Iterator<Item = &Route> {
        self.nodes.iter().flat_map(|n| n.routes.iter())
    }
}

/// The route table on its own, for `benches/router.rs` (re-exported as
/// `__bench::Router`; not public API). Its routes answer `204` and are never called.
pub struct BenchRouter(Router);

impl std::fmt::Debug for BenchRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BenchRouter").field("nodes", &self.0.nodes.len()).finish()
    }
}

impl BenchRouter {
    /// Builds the table of `routes` as [`App::build`](crate::App::build) does; a malformed
    /// pattern or a conflict is an error.
    pub fn build<'a>(
        routes: impl IntoIterator<Item = (Method, &'a str)>,
    ) -> Result<Self, Vec<String>> {
        let mut table = Vec::new();
        for (method, path) in routes {
            let pattern = PathPattern::parse(path).map_err(|e| vec![format!("`{path}`: {e}")])?;
            let param_names = pattern.params().map(Box::from).collect();
            let handler: BoxHandler =
                Box::new(|_: crate::Request| async { http::StatusCode::NO_CONTENT });
            table.push(Route { method, pattern, param_names, handler, location: String::new() });
        }
        Router::build(table).map(Self)
    }

    /// Looks `method` and `path` up as a request's dispatch does: the route's pattern and
    /// its parameters' byte ranges in `path`, or `None` (404 or 405).
    pub fn lookup<'r>(&'r self, method: &Method, path: &str) -> Option<(&'r str, Params)> {
        match self.0.lookup(method, path) {
            Lookup::Found { route, params } => Some((route.pattern.as_str(), params)),
            Lookup::MethodNotAllowed { .. } | Lookup::NotFound => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_spill_past_the_inline_ones_in_order() {
        let mut params = Params::default();
        assert!(params.is_empty());
        let ranges: Vec<(u32, u32)> = (0..7).map(|i| (i, i + 1)).collect();
        for (n, &range) in ranges.iter().enumerate() {
            params.push(range);
            assert_eq!(&params[..], &ranges[..=n]);
        }
    }

    #[test]
    fn lookup_gives_each_parameter_its_range() {
        let router = BenchRouter::build([
            (Method::GET, "/a/{b}/{c}/{d}/{e}/{f}"),
            (Method::GET, "/items/{id}"),
            (Method::GET, "/items"),
        ])
        .unwrap();
        let path = "/a/1/22/333/4444/55555";
        let (pattern, params) = router.lookup(&Method::GET, path).unwrap();
        assert_eq!(pattern, "/a/{b}/{c}/{d}/{e}/{f}");
        let values: Vec<&str> =
            params.iter().map(|&(s, e)| &path[s as usize..e as usize]).collect();
        assert_eq!(values, ["1", "22", "333", "4444", "55555"]);
        let (_, params) = router.lookup(&Method::HEAD, "/items/7").unwrap();
        assert_eq!(&params[..], &[(7, 8)]);
        assert!(router.lookup(&Method::GET, "/items").unwrap().1.is_empty());
        assert!(router.lookup(&Method::POST, "/items").is_none());
    }
}
