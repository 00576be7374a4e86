//! The route table: method and path to handler, in time that does not grow with the number
//! of routes.
//!
//! Paths go into a segment tree of our own (`tree.rs`), keyed by their *shape*: a node per
//! literal segment, one parameter child and one catch-all, so `GET /items/{id}` and
//! `DELETE /items/{item_id}` end at one leaf and each route keeps its own names. Static
//! children are found by exact text (a hash map when there are many), and fully static paths
//! by one hash of the whole path; literal segments win over parameters and parameters over
//! catch-alls, segment by segment from the left. A leaf holds a small method table (GET, HEAD
//! and POST by index) and a precomputed `Allow` value. Lookups answer a route, a `405` with
//! the `Allow` header, or a `404`, without allocating for up to four parameters.

mod tree;

use std::sync::Arc;

use cookie_route_core::path::{PathPattern, Segment};
use http::{HeaderValue, Method};

use crate::handler::RouteHandler;

/// A route as the app holds it.
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) pattern: PathPattern,
    pub(crate) param_names: Arc<[Box<str>]>,
    pub(crate) handler: RouteHandler,
    /// Where the route was declared (`src/main.rs:12:5` or `routes.toml:30:1`).
    pub(crate) location: String,
    /// `OPTIONS` on its path is answered with `Allow`, as Flask does, unless a route of the
    /// path serves `OPTIONS` itself.
    pub(crate) automatic_options: bool,
}

/// The routes of one shape.
struct Leaf {
    routes: Vec<Route>,
    /// Indices into `routes` of the routes for GET, HEAD (the GET one when there is no HEAD
    /// route) and POST, or `NONE`.
    get: u32,
    head: u32,
    post: u32,
    allow: HeaderValue,
    /// `OPTIONS` is answered with `allow`.
    automatic_options: bool,
}

/// No route, leaf or node: an index past the end of any table.
const NONE: u32 = u32::MAX;

impl Leaf {
    #[inline]
    fn route(&self, method: &Method) -> Option<&Route> {
        let index = match *method {
            Method::GET => self.get,
            Method::HEAD => self.head,
            Method::POST => self.post,
            _ => return self.routes.iter().find(|r| r.method == *method),
        };
        // `NONE` is past the end.
        self.routes.get(index as usize)
    }
}

/// The built table.
pub(crate) struct Router {
    tree: tree::Tree,
    leaves: Vec<Leaf>,
}

/// The byte ranges of a matched route's parameters in the path. Up to four are held inline,
/// so that a lookup does not allocate for them.
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

impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// What a lookup found.
pub(crate) enum Lookup<'r> {
    Found {
        route: &'r Route,
        params: Params,
    },
    MethodNotAllowed {
        allow: &'r HeaderValue,
    },
    /// An `OPTIONS` request that a route of the path answers automatically.
    Options {
        allow: &'r HeaderValue,
    },
    NotFound,
}

fn index(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 4 billion routes")
}

impl Router {
    /// Builds the table, refusing routes that a request could not tell apart.
    pub(crate) fn build(routes: Vec<Route>) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let mut tree = tree::Tree::new();
        let mut leaves: Vec<Leaf> = Vec::new();
        for route in routes {
            let slot = tree.slot(route.pattern.segments());
            if *slot == NONE {
                *slot = index(leaves.len());
                leaves.push(Leaf {
                    routes: Vec::new(),
                    get: NONE,
                    head: NONE,
                    post: NONE,
                    allow: HeaderValue::from_static(""),
                    automatic_options: false,
                });
            }
            let leaf = &mut leaves[*slot as usize];
            if let Some(other) = leaf.routes.iter().find(|r| r.method == route.method) {
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
            leaf.routes.push(route);
        }
        for (i, leaf) in leaves.iter_mut().enumerate() {
            let position = |method: Method| {
                leaf.routes.iter().position(|r| r.method == method).map_or(NONE, index)
            };
            leaf.get = position(Method::GET);
            leaf.post = position(Method::POST);
            leaf.head = match position(Method::HEAD) {
                NONE => leaf.get,
                head => head,
            };
            let mut methods: Vec<&str> = leaf.routes.iter().map(|r| r.method.as_str()).collect();
            if methods.contains(&"GET") && !methods.contains(&"HEAD") {
                methods.push("HEAD");
            }
            leaf.automatic_options =
                !methods.contains(&"OPTIONS") && leaf.routes.iter().any(|r| r.automatic_options);
            if leaf.automatic_options {
                methods.push("OPTIONS");
            }
            methods.sort_unstable();
            leaf.allow =
                HeaderValue::from_str(&methods.join(", ")).unwrap_or(HeaderValue::from_static(""));
            let pattern = &leaf.routes[0].pattern;
            if pattern.segments().iter().all(|s| matches!(s, Segment::Static(_))) {
                tree.add_static_path(pattern.as_str(), index(i));
            }
        }
        if errors.is_empty() { Ok(Self { tree, leaves }) } else { Err(errors) }
    }

    /// Finds the route for `method` and `path`. `HEAD` falls back to `GET`.
    #[inline]
    pub(crate) fn lookup(&self, method: &Method, path: &str) -> Lookup<'_> {
        let mut params = Params::default();
        let Some(leaf) = self.tree.find(path, &mut params) else {
            return Lookup::NotFound;
        };
        let leaf = &self.leaves[leaf as usize];
        match leaf.route(method) {
            Some(route) => Lookup::Found { route, params },
            None if leaf.automatic_options && *method == Method::OPTIONS => {
                Lookup::Options { allow: &leaf.allow }
            }
            None => Lookup::MethodNotAllowed { allow: &leaf.allow },
        }
    }

    /// Every route, for listing.
    pub(crate) fn routes(&self) -> impl Iterator<Item = &Route> {
        self.leaves.iter().flat_map(|l| l.routes.iter())
    }
}

/// The route table on its own, for `benches/router.rs` (re-exported as
/// `__bench::Router`; not public API). Its routes answer `204` and are never called.
pub struct BenchRouter(Router);

impl std::fmt::Debug for BenchRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BenchRouter").field("leaves", &self.0.leaves.len()).finish()
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
            let handler =
                RouteHandler::custom(|_: crate::Request| async { http::StatusCode::NO_CONTENT });
            table.push(Route {
                method,
                pattern,
                param_names,
                handler,
                location: String::new(),
                automatic_options: false,
            });
        }
        Router::build(table).map(Self)
    }

    /// Looks `method` and `path` up as a request's dispatch does: the route's pattern and
    /// its parameters' byte ranges in `path`, or `None` (404 or 405).
    #[inline]
    pub fn lookup<'r>(&'r self, method: &Method, path: &str) -> Option<(&'r str, Params)> {
        match self.0.lookup(method, path) {
            Lookup::Found { route, params } => Some((route.pattern.as_str(), params)),
            Lookup::MethodNotAllowed { .. } | Lookup::Options { .. } | Lookup::NotFound => None,
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
        for n in (0..ranges.len()).rev() {
            params.pop();
            assert_eq!(&params[..], &ranges[..n]);
        }
        params.push((9, 9));
        assert_eq!(&params[..], &[(9, 9)]);
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
        let values = values(path, &params);
        assert_eq!(values, ["1", "22", "333", "4444", "55555"]);
        let (_, params) = router.lookup(&Method::HEAD, "/items/7").unwrap();
        assert_eq!(&params[..], &[(7, 8)]);
        assert!(router.lookup(&Method::GET, "/items").unwrap().1.is_empty());
        assert!(router.lookup(&Method::POST, "/items").is_none());
    }

    #[test]
    fn backtracking_drops_the_parameters_it_took() {
        let router = BenchRouter::build([
            (Method::GET, "/{a}/{b}/{c}/{d}/{e}/x"),
            (Method::GET, "/{a}/{b}/{c}/{d}/{*rest}"),
        ])
        .unwrap();
        let path = "/1/2/3/4/5/y";
        let (pattern, params) = router.lookup(&Method::GET, path).unwrap();
        assert_eq!(pattern, "/{a}/{b}/{c}/{d}/{*rest}");
        let values = values(path, &params);
        assert_eq!(values, ["1", "2", "3", "4", "5/y"]);
    }

    /// A table of `routes`, the `i`th declared at `here:i`.
    fn table(routes: &[(Method, &str)]) -> Result<Router, Vec<String>> {
        let routes = routes
            .iter()
            .enumerate()
            .map(|(i, (method, path))| {
                let pattern = PathPattern::parse(path).unwrap();
                let param_names = pattern.params().map(Box::from).collect();
                let handler = RouteHandler::custom(|_: crate::Request| async {
                    http::StatusCode::NO_CONTENT
                });
                Route {
                    method: method.clone(),
                    pattern,
                    param_names,
                    handler,
                    location: format!("here:{i}"),
                    automatic_options: false,
                }
            })
            .collect();
        Router::build(routes)
    }

    /// The parameters' values in `path`.
    fn values<'p>(path: &'p str, params: &Params) -> Vec<&'p str> {
        params.iter().map(|&(s, e)| &path[s as usize..e as usize]).collect()
    }

    /// What `router` answers for `method` and `path`: the pattern and the parameter values,
    /// `405 <allow>`, or `404`.
    fn answer(router: &Router, method: &Method, path: &str) -> String {
        match router.lookup(method, path) {
            Lookup::Found { route, params } => {
                format!("{} {:?}", route.pattern, values(path, &params))
            }
            Lookup::MethodNotAllowed { allow } => format!("405 {}", allow.to_str().unwrap()),
            Lookup::Options { allow } => format!("200 {}", allow.to_str().unwrap()),
            Lookup::NotFound => "404".to_owned(),
        }
    }

    #[test]
    fn methods_share_a_shape_and_answer_405_with_allow() {
        let ext = Method::from_bytes(b"PURGE").unwrap();
        let router = table(&[
            (Method::GET, "/items/{id}"),
            (Method::DELETE, "/items/{item_id}"),
            (Method::POST, "/items"),
            (Method::HEAD, "/head"),
            (Method::GET, "/head"),
            (ext.clone(), "/items"),
        ])
        .unwrap();
        assert_eq!(answer(&router, &Method::GET, "/items/7"), r#"/items/{id} ["7"]"#);
        assert_eq!(answer(&router, &Method::HEAD, "/items/7"), r#"/items/{id} ["7"]"#);
        assert_eq!(answer(&router, &Method::DELETE, "/items/7"), r#"/items/{item_id} ["7"]"#);
        assert_eq!(answer(&router, &Method::PUT, "/items/7"), "405 DELETE, GET, HEAD");
        assert_eq!(answer(&router, &Method::GET, "/items"), "405 POST, PURGE");
        assert_eq!(answer(&router, &ext, "/items"), "/items []");
        assert_eq!(answer(&router, &Method::HEAD, "/items"), "405 POST, PURGE");
        let Lookup::Found { route, .. } = router.lookup(&Method::HEAD, "/head") else {
            panic!("HEAD /head");
        };
        assert_eq!(route.method, Method::HEAD, "a HEAD route comes before the GET one");
        assert_eq!(router.routes().count(), 6);
    }

    #[test]
    fn routes_of_one_shape_and_method_are_refused_naming_both() {
        let errors = table(&[
            (Method::GET, "/a/{x}"),
            (Method::POST, "/a/{y}"),
            (Method::GET, "/a/{y}"),
            (Method::GET, "/"),
            (Method::GET, "/"),
            (Method::GET, "/s/{*rest}"),
            (Method::GET, "/s/{*path}"),
        ])
        .err()
        .unwrap();
        assert_eq!(
            errors,
            [
                "`GET /a/{x}` at here:0 and `GET /a/{y}` at here:2 match the same requests",
                "`GET /` at here:3 and `GET /` at here:4 match the same requests",
                "`GET /s/{*rest}` at here:5 and `GET /s/{*path}` at here:6 match the same requests",
            ]
        );
    }

    #[test]
    fn literal_segments_win_then_parameters_then_catch_alls() {
        let router = table(&[
            (Method::GET, "/"),
            (Method::GET, "/items/{id}"),
            (Method::GET, "/items/new"),
            (Method::GET, "/items/{id}/"),
            (Method::GET, "/f/{x}/b"),
            // matchit refused a parameter and a catch-all in one place; the parameter wins.
            (Method::GET, "/f/{*rest}"),
            (Method::GET, "/s/{*rest}"),
            (Method::GET, "/{first}/x"),
            (Method::GET, "/a/b/c"),
        ])
        .unwrap();
        let cases = [
            ("/", "/ []"),
            ("", "404"),
            ("*", "404"),
            ("items/7", "404"),
            ("/items/new", "/items/new []"),
            ("/items/news", r#"/items/{id} ["news"]"#),
            ("/items/7", r#"/items/{id} ["7"]"#),
            ("/items/7/", r#"/items/{id}/ ["7"]"#),
            ("/items/", "404"),
            ("/items//", "404"),
            ("/items/%2F", r#"/items/{id} ["%2F"]"#),
            ("/items/{id}", r#"/items/{id} ["{id}"]"#),
            ("/items/x", r#"/items/{id} ["x"]"#),
            ("/a/x", r#"/{first}/x ["a"]"#),
            ("/a/b/x", "404"),
            ("/f/1/b", r#"/f/{x}/b ["1"]"#),
            ("/f/1", r#"/f/{*rest} ["1"]"#),
            ("/f/1/c", r#"/f/{*rest} ["1/c"]"#),
            ("/f/x", r#"/f/{*rest} ["x"]"#),
            ("/f/", "404"),
            ("/f", "404"),
            ("/s/", "404"),
            ("/s//", r#"/s/{*rest} ["/"]"#),
            ("/s/a//b/", r#"/s/{*rest} ["a//b/"]"#),
            ("/s/x", r#"/s/{*rest} ["x"]"#),
            ("/é/x", r#"/{first}/x ["é"]"#),
            ("//x", "404"),
        ];
        for (path, expected) in cases {
            assert_eq!(answer(&router, &Method::GET, path), expected, "GET {path:?}");
        }
    }

    /// xorshift64: a small deterministic generator for the randomized tests.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap()
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    /// The literal segments of random patterns: few, so that patterns meet.
    const LITERALS: &[&str] = &["a", "b", "ab", "a.b", "%2F", "*"];

    /// Segments of random paths: the literals, and what no pattern has.
    const PATH_SEGMENTS: &[&str] =
        &["a", "b", "ab", "a.b", "%2F", "*", "x", "", "é", "{a}", "a%20b"];

    fn random_pattern(rng: &mut Rng) -> String {
        let len = rng.below(7);
        let mut pattern = String::new();
        for i in 0..len {
            pattern.push('/');
            match rng.below(10) {
                0..=5 => pattern.push_str(rng.pick(LITERALS)),
                6..=8 => pattern.push_str(&format!("{{p{i}}}")),
                _ => {
                    pattern.push_str(&format!("{{*p{i}}}"));
                    return pattern;
                }
            }
        }
        if pattern.is_empty() || rng.below(5) == 0 {
            pattern.push('/');
        }
        pattern
    }

    /// A path near `patterns[..]` (parameters and catch-alls filled in, sometimes with
    /// values they do not take), or from the path alphabet alone.
    fn random_path(rng: &mut Rng, patterns: &[PathPattern]) -> String {
        let mut path = String::new();
        if !patterns.is_empty() && rng.below(3) != 0 {
            let pattern = &patterns[rng.below(patterns.len())];
            for segment in pattern.segments() {
                path.push('/');
                match segment {
                    Segment::Static(text) => path.push_str(text),
                    Segment::Param(_) => path.push_str(rng.pick(PATH_SEGMENTS)),
                    Segment::CatchAll(_) => {
                        for i in 0..rng.below(4) {
                            if i > 0 {
                                path.push('/');
                            }
                            path.push_str(rng.pick(PATH_SEGMENTS));
                        }
                    }
                }
            }
            if path.is_empty() {
                path.push('/');
            }
            match rng.below(8) {
                0 => path.push('/'),
                1 => path.push_str("/a"),
                2 => {
                    path.pop();
                }
                _ => {}
            }
        } else {
            if rng.below(10) != 0 {
                path.push('/');
            }
            for i in 0..rng.below(6) {
                if i > 0 {
                    path.push('/');
                }
                path.push_str(rng.pick(PATH_SEGMENTS));
            }
        }
        path
    }

    /// The byte range of `value`, a slice of `path`.
    fn range_in(path: &str, value: &str) -> (u32, u32) {
        let start = value.as_ptr() as usize - path.as_ptr() as usize;
        (u32::try_from(start).unwrap(), u32::try_from(start + value.len()).unwrap())
    }

    fn ours(router: &BenchRouter, path: &str) -> Option<(String, Vec<(u32, u32)>)> {
        router
            .lookup(&Method::GET, path)
            .map(|(pattern, params)| (pattern.to_owned(), params.to_vec()))
    }

    /// Whether `a` and `b` have a parameter and a catch-all in one place after the same
    /// segments: matchit refuses that, we let the parameter win.
    fn param_beside_catch_all(a: &PathPattern, b: &PathPattern) -> bool {
        for pair in a.segments().iter().zip(b.segments()) {
            match pair {
                (Segment::Static(x), Segment::Static(y)) if x == y => {}
                (Segment::Param(_), Segment::Param(_)) => {}
                (Segment::Param(_), Segment::CatchAll(_))
                | (Segment::CatchAll(_), Segment::Param(_)) => return true,
                _ => return false,
            }
        }
        false
    }

    /// Random route sets against `matchit` 0.9, which the table used before: every set
    /// matchit takes, we take, and every path gets the same answer. What matchit refuses is
    /// a shape it already has, or a parameter beside a catch-all.
    #[test]
    fn lookups_agree_with_matchit() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut refused, mut found) = (0, 0);
        for _ in 0..3000 {
            let mut theirs = matchit::Router::new();
            let mut accepted: Vec<PathPattern> = Vec::new();
            for _ in 0..1 + rng.below(12) {
                let source = random_pattern(&mut rng);
                let pattern = PathPattern::parse(&source).unwrap();
                match theirs.insert(source.as_str(), accepted.len()) {
                    Ok(()) => accepted.push(pattern),
                    Err(e) => {
                        refused += 1;
                        assert!(
                            accepted.iter().any(|a| a.conflicts_with(&pattern)
                                || param_beside_catch_all(a, &pattern)),
                            "matchit refused `{source}` after {accepted:?}: {e}"
                        );
                    }
                }
            }
            let router = BenchRouter::build(accepted.iter().map(|p| (Method::GET, p.as_str())))
                .unwrap_or_else(|e| panic!("{e:?} for {accepted:?}"));
            for _ in 0..40 {
                let path = random_path(&mut rng, &accepted);
                let expected = theirs.at(&path).ok().map(|m| {
                    let ranges = m.params.iter().map(|(_, v)| range_in(&path, v)).collect();
                    (accepted[*m.value].as_str().to_owned(), ranges)
                });
                found += usize::from(expected.is_some());
                assert_eq!(ours(&router, &path), expected, "GET {path:?} in {accepted:?}");
            }
        }
        // The generator must reach both answers and matchit's refusals.
        assert!(refused > 1000 && found > 30_000, "refused {refused}, found {found}");
    }

    /// The rule of `PathPattern`, one pattern at a time: the parameter ranges if `pattern`
    /// matches `path`.
    fn matches(pattern: &PathPattern, path: &str) -> Option<Vec<(u32, u32)>> {
        let mut rest = Some(path.strip_prefix('/')?);
        let mut ranges = Vec::new();
        let root = [Segment::Static(String::new())];
        let segments = if pattern.segments().is_empty() { &root[..] } else { pattern.segments() };
        for segment in segments {
            let here = rest?;
            let (text, next) = match here.split_once('/') {
                Some((text, next)) => (text, Some(next)),
                None => (here, None),
            };
            match segment {
                Segment::Static(literal) if text == literal => {}
                Segment::Param(_) if !text.is_empty() => ranges.push(range_in(path, text)),
                Segment::CatchAll(_) if !here.is_empty() => {
                    ranges.push(range_in(path, here));
                    return Some(ranges);
                }
                _ => return None,
            }
            rest = next;
        }
        rest.is_none().then_some(ranges)
    }

    /// Literal over parameter over catch-all, from the left.
    fn rank(pattern: &PathPattern) -> Vec<u8> {
        let rank = |s: &Segment| match s {
            Segment::Static(_) => 2,
            Segment::Param(_) => 1,
            Segment::CatchAll(_) => 0,
        };
        if pattern.segments().is_empty() {
            vec![2]
        } else {
            pattern.segments().iter().map(rank).collect()
        }
    }

    /// Random route sets, including what matchit refused, against the rule of `PathPattern`
    /// applied to each pattern in turn; a shape given twice is refused.
    #[test]
    fn lookups_follow_the_priority_rule() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for _ in 0..3000 {
            let mut patterns: Vec<PathPattern> = Vec::new();
            for _ in 0..1 + rng.below(12) {
                let pattern = PathPattern::parse(&random_pattern(&mut rng)).unwrap();
                if patterns.iter().any(|p| p.conflicts_with(&pattern)) {
                    let mut twice = patterns.clone();
                    twice.push(pattern);
                    let errors =
                        BenchRouter::build(twice.iter().map(|p| (Method::GET, p.as_str())))
                            .expect_err("a shape given twice");
                    assert_eq!(errors.len(), 1, "{errors:?}");
                } else {
                    patterns.push(pattern);
                }
            }
            let router =
                BenchRouter::build(patterns.iter().map(|p| (Method::GET, p.as_str()))).unwrap();
            for _ in 0..40 {
                let path = random_path(&mut rng, &patterns);
                let expected = patterns
                    .iter()
                    .filter_map(|p| Some((p, matches(p, &path)?)))
                    .max_by_key(|(p, _)| rank(p))
                    .map(|(p, ranges)| (p.as_str().to_owned(), ranges));
                assert_eq!(ours(&router, &path), expected, "GET {path:?} in {patterns:?}");
            }
        }
    }
}
