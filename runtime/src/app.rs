//! The app: its routes and limits, built into a service that tower, hyper and the test
//! client all call the same way.

use std::any::Any;
use std::convert::Infallible;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use cookie_route_core::path::PathPattern;
use http::header::{ALLOW, CONTENT_LENGTH, HeaderValue};
use http::{Method, StatusCode};
use http_body_util::BodyExt;

use crate::body::Body;
use crate::cross_origin::{CrossOrigin, Guard};
use crate::declared_groups::DeclaredGroups;
#[cfg(feature = "openapi")]
use crate::docs_ui::DocsConfig;
use crate::error::{BoxError, Error, StartError};
use crate::extract::Requirements;
use crate::group::{ApplyLayer, Group, GroupEntry, Groups, Through};
use crate::handler::{BoxFuture, CatchUnwind, Handler, RouteHandler};
use crate::keys::Keys;
use crate::limits::Limits;
use crate::middleware::{Middleware, Next, middleware};
#[cfg(feature = "openapi")]
use crate::openapi::OperationDoc;
use crate::raised::ErrorHandlers;
use crate::request::{Request, RequestBody};
use crate::response::{IntoResponse, Response};
use crate::router::{Lookup, Params, Route, Router};
use crate::session::SessionConfig;
use crate::shared::{BodyLimits, Shared};
use crate::state::StateMap;

/// An app under construction: routes and limits.
///
/// ```
/// use cookie_route::{App, Request, Html};
///
/// async fn hello(_: Request) -> Html<&'static str> {
///     Html("Hello, World!")
/// }
///
/// let app = App::new().get("/", hello);
/// let service = app.build()?; // a tower::Service, checked: no conflicting routes
/// # let _ = service;
/// # Ok::<(), cookie_route::StartError>(())
/// ```
#[derive(Default)]
pub struct App {
    routes: Vec<Route>,
    errors: Vec<String>,
    limits: Limits,
    keys: Option<Keys>,
    sessions: Option<SessionConfig>,
    not_found: Option<RouteHandler>,
    method_not_allowed: Option<RouteHandler>,
    automatic_options: bool,
    state: StateMap,
    middleware: Vec<Middleware>,
    /// Types registered with `state` more than once.
    repeated_state: Vec<&'static str>,
    /// What each declared route needs from the app (its dependencies' `requires`), with
    /// the route as errors name it.
    requirements: Vec<(String, RequiresFn)>,
    /// Whether `limits` was called (a group may not).
    limits_set: bool,
    layers: Vec<ApplyLayer>,
    /// The nested groups that have layers or error pages of their own.
    groups: Vec<GroupEntry>,
    /// The error handlers (`on_error`), and the types given two.
    error_handlers: ErrorHandlers,
    repeated_error_handlers: Vec<&'static str>,
    /// Cross-origin protection (on by default), and whether this app's routes opt out.
    cross_origin: Option<CrossOrigin>,
    skip_cross_origin: bool,
    /// The `#[cookie_route(..., group = "...")]` groups this app must mount, and those it has.
    declared_groups: DeclaredGroups,
    /// The API docs (`App::docs`), when they are configured.
    #[cfg(feature = "openapi")]
    docs: Option<DocsConfig>,
}

/// A declared route's generated function that gathers what its dependencies need.
type RequiresFn = fn(&mut Requirements);

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let routes: Vec<String> =
            self.routes.iter().map(|r| format!("{} {}", r.method, r.pattern)).collect();
        f.debug_struct("App").field("routes", &routes).field("limits", &self.limits).finish()
    }
}

macro_rules! method_fns {
    ($($name:ident => $method:ident),*) => {$(
        #[doc = concat!("Adds a `", stringify!($method), "` route; see [`App::route`].")]
        #[track_caller]
        #[must_use]
        pub fn $name(self, path: &str, handler: impl Handler) -> Self {
            self.route(Method::$method, path, handler)
        }
    )*};
}

impl App {
    /// An app with no routes and default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a route. `path` is a pattern such as `/items/{item_id}` or `/static/{*rest}`.
    ///
    /// A malformed pattern, or two routes that the same request would match, make
    /// [`App::build`] (and so `serve`) fail, naming both places.
    #[track_caller]
    #[must_use]
    pub fn route(self, method: Method, path: &str, handler: impl Handler) -> Self {
        let location = caller_location();
        self.route_at(method, path, handler, location)
    }

    method_fns!(get => GET, post => POST, put => PUT, patch => PATCH, delete => DELETE,
                head => HEAD, options => OPTIONS);

    /// Adds a route declared at `location` (`file:line:col`).
    #[must_use]
    pub fn route_at(
        self,
        method: Method,
        path: &str,
        handler: impl Handler,
        location: impl Into<String>,
    ) -> Self {
        let automatic_options = self.automatic_options;
        let handler = RouteHandler::custom(handler);
        self.add(method, path, handler, location.into(), automatic_options, None)
    }

    /// Adds a route; `declared`: what the macros generated for it (its needs, its document).
    pub(crate) fn add(
        mut self,
        method: Method,
        path: &str,
        handler: RouteHandler,
        location: String,
        automatic_options: bool,
        declared: Option<Declared>,
    ) -> Self {
        let cross_origin = declared.as_ref().is_none_or(|d| d.cross_origin);
        #[cfg(feature = "openapi")]
        let doc = declared.as_ref().map(|d| d.doc);
        let requires = declared.map(|d| d.requires);
        if let Some(requires) = requires {
            self.requirements.push((format!("`{method} {path}` at {location}"), requires));
        }
        match PathPattern::parse(path) {
            Ok(pattern) => {
                let param_names = pattern.params().map(Box::from).collect();
                self.routes.push(Route {
                    method,
                    pattern,
                    param_names,
                    handler,
                    location,
                    automatic_options,
                    group_middleware: Vec::new(),
                    chain: Arc::from([]),
                    #[cfg(feature = "openapi")]
                    doc,
                    #[cfg(feature = "openapi")]
                    requires,
                    cross_origin: cross_origin && !self.skip_cross_origin,
                });
            }
            Err(e) => self.errors.push(format!("invalid path `{path}` at {location}: {e}")),
        }
        self
    }

    /// Answers `OPTIONS` on the paths of the routes added after this call, with `200` and
    /// an `Allow` header listing their methods, as Flask does (unless a route serves
    /// `OPTIONS` itself). Off by default, as in FastAPI, where `OPTIONS` is a 405.
    #[must_use]
    pub fn automatic_options(mut self, on: bool) -> Self {
        self.automatic_options = on;
        self
    }

    /// An app with every route declared with `#[cookie_route]` anywhere in the program,
    /// except those of a group (`group = "name"`), which [`App::declared_group`] gives.
    ///
    /// The attribute registers each handler as it is compiled (on Linux and Android as a
    /// static in a linker section, elsewhere with `inventory`), so no route list is written
    /// by hand; two declarations that match the same requests make [`App::build`] fail,
    /// naming both places. So does a group of declared routes that this app never mounts (by
    /// nesting its `App::declared_group(name)`), naming the group and one of its routes: no
    /// declared route is silently left out.
    pub fn declared() -> Self {
        Self::new().with_declared()
    }

    /// Adds every route declared with `#[cookie_route]` to this app, except those of a
    /// group, as [`App::declared`] does (and [`App::build`] checks the same way that every
    /// group is mounted).
    #[must_use]
    pub fn with_declared(mut self) -> Self {
        for route in declared_routes() {
            match route.group {
                None => self = self.add_declared(route),
                Some(group) => self.declared_groups.leave_out(group, || {
                    format!("`{} {}` at {}", route.methods.join(" | "), route.path, route.location)
                }),
            }
        }
        self
    }

    /// The routes declared with `#[cookie_route(..., group = "name")]`, as an app of their
    /// own (their paths as declared, without a prefix), to be mounted with [`App::nest`]: the
    /// app decides the prefix. Middleware added to it runs around these routes only.
    ///
    /// [`App::declared`] leaves a group's routes out, and its [`App::build`] fails until the
    /// group is nested (at any depth), so that no declared route is silently dropped. A name
    /// that no route declares makes `App::build` fail too.
    ///
    /// ```
    /// use cookie_route::prelude::*;
    /// use cookie_route::StartError;
    ///
    /// #[cookie_route(GET "/")]
    /// async fn home() -> &'static str { "home" }
    ///
    /// #[cookie_route(GET "/items", group = "api")]
    /// async fn items() -> &'static str { "items" }
    ///
    /// let app = App::declared().nest("/api", App::declared_group("api"));
    /// let routes: Vec<String> =
    ///     app.build()?.routes().map(|(m, path, _)| format!("{m} {path}")).collect();
    /// assert_eq!(routes, ["GET /", "GET /api/items"]);
    ///
    /// // Without the group, the build fails rather than leave `/items` out.
    /// let Err(StartError::Routes(errors)) = App::declared().build() else { panic!() };
    /// assert!(errors[0].contains(r#"nest them under their prefix with `.nest("/prefix", App::declared_group("api"))`"#));
    /// # Ok::<(), StartError>(())
    /// ```
    #[track_caller]
    pub fn declared_group(name: &str) -> Self {
        let caller = Location::caller();
        let mut app = Self::declared_group_routes(name);
        if !declared_routes().iter().any(|r| r.group == Some(name)) {
            let mut groups: Vec<&str> = declared_routes().iter().filter_map(|r| r.group).collect();
            groups.sort_unstable();
            groups.dedup();
            let known = match groups.as_slice() {
                [] => "no route of the program has a group".to_owned(),
                _ => format!("the program's groups are `{}`", groups.join("`, `")),
            };
            app.errors.push(format!(
                "App::declared_group at {}:{}:{}: no `#[cookie_route]` declares \
                 `group = \"{name}\"`; {known}",
                caller.file(),
                caller.line(),
                caller.column()
            ));
        }
        app
    }

    /// The routes of the declared group `name`, marked as that group: none is an empty app
    /// (a routes.toml group with no attribute routes).
    pub(crate) fn declared_group_routes(name: &str) -> Self {
        let mut app = Self { declared_groups: DeclaredGroups::of(name), ..Self::default() };
        for route in declared_routes() {
            if route.group == Some(name) {
                app = app.add_declared(route);
            }
        }
        app
    }

    /// Adds a declared route, once per method.
    fn add_declared(mut self, route: &'static DeclaredRoute) -> Self {
        for method in route.methods {
            match Method::from_bytes(method.as_bytes()) {
                Ok(method) => {
                    self = self.add(
                        method,
                        route.path,
                        RouteHandler::Generated(route.handler),
                        route.location.to_owned(),
                        false,
                        Some(Declared {
                            requires: route.requires,
                            #[cfg(feature = "openapi")]
                            doc: route.doc,
                            cross_origin: route.cross_origin,
                        }),
                    );
                }
                Err(_) => {
                    self.errors.push(format!("invalid method `{method}` at {}", route.location))
                }
            }
        }
        self
    }

    /// Registers `value` as the app's state of its type, which handlers and dependencies
    /// take as [`State<T>`](crate::State) (or [`Request::state`]). Any number of types, each
    /// once: a second value of a type makes [`App::build`] fail.
    ///
    /// ```
    /// use cookie_route::{App, State};
    ///
    /// struct Config { greeting: &'static str }
    ///
    /// let app = App::new().state(Config { greeting: "hello" });
    /// # let _ = app.build()?;
    /// # Ok::<(), cookie_route::StartError>(())
    /// ```
    #[must_use]
    pub fn state<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        if !self.state.insert(value) {
            self.repeated_state.push(std::any::type_name::<T>());
        }
        self
    }

    /// Runs `f` around every request that a route or a fallback handler answers, in the
    /// order middlewares are added (the first added is the outermost): it gets the request
    /// and [`Next`], and may answer at once, or call `next.run(request)` and change the
    /// response, cookies included. As FastAPI's `@app.middleware("http")`.
    ///
    /// ```
    /// use cookie_route::{App, Cookie, IntoResponse, Next, Request, Response, StatusCode};
    ///
    /// let app = App::new()
    ///     .get("/", |_: Request| async { "hello" })
    ///     .middleware(|request: Request, next: Next| async move {
    ///         if request.header("x-api-key") != Some("secret") {
    ///             return StatusCode::UNAUTHORIZED.into_response();
    ///         }
    ///         let mut response: Response = next.run(request).await;
    ///         let _ = response.set_cookie(Cookie::new("seen", "1"));
    ///         response
    ///     });
    /// # let _ = app.build()?;
    /// # Ok::<(), cookie_route::StartError>(())
    /// ```
    #[must_use]
    pub fn middleware<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response> + Send + 'static,
    {
        self.middleware.push(middleware(f));
        self
    }

    /// Wraps the app in a tower [`Layer`](tower::Layer), such as tower-http's `CorsLayer`,
    /// `CompressionLayer`, `TimeoutLayer` or `TraceLayer`: it sees every request before
    /// routing and every response after the pipeline. The last layer added is the
    /// outermost, as with `ServiceBuilder`. A layer's error (rather than a response) is a
    /// logged 500. Without layers the server calls the app directly; with some, each request
    /// body is boxed for them.
    ///
    /// On a group ([`App::nest`]) the layer sees only the requests under the group's prefix
    /// (its 404s and 405s too), inside the app's layers.
    ///
    /// ```
    /// use cookie_route::{App, Request};
    /// use tower_http::set_header::SetResponseHeaderLayer;
    /// use cookie_route::http::{HeaderValue, header::CACHE_CONTROL};
    ///
    /// let app = App::new()
    ///     .get("/", |_: Request| async { "hello" })
    ///     .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-store")));
    /// # let _ = app.build()?;
    /// # Ok::<(), cookie_route::StartError>(())
    /// ```
    #[must_use]
    pub fn layer<L, S, B>(mut self, layer: L) -> Self
    where
        L: tower::Layer<LayeredService, Service = S> + Send + Sync + 'static,
        S: tower_service::Service<http::Request<Body>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send + 'static,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        self.layers.push(Arc::new(move |inner: LayeredService| {
            LayeredService::new(Answering(layer.layer(inner)))
        }));
        self
    }

    /// Mounts `group`'s routes under `prefix` (`/api`: the group's `/items` answers
    /// `/api/items`), as FastAPI's `include_router(prefix=...)`, Flask's blueprints and
    /// axum's `nest`. What the group has of its own applies under its prefix only:
    ///
    /// - its middleware runs around its routes, inside the app's;
    /// - its tower layers ([`App::layer`]) see every request under the prefix (a CORS
    ///   preflight, a 404 or a 405 there too), inside the app's layers;
    /// - its `not_found` and `method_not_allowed` answer the paths under the prefix;
    /// - its state joins the app's (a type registered twice fails [`App::build`]).
    ///
    /// A route of the group that matches the same requests as another makes `App::build`
    /// fail naming both. Keys, sessions, limits, error handlers and the API docs are the
    /// app's: a group that sets them makes `App::build` fail, rather than have them ignored.
    ///
    /// ```
    /// use cookie_route::{App, IntoResponse, Next, Request};
    /// use tower_http::set_header::SetResponseHeaderLayer;
    /// use cookie_route::http::{HeaderValue, header::CACHE_CONTROL};
    ///
    /// let api = App::new()
    ///     .get("/items", |_: Request| async { "items" })
    ///     .middleware(|request: Request, next: Next| async move {
    ///         let mut response = next.run(request).await;
    ///         response.set_header("x-api", "1").unwrap();
    ///         response
    ///     })
    ///     .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-store")))
    ///     .not_found(|_: Request| async { "no such API" });
    /// let app = App::new().get("/", |_: Request| async { "home" }).nest("/api", api);
    /// let routes: Vec<String> =
    ///     app.build()?.routes().map(|(m, path, _)| format!("{m} {path}")).collect();
    /// assert_eq!(routes, ["GET /", "GET /api/items"]);
    /// # Ok::<(), cookie_route::StartError>(())
    /// ```
    #[track_caller]
    #[must_use]
    pub fn nest(mut self, prefix: &str, group: App) -> Self {
        let here = caller_location();
        if let Err(e) = check_prefix("App::nest", prefix, &here) {
            self.errors.push(e);
            return self;
        }
        let App {
            routes,
            errors,
            // Whether the group set them is `limits_set`.
            limits: _,
            keys,
            sessions,
            not_found,
            method_not_allowed,
            automatic_options: _,
            state,
            middleware,
            repeated_state,
            requirements,
            limits_set,
            layers,
            groups,
            error_handlers,
            repeated_error_handlers,
            cross_origin,
            skip_cross_origin: _,
            declared_groups,
            #[cfg(feature = "openapi")]
            docs,
        } = group;
        let mut own = Vec::new();
        if keys.is_some() {
            own.push("keys");
        }
        if sessions.is_some() {
            own.push("sessions");
        }
        if limits_set {
            own.push("limits");
        }
        if !error_handlers.is_empty() || !repeated_error_handlers.is_empty() {
            own.push("error handlers (App::on_error)");
        }
        if cross_origin.is_some() {
            own.push("cross-origin protection (App::cross_origin; a group's routes opt out with App::skip_cross_origin_check)");
        }
        #[cfg(feature = "openapi")]
        if docs.is_some() {
            own.push("API docs (App::docs)");
        }
        if !own.is_empty() {
            self.errors.push(format!(
                "App::nest at {here}: the group `{prefix}` sets {}, which are the app's: set them \
                 on the app",
                own.join(", ")
            ));
        }
        self.errors.extend(errors);
        self.declared_groups.nested(declared_groups);
        self.repeated_state.extend(repeated_state);
        self.repeated_state.extend(self.state.merge(state));
        for (route, requires) in requirements {
            self.requirements.push((format!("{route} (under `{prefix}`)"), requires));
        }
        for entry in groups {
            self.groups.push(entry.within(
                prefix,
                &layers,
                &middleware,
                not_found.as_ref(),
                method_not_allowed.as_ref(),
            ));
        }
        for mut route in routes {
            let path = match route.pattern.as_str() {
                "/" => prefix.to_owned(),
                path => format!("{prefix}{path}"),
            };
            match PathPattern::parse(&path) {
                Ok(pattern) => {
                    route.param_names = pattern.params().map(Box::from).collect();
                    route.pattern = pattern;
                    let mut chain = middleware.clone();
                    chain.append(&mut route.group_middleware);
                    route.group_middleware = chain;
                    self.routes.push(route);
                }
                Err(e) => self.errors.push(format!(
                    "invalid path `{path}` (`{prefix}` nested at {here}) for the route at {}: {e}",
                    route.location
                )),
            }
        }
        if !layers.is_empty() || not_found.is_some() || method_not_allowed.is_some() {
            self.groups.push(GroupEntry {
                prefix: prefix.to_owned(),
                layers,
                middleware,
                not_found,
                method_not_allowed,
                service: None,
                location: here,
            });
        }
        self
    }

    /// Mounts a tower [`Service`](tower_service::Service) under `prefix`: it takes every
    /// request whose path is the prefix or under it, whatever the method, with the prefix
    /// taken off the path (`/static/css/site.css` reaches it as `/css/site.css`), as axum's
    /// `nest_service` and Starlette's `app.mount`. tower-http's `ServeDir` serves a directory
    /// this way (with `Content-Type`, `ETag`/`Last-Modified`, 304 and ranges, and paths out
    /// of the directory refused).
    ///
    /// The app's and its groups' tower layers are around it; [`App::middleware`] functions,
    /// which run around routes, are not. A route under the prefix makes [`App::build`] fail
    /// naming both, since the service would take its requests; so does a second service or
    /// group with layers at the same prefix. The service's error is a logged 500.
    ///
    /// ```
    /// use cookie_route::{App, Request};
    /// use tower_http::services::ServeDir;
    ///
    /// let app = App::new()
    ///     .get("/", |_: Request| async { "home" })
    ///     .nest_service("/static", ServeDir::new("static"));
    /// let routes: Vec<String> =
    ///     app.build()?.routes().map(|(m, path, _)| format!("{m} {path}")).collect();
    /// assert_eq!(routes, ["GET /"], "a mounted service is not a route");
    /// # Ok::<(), cookie_route::StartError>(())
    /// ```
    #[track_caller]
    #[must_use]
    pub fn nest_service<S, B>(mut self, prefix: &str, service: S) -> Self
    where
        S: tower_service::Service<http::Request<Body>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send + 'static,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let here = caller_location();
        if let Err(e) = check_prefix("App::nest_service", prefix, &here) {
            self.errors.push(e);
            return self;
        }
        self.groups.push(GroupEntry {
            prefix: prefix.to_owned(),
            layers: Vec::new(),
            middleware: Vec::new(),
            not_found: None,
            method_not_allowed: None,
            service: Some(LayeredService::new(Answering(service))),
            location: here,
        });
        self
    }

    /// The keys that sign and encrypt cookies and sessions.
    #[must_use]
    pub fn keys(mut self, keys: Keys) -> Self {
        self.keys = Some(keys);
        self
    }

    /// Keeps sessions as `config` says; needs [`App::keys`].
    #[must_use]
    pub fn sessions(mut self, config: SessionConfig) -> Self {
        self.sessions = Some(config);
        self
    }

    /// How the app treats cross-origin requests: by default, protection is on with no
    /// trusted origin ([`CrossOrigin`]), so that an unsafe request (POST, PUT, PATCH,
    /// DELETE, ...) a browser sends on another site's behalf is refused with 403 (JSON, or a
    /// page for a browser that asks for HTML). GET, HEAD and OPTIONS always pass, and so do
    /// clients that send neither `Origin` nor `Sec-Fetch-Site` (curl, other servers): safe
    /// methods must not change state. As Go 1.25's `http.CrossOriginProtection`.
    ///
    /// ```
    /// use cookie_route::{App, CrossOrigin, Request};
    ///
    /// let app = App::new()
    ///     .post("/notes", |_: Request| async { "saved" })
    ///     .cross_origin(CrossOrigin::new().trust("https://admin.example.com"));
    /// # let _ = app.build()?;
    /// # Ok::<(), cookie_route::StartError>(())
    /// ```
    #[must_use]
    pub fn cross_origin(mut self, config: CrossOrigin) -> Self {
        self.cross_origin = Some(config);
        self
    }

    /// Leaves this app's routes, those added before and after (and, on a group, the whole
    /// group's), out of cross-origin protection: for a webhook receiver that other sites
    /// post to, which must check its requests otherwise (a signature). [`App::build`] lists
    /// every route left out in the log. A declared route says `cross_origin = false`.
    #[must_use]
    pub fn skip_cross_origin_check(mut self) -> Self {
        self.skip_cross_origin = true;
        for route in &mut self.routes {
            route.cross_origin = false;
        }
        self
    }

    /// Serves the API docs as `config` says, as FastAPI does: the app's OpenAPI document at
    /// `/openapi.json`, Swagger UI at `/docs` and ReDoc at `/redoc`, each path configurable
    /// and each page, or all of it, possible to turn off. The pages' scripts and styles are
    /// served from the binary (Swagger UI and ReDoc, vendored): they load nothing from
    /// elsewhere, and Swagger UI's "Try it out" sends the browser's cookies. `config`'s title,
    /// version, description and servers are the document's `info` and `servers`. The docs
    /// are the app's, not a group's ([`App::nest`]).
    ///
    /// On by default with [`DocsConfig::new`]'s paths, as in FastAPI: [`App::build`] makes
    /// the document once from the app's routes ([`App::openapi`]; the docs' own routes are
    /// not in it). `DocsConfig::disabled()` serves none of it; a route of the app at one of
    /// the paths makes `App::build` fail, naming both.
    ///
    /// ```
    /// use cookie_route::{App, DocsConfig, Request};
    ///
    /// let app = App::new()
    ///     .get("/items", |_: Request| async { "items" })
    ///     .docs(DocsConfig::new().with_title("Items API").with_version("2.1.0").without_redoc());
    /// # let _ = app.build()?;
    /// # Ok::<(), cookie_route::StartError>(())
    /// ```
    #[cfg(feature = "openapi")]
    #[must_use]
    pub fn docs(mut self, config: DocsConfig) -> Self {
        self.docs = Some(config);
        self
    }

    /// Makes [`App::build`] fail with `error` (a configuration the app cannot serve).
    #[cfg(feature = "openapi")]
    pub(crate) fn with_error(mut self, error: String) -> Self {
        self.errors.push(error);
        self
    }

    /// Answers the errors of type `E` that handlers and dependencies return as
    /// [`Raised`](crate::Raised) with `handler`'s response, for the whole app, as FastAPI's
    /// `@app.exception_handler(E)`: a service maps its own errors once. The status is 500
    /// unless the response sets one; cookies and headers set before the error stay. One
    /// handler per type (a second makes [`App::build`] fail); an error of a type without a
    /// handler is logged and answers 500 (cookie-route's own [`Error`] keeps its response).
    /// Keys, sessions, limits and error handlers are the app's, not a group's.
    ///
    /// ```
    /// use cookie_route::{App, Json, Raised, Request, StatusCode};
    ///
    /// async fn read(_: Request) -> Result<String, Raised> {
    ///     Ok(std::fs::read_to_string("/no/such/file")?)
    /// }
    ///
    /// let app = App::new().get("/file", read).on_error(|error: &std::io::Error| {
    ///     let status = match error.kind() {
    ///         std::io::ErrorKind::NotFound => StatusCode::NOT_FOUND,
    ///         _ => StatusCode::SERVICE_UNAVAILABLE,
    ///     };
    ///     (status, Json(serde_json::json!({ "detail": "the file is not there" })))
    /// });
    /// # let _ = app.build()?;
    /// # Ok::<(), cookie_route::StartError>(())
    /// ```
    #[must_use]
    pub fn on_error<E, F, R>(mut self, handler: F) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(&E) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        if !self.error_handlers.insert(handler) {
            self.repeated_error_handlers.push(std::any::type_name::<E>());
        }
        self
    }

    /// Answers requests for unknown paths with `handler` (the status is 404 unless the
    /// handler sets another). By default: `404 {"detail": "Not Found"}`, as FastAPI. On a
    /// group ([`App::nest`]), the unknown paths under its prefix, inside its middleware.
    #[must_use]
    pub fn not_found(mut self, handler: impl Handler) -> Self {
        self.not_found = Some(RouteHandler::custom(handler));
        self
    }

    /// Answers requests for a known path with a method it does not serve with `handler`
    /// (for example Flask's HTML page); the status is 405 unless the handler sets another,
    /// and the `Allow` header is added. By default: `405 {"detail": "Method Not Allowed"}`.
    /// On a group ([`App::nest`]), the paths under its prefix.
    #[must_use]
    pub fn method_not_allowed(mut self, handler: impl Handler) -> Self {
        self.method_not_allowed = Some(RouteHandler::custom(handler));
        self
    }

    /// Replaces the limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self.limits_set = true;
        self
    }

    /// The OpenAPI 3.1 document of the app's routes, as FastAPI's `app.openapi()`: every
    /// declared route (attributes and `routes.toml`, nested groups under their prefix) with
    /// its parameters (`in: path | query | header | cookie`), body, response model after
    /// `include`/`exclude`, declared status, the 422 answer, the cookies it sets (under
    /// `Set-Cookie` and `x-cookie-route-cookies`) and the session as a cookie security
    /// scheme; routes written by hand with what their method and pattern say. Schemas are
    /// schemars' ([`JsonSchema`](crate::JsonSchema)), in `components/schemas`.
    ///
    /// ```
    /// use cookie_route::{App, Request};
    ///
    /// let app = App::new().get("/items/{item_id}", |_: Request| async { "item" });
    /// let document = app.openapi();
    /// assert_eq!(document["openapi"], "3.1.0");
    /// let parameter = &document["paths"]["/items/{item_id}"]["get"]["parameters"][0];
    /// assert_eq!((parameter["name"].as_str(), parameter["in"].as_str()), (Some("item_id"), Some("path")));
    /// ```
    #[cfg(feature = "openapi")]
    pub fn openapi(&self) -> serde_json::Value {
        let default = DocsConfig::new();
        let docs = self.docs.as_ref().unwrap_or(&default);
        let info = crate::openapi::Info {
            title: docs.title().to_owned(),
            version: docs.version().to_owned(),
            description: docs.description().map(str::to_owned),
            servers: docs
                .servers()
                .iter()
                .map(|s| (s.url().to_owned(), s.description().map(str::to_owned)))
                .collect(),
            session_cookie: self.sessions.as_ref().map(SessionConfig::wire_name),
        };
        crate::openapi::document(&self.routes, &info)
    }

    /// The routes of the app's docs ([`App::docs`]): the document, made once here from the
    /// routes the app has, and the pages.
    #[cfg(feature = "openapi")]
    fn docs_routes(&mut self) -> Vec<Route> {
        let config = self.docs.clone().unwrap_or_default();
        if config.openapi_path().is_none() {
            return Vec::new();
        }
        let document = match serde_json::to_vec(&self.openapi()) {
            Ok(json) => Bytes::from(json),
            Err(e) => {
                self.errors.push(format!("the OpenAPI document cannot be written: {e}"));
                return Vec::new();
            }
        };
        let docs = crate::docs_ui::docs_app(&config, document);
        self.errors.extend(docs.errors);
        docs.routes
    }

    /// No docs without the `openapi` feature.
    #[cfg(not(feature = "openapi"))]
    #[allow(clippy::unused_self, reason = "the same call as with the feature")]
    fn docs_routes(&mut self) -> Vec<Route> {
        Vec::new()
    }

    /// Checks the routes and limits and builds the service.
    pub fn build(mut self) -> Result<AppService, StartError> {
        let docs = self.docs_routes();
        let mut errors = self.errors;
        errors.extend(self.declared_groups.unmounted());
        for name in &self.repeated_state {
            errors.push(format!("App::state: a value of type `{name}` is registered twice"));
        }
        for name in &self.repeated_error_handlers {
            errors.push(format!("App::on_error: the errors of type `{name}` have two handlers"));
        }
        for (route, requires) in &self.requirements {
            let mut needs = Requirements::default();
            requires(&mut needs);
            for (id, name) in needs.states {
                if !self.state.contains(id) {
                    errors.push(format!(
                        "{route} takes `State<{name}>`, but the app has no `{name}`: call \
                         App::state"
                    ));
                }
            }
        }
        if let Err(e) = self.limits.check() {
            return Err(StartError::Config(format!("invalid limits: {e}")));
        }
        let app_chain: Arc<[Middleware]> = self.middleware.into();
        let mut routes = self.routes;
        for route in &mut routes {
            route.chain = if route.group_middleware.is_empty() {
                app_chain.clone()
            } else {
                app_chain.iter().chain(&route.group_middleware).cloned().collect()
            };
        }
        let cross_origin = match self.cross_origin.unwrap_or_default().guard() {
            Ok(guard) => guard,
            Err(e) => return Err(StartError::Config(e)),
        };
        if cross_origin.is_some() {
            for route in routes.iter().filter(|r| !r.cross_origin && !r.method.is_safe()) {
                tracing::warn!(
                    route = %format_args!("{} {}", route.method, route.pattern),
                    location = %route.location,
                    "cross-origin protection is off for this route"
                );
            }
        }
        for route in &mut routes {
            // The methods `Guard::allows` lets through whatever the request says.
            let safe = matches!(route.method, Method::GET | Method::HEAD | Method::OPTIONS);
            route.cross_origin &= cross_origin.is_some() && !safe;
        }
        let groups = Groups::build(self.groups, &app_chain, &routes).unwrap_or_else(|more| {
            errors.extend(more);
            None
        });
        let router = match Router::build(routes) {
            Ok(r) if errors.is_empty() => r,
            Ok(_) => return Err(StartError::Routes(errors)),
            Err(more) => {
                errors.extend(more);
                return Err(StartError::Routes(errors));
            }
        };
        // The docs answer what the app's routes do not, off the path of every other request:
        // a route of the app that would take one of their paths is a conflict.
        for doc in &docs {
            if let Lookup::Found { route, .. } = router.lookup(&Method::GET, doc.pattern.as_str()) {
                errors.push(format!(
                    "`{} {}` at {} and `GET {}` at {} match the same requests",
                    route.method, route.pattern, route.location, doc.pattern, doc.location
                ));
            }
        }
        let docs = if docs.is_empty() {
            None
        } else {
            let docs = docs.into_iter().map(|route| Route { chain: app_chain.clone(), ..route });
            match Router::build(docs.collect()) {
                Ok(docs) if errors.is_empty() => Some(docs),
                Ok(_) => return Err(StartError::Routes(errors)),
                Err(more) => {
                    errors.extend(more);
                    return Err(StartError::Routes(errors));
                }
            }
        };
        if !errors.is_empty() {
            return Err(StartError::Routes(errors));
        }
        if let Some(sessions) = &self.sessions {
            sessions.check().map_err(StartError::Config)?;
            if self.keys.is_none() {
                return Err(StartError::Config("sessions need keys: call App::keys".to_owned()));
            }
        }
        let body_limits = BodyLimits {
            max_bytes: self.limits.max_body_bytes,
            read_timeout: self.limits.body_read_timeout,
        };
        let shared = Arc::new(Shared {
            keys: self.keys,
            sessions: self.sessions,
            body_limits,
            state: self.state,
            errors: self.error_handlers,
        });
        let app = AppService {
            layered: None,
            intercept: groups.as_ref().is_some_and(|g| g.intercept),
            inner: Arc::new(Inner {
                router,
                limits: self.limits,
                shared,
                not_found: self.not_found,
                method_not_allowed: self.method_not_allowed,
                middleware: app_chain,
                groups,
                cross_origin,
                docs,
            }),
        };
        if self.layers.is_empty() {
            return Ok(app);
        }
        let mut layered = LayeredService::new(app.clone());
        for apply in self.layers {
            layered = apply(layered);
        }
        Ok(AppService { layered: Some(layered), ..app })
    }
}

/// `file:line:col` of the code that called the `#[track_caller]` method this is called in.
#[track_caller]
fn caller_location() -> String {
    let caller = Location::caller();
    format!("{}:{}:{}", caller.file(), caller.line(), caller.column())
}

/// Whether `prefix` can be a group's or a mounted service's: a path pattern such as `/api`
/// or `/users/{user_id}`, without a trailing `/` or a catch-all.
fn check_prefix(what: &str, prefix: &str, here: &str) -> Result<(), String> {
    // The rule `routes.toml` groups are checked with at compile time (core's).
    PathPattern::parse_prefix(prefix).map(drop).map_err(|e| {
        format!(
            "{what} at {here}: `{prefix}` is not a group prefix (a path such as `/api` or \
             `/users/{{user_id}}`, without a trailing `/` or a catch-all): {e}"
        )
    })
}

struct Inner {
    router: Router,
    limits: Limits,
    shared: Arc<Shared>,
    not_found: Option<RouteHandler>,
    method_not_allowed: Option<RouteHandler>,
    middleware: Arc<[Middleware]>,
    /// The groups with layers or error pages of their own, when there are any.
    groups: Option<Groups>,
    /// The cross-origin check, unless it is off.
    cross_origin: Option<Guard>,
    /// The docs' routes (`App::docs`), tried when the app's find nothing.
    docs: Option<Router>,
}

/// A built app: a cheap-to-clone [`tower_service::Service`] from `http::Request<B>` to
/// `http::Response<Body>`, for any body `B`. tower-http layers wrap it, hyper serves it,
/// and [`crate::Server`] serves it with limits and graceful shutdown.
#[derive(Clone)]
pub struct AppService {
    inner: Arc<Inner>,
    /// The app's tower layers around it ([`App::layer`]), when it has any.
    layered: Option<LayeredService>,
    /// Whether a group has layers or a mounted service: its requests are taken out of the
    /// way before routing (here, not behind `inner`, so that others pay one test).
    intercept: bool,
}

/// The app as its tower layers see it: a cloneable service from `http::Request<Body>` to
/// `http::Response<Body>` that never fails (a layer's error answers 500).
pub type LayeredService =
    tower::util::BoxCloneSyncService<http::Request<Body>, http::Response<Body>, Infallible>;

impl std::fmt::Debug for AppService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let routes: Vec<String> =
            self.inner.router.routes().map(|r| format!("{} {}", r.method, r.pattern)).collect();
        f.debug_struct("AppService").field("routes", &routes).finish()
    }
}

impl AppService {
    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Every route of the app as `(method, pattern, location)`: not those of its docs
    /// ([`App::docs`]), as they are not in its OpenAPI document either.
    pub fn routes(&self) -> impl Iterator<Item = (&Method, &str, &str)> {
        self.inner.router.routes().map(|r| (&r.method, r.pattern.as_str(), r.location.as_str()))
    }

    /// A request from the server: straight to the app, or through its layers (which then
    /// find the client's address as a `RemoteAddr` extension).
    pub(crate) fn serve(
        &self,
        request: http::Request<hyper::body::Incoming>,
        remote: std::net::SocketAddr,
    ) -> ResponseFuture {
        match &self.layered {
            None => self.dispatch(request.map(request_body), Some(remote)),
            Some(layered) => {
                let mut request = request.map(Body::from_stream);
                request.extensions_mut().insert(crate::request::RemoteAddr(remote));
                self.through_layers(layered, request)
            }
        }
    }

    /// A request of the in-process test client: as a server's would go.
    #[cfg(feature = "test-client")]
    pub(crate) fn call_in_process(&self, request: http::Request<RequestBody>) -> ResponseFuture {
        match &self.layered {
            None => self.dispatch(request, None),
            Some(layered) => self.through_layers(layered, request.map(Body::from_stream)),
        }
    }

    #[cold]
    fn through_layers(
        &self,
        layered: &LayeredService,
        request: http::Request<Body>,
    ) -> ResponseFuture {
        use tower::ServiceExt as _;
        // Ready first, then called: a layer may hold requests back (a concurrency limit).
        let future = layered.clone().oneshot(request);
        // As a handler's future, so that the response future has two states, not three,
        // and stays as small as without layers. (The response's extensions are left: nothing
        // after the app reads them.)
        let future = Box::pin(async move {
            let Ok(response) = future.await;
            Response::from_http_body(response)
        });
        ResponseFuture {
            state: State::Running(CatchUnwind::new(future)),
            head: false,
            finish: None,
        }
    }

    /// A request past the app's layers: through its group's layers when it is under the
    /// prefix of a group that has some, then to a mounted service or routed.
    pub(crate) fn dispatch(
        &self,
        request: http::Request<RequestBody>,
        remote: Option<std::net::SocketAddr>,
    ) -> ResponseFuture {
        // One test (no `inner` to reach) on the way of an app without intercepting groups.
        if self.intercept
            && let Some(groups) = &self.inner.groups
        {
            return self.enter_group(groups, request, remote);
        }
        self.route(request, remote)
    }

    /// A request of an app with a group that has layers or a mounted service: through the
    /// layers of the group whose prefix its path is under, if that group has some.
    #[cold]
    #[inline(never)]
    fn enter_group(
        &self,
        groups: &crate::group::Groups,
        request: http::Request<RequestBody>,
        remote: Option<std::net::SocketAddr>,
    ) -> ResponseFuture {
        match groups.find(request.uri().path()).and_then(|g| g.layered.as_ref()) {
            Some(layered) => self.through_group(layered, request, remote),
            None => self.past_group_layers(request, remote),
        }
    }

    /// A request past its group's layers: to the service mounted at a prefix of its path,
    /// if there is one (with the prefix taken off), or routed.
    #[cold]
    pub(crate) fn past_group_layers(
        &self,
        mut request: http::Request<RequestBody>,
        remote: Option<std::net::SocketAddr>,
    ) -> ResponseFuture {
        if let Some(service) = self.inner.groups.as_ref().and_then(|g| g.mounted(&mut request)) {
            let mut request = request.map(Body::from_stream);
            if let Some(remote) = remote {
                request.extensions_mut().insert(crate::request::RemoteAddr(remote));
            }
            return self.through_layers(&service, request);
        }
        self.route_cold(request, remote)
    }

    /// [`Self::route`] out of line, for the paths through groups: the one copy inlined is
    /// the one on the way of every other request.
    #[cold]
    #[inline(never)]
    fn route_cold(
        &self,
        request: http::Request<RequestBody>,
        remote: Option<std::net::SocketAddr>,
    ) -> ResponseFuture {
        self.route(request, remote)
    }

    /// A request under a group's prefix, through the group's layers, whose innermost service
    /// ([`crate::group`]'s) routes it.
    #[cold]
    fn through_group(
        &self,
        layered: &LayeredService,
        request: http::Request<RequestBody>,
        remote: Option<std::net::SocketAddr>,
    ) -> ResponseFuture {
        let mut request = request.map(Body::from_stream);
        request.extensions_mut().insert(Through(self.clone()));
        if let Some(remote) = remote {
            request.extensions_mut().insert(crate::request::RemoteAddr(remote));
        }
        self.through_layers(layered, request)
    }

    /// Routes a request to its route's handler, or to the app's or the group's error page.
    #[inline]
    pub(crate) fn route(
        &self,
        request: http::Request<RequestBody>,
        remote: Option<std::net::SocketAddr>,
    ) -> ResponseFuture {
        let head = *request.method() == Method::HEAD;
        let log = tracing::enabled!(tracing::Level::DEBUG)
            .then(|| (request.method().clone(), request.uri().path().to_owned(), Instant::now()));
        let mut fallback: Option<(StatusCode, Option<HeaderValue>)> = None;
        // The request stays whole until a route takes it: built into the `Request` the
        // handler gets, its parts are copied once.
        let state = match self.inner.router.lookup(request.method(), request.uri().path()) {
            Lookup::Found { route, .. }
                if route.cross_origin
                    && let Some(guard) = &self.inner.cross_origin
                    && !guard.allows(&request) =>
            {
                State::Ready(Some(Box::new(crate::cross_origin::refused(&request))))
            }
            Lookup::Found { route, params } => {
                let names = route.param_names.clone();
                let shared = self.inner.shared.clone();
                match &route.handler {
                    // The common case, made here so that the request is built where the
                    // generated function takes it, rather than built and then copied.
                    RouteHandler::Generated(f) if route.chain.is_empty() => {
                        State::Running(CatchUnwind::new(f(Request::from_http(
                            request, params, names, shared, remote,
                        ))))
                    }
                    handler => self.call(
                        &route.chain,
                        handler,
                        Request::from_http(request, params, names, shared, remote),
                    ),
                }
            }
            Lookup::MethodNotAllowed { allow } => match self.error_page(
                request.uri().path(),
                |group| group.method_not_allowed.as_ref(),
                &self.inner.method_not_allowed,
            ) {
                Some((chain, handler)) => {
                    fallback = Some((StatusCode::METHOD_NOT_ALLOWED, Some(allow.clone())));
                    self.call(chain, handler, self.bare_request(request, remote))
                }
                None => {
                    let mut response =
                        Error::http(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
                            .into_response();
                    response.headers_mut().insert(ALLOW, allow.clone());
                    State::Ready(Some(Box::new(response)))
                }
            },
            Lookup::Options { allow } => {
                // Flask's answer: no body, the methods in `Allow`.
                let mut response = Response::with_body("text/html; charset=utf-8", Body::empty());
                response.headers_mut().insert(ALLOW, allow.clone());
                State::Ready(Some(Box::new(response)))
            }
            Lookup::NotFound if self.inner.docs.is_some() => {
                self.docs_or_not_found(request, remote, &mut fallback)
            }
            Lookup::NotFound => match self.error_page(
                request.uri().path(),
                |group| group.not_found.as_ref(),
                &self.inner.not_found,
            ) {
                Some((chain, handler)) => {
                    fallback = Some((StatusCode::NOT_FOUND, None));
                    self.call(chain, handler, self.bare_request(request, remote))
                }
                None => State::Ready(Some(Box::new(Error::not_found().into_response()))),
            },
        };
        let finish =
            (log.is_some() || fallback.is_some()).then(|| Box::new(Finish { log, fallback }));
        ResponseFuture { state, head, finish }
    }

    /// A request no route of the app takes: the docs', or the 404 page.
    #[cold]
    fn docs_or_not_found(
        &self,
        request: http::Request<RequestBody>,
        remote: Option<std::net::SocketAddr>,
        fallback: &mut Option<(StatusCode, Option<HeaderValue>)>,
    ) -> State {
        let docs =
            self.inner.docs.as_ref().map(|d| d.lookup(request.method(), request.uri().path()));
        match docs {
            Some(Lookup::Found { route, params }) => {
                let names = route.param_names.clone();
                let shared = self.inner.shared.clone();
                let request = Request::from_http(request, params, names, shared, remote);
                self.call(&route.chain, &route.handler, request)
            }
            Some(Lookup::MethodNotAllowed { allow }) => {
                let mut response =
                    Error::http(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
                        .into_response();
                response.headers_mut().insert(ALLOW, allow.clone());
                State::Ready(Some(Box::new(response)))
            }
            _ => {
                let page: fn(&Group) -> Option<&RouteHandler> = |group| group.not_found.as_ref();
                match self.error_page(request.uri().path(), page, &self.inner.not_found) {
                    Some((chain, handler)) => {
                        *fallback = Some((StatusCode::NOT_FOUND, None));
                        self.call(chain, handler, self.bare_request(request, remote))
                    }
                    None => State::Ready(Some(Box::new(Error::not_found().into_response()))),
                }
            }
        }
    }

    /// The handler of an error page (`page` of a group, or the app's) for a request, with
    /// the middleware it runs in: the group's whose prefix the path is under, if it has one,
    /// or the app's.
    #[cold]
    fn error_page<'a>(
        &'a self,
        path: &str,
        page: fn(&Group) -> Option<&RouteHandler>,
        app: &'a Option<RouteHandler>,
    ) -> Option<(&'a Arc<[Middleware]>, &'a RouteHandler)> {
        let group = self.inner.groups.as_ref().and_then(|groups| groups.find(path));
        if let Some(group) = group
            && let Some(handler) = page(group)
        {
            return Some((&group.chain, handler));
        }
        app.as_ref().map(|handler| (&self.inner.middleware, handler))
    }

    fn bare_request(
        &self,
        request: http::Request<RequestBody>,
        remote: Option<std::net::SocketAddr>,
    ) -> Request {
        Request::from_http(
            request,
            Params::default(),
            Arc::from([]),
            self.inner.shared.clone(),
            remote,
        )
    }

    #[inline]
    fn call(&self, chain: &Arc<[Middleware]>, handler: &RouteHandler, request: Request) -> State {
        let started = if chain.is_empty() {
            handler.call(request)
        } else {
            Next::start(chain.clone(), handler.clone(), request)
        };
        match started {
            Ok(fut) => State::Running(CatchUnwind::new(fut)),
            Err(message) => State::Ready(Some(Box::new(panicked(&message)))),
        }
    }
}

fn panicked(message: &str) -> Response {
    tracing::error!(panic = message, "a handler panicked");
    Response::internal_server_error()
}

/// A response made at once (404, 405, a handler that panicked before its future) is boxed:
/// the future stays small for the common case, a running handler.
enum State {
    Ready(Option<Box<Response>>),
    Running(CatchUnwind<BoxFuture<Response>>),
}

/// The future of one request through an [`AppService`].
pub struct ResponseFuture {
    state: State,
    head: bool,
    finish: Option<Box<Finish>>,
}

/// What only some requests need once their response is made.
struct Finish {
    /// Method, path and start, when debug logging is on.
    log: Option<(Method, String, Instant)>,
    /// For a fallback handler: the status it answers with unless it sets one, and `Allow`.
    fallback: Option<(StatusCode, Option<HeaderValue>)>,
}

impl ResponseFuture {
    /// A response made at once.
    pub(crate) fn ready(response: Response) -> Self {
        Self { state: State::Ready(Some(Box::new(response))), head: false, finish: None }
    }
}

impl std::fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl Future for ResponseFuture {
    type Output = Result<http::Response<Body>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut response = match &mut this.state {
            State::Ready(r) => r.take().map_or_else(Response::internal_server_error, |r| *r),
            State::Running(fut) => match Pin::new(fut).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(r)) => r,
                Poll::Ready(Err(message)) => panicked(&message),
            },
        };
        let Finish { log, fallback } =
            this.finish.take().map_or(Finish { log: None, fallback: None }, |f| *f);
        if let Some((status, allow)) = fallback {
            response.default_status(status);
            if let Some(allow) = allow {
                response.headers_mut().insert(ALLOW, allow);
            }
        }
        if this.head {
            // HEAD is answered by the GET handler: keep the headers, drop the body.
            let body = response.take_body();
            if let Some(len) = body.as_bytes().map(<[u8]>::len) {
                response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(len));
            }
        }
        if let Some((method, path, start)) = log {
            tracing::debug!(%method, path, status = response.status().as_u16(), elapsed = ?start.elapsed(), "request");
        }
        Poll::Ready(Ok(response.into_http()))
    }
}

/// Turns any body into the request body, without boxing hyper's own.
pub(crate) fn request_body<B>(body: B) -> RequestBody
where
    B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
    B::Error: Into<BoxError>,
{
    if body.is_end_stream() {
        return RequestBody::Empty;
    }
    let mut slot = Some(body);
    let any: &mut dyn Any = &mut slot;
    if let Some(incoming) =
        any.downcast_mut::<Option<hyper::body::Incoming>>().and_then(Option::take)
    {
        return RequestBody::Incoming(incoming);
    }
    match slot {
        Some(body) => RequestBody::Boxed(body.map_err(Into::into).boxed()),
        None => RequestBody::Empty,
    }
}

impl<B> tower_service::Service<http::Request<B>> for AppService
where
    B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> ResponseFuture {
        match &self.layered {
            None => self.dispatch(request.map(request_body), None),
            Some(layered) => self.through_layers(layered, request.map(Body::from_stream)),
        }
    }
}

/// A route declared with `#[cookie_route]`, collected across the program.
#[derive(Debug)]
pub struct DeclaredRoute {
    /// The methods it answers.
    pub methods: &'static [&'static str],
    /// Its path pattern (within its group, when it has one).
    pub path: &'static str,
    /// `group = "name"`: the group it is mounted with ([`App::declared_group`]); `None` for
    /// the routes [`App::declared`] takes.
    pub group: Option<&'static str>,
    /// The generated handler.
    pub handler: fn(Request) -> BoxFuture<Response>,
    /// `file:line:col` of the declaration.
    pub location: &'static str,
    /// What it needs from the app: its dependencies' [`FromRequest::requires`](crate::FromRequest::requires).
    pub requires: fn(&mut Requirements),
    /// What the declaration says, for the OpenAPI document (`()` without the `openapi`
    /// feature).
    pub doc: crate::private::Doc,
    /// Whether cross-origin protection applies (`cross_origin = false` opts out).
    pub cross_origin: bool,
}

// Constructors for generated code: a route's registration names only what its declaration
// says beyond its methods, path, handler, place and document (fewer tokens per route).
impl DeclaredRoute {
    /// A route of the app itself (no group) that needs nothing of the app, with
    /// cross-origin protection.
    pub const fn new(
        methods: &'static [&'static str],
        path: &'static str,
        handler: fn(Request) -> BoxFuture<Response>,
        location: &'static str,
        doc: crate::private::Doc,
    ) -> Self {
        Self {
            methods,
            path,
            group: None,
            handler,
            location,
            requires: crate::private::requires_nothing,
            doc,
            cross_origin: true,
        }
    }

    /// Mounted with the group `name`.
    pub const fn in_group(mut self, name: &'static str) -> Self {
        self.group = Some(name);
        self
    }

    /// Needing what `requires` records (its dependencies' state types).
    pub const fn with_requires(mut self, requires: fn(&mut Requirements)) -> Self {
        self.requires = requires;
        self
    }

    /// Without cross-origin protection (`cross_origin = false`).
    pub const fn without_cross_origin(mut self) -> Self {
        self.cross_origin = false;
        self
    }
}

/// What the macros generated for a route besides its handler.
pub(crate) struct Declared {
    pub(crate) requires: RequiresFn,
    #[cfg(feature = "openapi")]
    pub(crate) doc: &'static OperationDoc,
    pub(crate) cross_origin: bool,
}

/// Every declared route, sorted by path and method for a stable order.
fn declared_routes() -> Vec<&'static DeclaredRoute> {
    let mut routes: Vec<&'static DeclaredRoute> = crate::registry::declared().collect();
    routes.sort_by(|a, b| (a.path, a.methods, a.location).cmp(&(b.path, b.methods, b.location)));
    routes
}

/// A layered service whose errors answer `500` and whose bodies are [`Body`], so that any
/// layer's service fits the [`LayeredService`] around it.
#[derive(Clone)]
struct Answering<S>(S);

impl<S, B> tower_service::Service<http::Request<Body>> for Answering<S>
where
    S: tower_service::Service<http::Request<Body>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // A layer that cannot take requests any more answers them with its error (below).
        self.0.poll_ready(cx).map(|_| Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let future = self.0.call(request);
        Box::pin(async move {
            Ok(match future.await {
                Ok(response) => response.map(Body::from_stream),
                Err(error) => {
                    let error: BoxError = error.into();
                    tracing::error!(%error, "a layer failed");
                    Response::internal_server_error().into_http()
                }
            })
        })
    }
}
