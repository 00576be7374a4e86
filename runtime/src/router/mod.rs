//! The route table: method and path to handler, in time that does not grow with the number
//! of routes.
//!
//! Paths go into the segment tree of `cookie-route-core` ([`Tree`]), keyed by their *shape*:
//! a node per literal segment, one parameter child and one catch-all, so `GET /items/{id}`
//! and `DELETE /items/{item_id}` end at one leaf and each route keeps its own names. Static
//! children are found by exact text (a hash map when there are many), and fully static paths
//! by one hash of the whole path; literal segments win over parameters and parameters over
//! catch-alls, segment by segment from the left. What is HTTP's is here: a leaf holds a small
//! method table (GET, HEAD and POST by index) and a precomputed `Allow` value. Lookups answer
//! a route, a `405` with the `Allow` header, or a `404`, without allocating for up to four
//! parameters.

use std::sync::Arc;

use cookie_route_core::path::PathPattern;
pub(crate) use cookie_route_core::path::tree::Params;
use cookie_route_core::path::tree::Tree;
use http::{HeaderValue, Method};

#[cfg(feature = "openapi")]
use crate::extract::Requirements;
use crate::handler::RouteHandler;
use crate::middleware::Middleware;
#[cfg(feature = "openapi")]
use crate::openapi::OperationDoc;

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
    /// The middleware of the groups it was nested in, outermost first (`App::nest`).
    pub(crate) group_middleware: Vec<Middleware>,
    /// The middleware it runs in: the app's, then its groups' (set by `App::build`).
    pub(crate) chain: Arc<[Middleware]>,
    /// What its declaration says, for the OpenAPI document (`None`: written by hand).
    #[cfg(feature = "openapi")]
    pub(crate) doc: Option<&'static OperationDoc>,
    /// What it needs from the app (its dependencies' `requires`), for the document.
    #[cfg(feature = "openapi")]
    pub(crate) requires: Option<fn(&mut Requirements)>,
    /// Whether cross-origin protection applies to it: as declared until `App::build`, which
    /// keeps it only where a request can be refused (the app checks, and the method is not
    /// a safe one), so that other requests skip the check at one test.
    pub(crate) cross_origin: bool,
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

/// No route: an index past the end of `Leaf::routes`.
const NONE: u32 = u32::MAX;

impl Leaf {
    fn new() -> Self {
        Self {
            routes: Vec::new(),
            get: NONE,
            head: NONE,
            post: NONE,
            allow: HeaderValue::from_static(""),
            automatic_options: false,
        }
    }

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
    tree: Tree<Leaf>,
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
        let mut tree = Tree::new();
        for route in routes {
            let leaf = tree.get_or_insert_with(&route.pattern, Leaf::new);
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
        for leaf in tree.values_mut() {
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
        }
        if errors.is_empty() { Ok(Self { tree }) } else { Err(errors) }
    }

    /// Finds the route for `method` and `path`. `HEAD` falls back to `GET`. Inlined into
    /// the dispatcher, its one caller on the way of a request, as a call it costs ~50
    /// instructions per request.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn lookup(&self, method: &Method, path: &str) -> Lookup<'_> {
        let mut params = Params::default();
        let Some(leaf) = self.tree.find(path, &mut params) else {
            return Lookup::NotFound;
        };
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
        self.tree.values().flat_map(|l| l.routes.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                    group_middleware: Vec::new(),
                    chain: Arc::from([]),
                    #[cfg(feature = "openapi")]
                    doc: None,
                    #[cfg(feature = "openapi")]
                    requires: None,
                    cross_origin: true,
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
}
