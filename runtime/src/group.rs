//! What answers by prefix rather than by route: a route group's (`App::nest`) tower layers
//! and error pages (`not_found`, `method_not_allowed`), and mounted services
//! (`App::nest_service`).
//!
//! They are found by the request path's prefix, in core's [`Tree`] (the prefix itself and
//! `prefix/{*rest}`), the most specific prefix winning. A group's layers see every request
//! under its prefix before routing, so that a `CorsLayer` answers the preflights of the
//! group's paths and a 404 or 405 under the prefix goes through them too; innermost, the app
//! routes the request as if the layers were not there. A mounted service gets every request
//! under its prefix, with the prefix taken off the path. An app without any of these pays
//! one branch per request.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use cookie_route_core::path::PathPattern;
use cookie_route_core::path::tree::{Params, Tree};

use crate::app::{AppService, LayeredService, ResponseFuture, request_body};
use crate::body::Body;
use crate::handler::RouteHandler;
use crate::middleware::Middleware;
use crate::request::RemoteAddr;
use crate::router::Route;

/// A layer added with `App::layer`, applied when the app (or the group) is built; applied
/// once per group it reaches, so it is kept as a function.
pub(crate) type ApplyLayer = Arc<dyn Fn(LayeredService) -> LayeredService + Send + Sync>;

/// A group's layers and error pages, as `App::nest` collects them.
pub(crate) struct GroupEntry {
    /// The whole prefix, through every group it is nested in.
    pub(crate) prefix: String,
    /// Its layers and those of the groups around it, innermost first.
    pub(crate) layers: Vec<ApplyLayer>,
    /// Its middleware and that of the groups around it, outermost first (inside the app's).
    pub(crate) middleware: Vec<Middleware>,
    /// Its error pages, or those of the nearest group around it that has them.
    pub(crate) not_found: Option<RouteHandler>,
    pub(crate) method_not_allowed: Option<RouteHandler>,
    /// The service mounted at the prefix (`App::nest_service`), which takes every request
    /// under it.
    pub(crate) service: Option<LayeredService>,
    /// Where it was nested (`file:line:col`).
    pub(crate) location: String,
}

impl GroupEntry {
    /// This group's entry as seen from one more group around it, at `prefix` with `layers`,
    /// `middleware` and error pages.
    pub(crate) fn within(
        mut self,
        prefix: &str,
        layers: &[ApplyLayer],
        middleware: &[Middleware],
        not_found: Option<&RouteHandler>,
        method_not_allowed: Option<&RouteHandler>,
    ) -> Self {
        self.prefix = format!("{prefix}{}", self.prefix);
        self.layers.extend(layers.iter().cloned());
        self.middleware.splice(0..0, middleware.iter().cloned());
        self.not_found = self.not_found.or_else(|| not_found.cloned());
        self.method_not_allowed = self.method_not_allowed.or_else(|| method_not_allowed.cloned());
        self
    }
}

/// A group as requests find it.
pub(crate) struct Group {
    /// Its layers around the app's routing, when it has any.
    pub(crate) layered: Option<LayeredService>,
    pub(crate) not_found: Option<RouteHandler>,
    pub(crate) method_not_allowed: Option<RouteHandler>,
    /// The middleware its error pages run in: the app's, then its groups'.
    pub(crate) chain: Arc<[Middleware]>,
    /// The service mounted here.
    pub(crate) service: Option<LayeredService>,
    /// Whether this is the `prefix/{*rest}` part of the group (or the prefix, or `prefix/`).
    rest: bool,
}

/// The index of `prefix/{*rest}` among a group's three patterns.
const REST: usize = 2;

/// The groups with layers or error pages, by prefix.
pub(crate) struct Groups {
    tree: Tree<Group>,
    /// Whether any group has layers or a service (otherwise only 404s and 405s look here).
    pub(crate) intercept: bool,
}

impl Groups {
    /// The table of `entries`, or `None` without any; two groups at one prefix are refused.
    pub(crate) fn build(
        entries: Vec<GroupEntry>,
        app_chain: &Arc<[Middleware]>,
        routes: &[Route],
    ) -> Result<Option<Self>, Vec<String>> {
        if entries.is_empty() {
            return Ok(None);
        }
        let mut tree = Tree::new();
        let mut errors = Vec::new();
        // Each prefix taken so far, with where it was nested.
        let mut places: Vec<(PathPattern, String)> = Vec::new();
        let mut intercept = false;
        for entry in entries {
            // The prefix, `prefix/` and `prefix/{*rest}`: the last is `REST`.
            let patterns = [
                entry.prefix.clone(),
                format!("{}/", entry.prefix),
                format!("{}/{{*__group_rest}}", entry.prefix),
            ];
            // `App::nest` checked the prefix, and a nested one is two checked ones joined,
            // so each of the three parses.
            let Ok(patterns) =
                patterns.iter().map(|p| PathPattern::parse(p)).collect::<Result<Vec<_>, _>>()
            else {
                continue;
            };
            let prefix = &patterns[0];
            if let Some((_, other)) = places.iter().find(|(p, _)| p.conflicts_with(prefix)) {
                errors.push(format!(
                    "the groups nested at {other} and at {} both take the paths under `{}` with \
                     tower layers, error pages or a mounted service of their own: nest one \
                     group there",
                    entry.location, entry.prefix
                ));
                continue;
            }
            if entry.service.is_some() {
                let mut under = Tree::new();
                for pattern in &patterns {
                    let _ = under.insert(pattern, ());
                }
                for route in routes {
                    if under.find(route.pattern.as_str(), &mut Params::default()).is_some() {
                        errors.push(format!(
                            "`{} {}` at {} is under `{}`, where a service is mounted at {}: the \
                             service takes every request there",
                            route.method,
                            route.pattern,
                            route.location,
                            entry.prefix,
                            entry.location
                        ));
                    }
                }
            }
            places.push((prefix.clone(), entry.location.clone()));
            let mut service = None;
            if !entry.layers.is_empty() {
                let mut inner = LayeredService::new(Routing);
                for apply in &entry.layers {
                    inner = apply(inner);
                }
                service = Some(inner);
            }
            intercept |= service.is_some() || entry.service.is_some();
            let chain: Arc<[Middleware]> =
                app_chain.iter().chain(&entry.middleware).cloned().collect();
            for (i, pattern) in patterns.iter().enumerate() {
                let group = Group {
                    rest: i == REST,
                    layered: service.clone(),
                    not_found: entry.not_found.clone(),
                    method_not_allowed: entry.method_not_allowed.clone(),
                    chain: chain.clone(),
                    service: entry.service.clone(),
                };
                // The conflict check above keeps each shape to one group.
                let _ = tree.insert(pattern, group);
            }
        }
        if errors.is_empty() { Ok(Some(Self { tree, intercept })) } else { Err(errors) }
    }

    /// The most specific group whose prefix `path` is under.
    #[inline]
    pub(crate) fn find(&self, path: &str) -> Option<&Group> {
        self.tree.find(path, &mut Params::default())
    }

    /// The service mounted at a prefix of the request's path, if there is one, with the
    /// prefix taken off the request's path (`/static/css/a.css` -> `/css/a.css`, the prefix
    /// itself and `prefix/` -> `/`), its query kept.
    pub(crate) fn mounted<B>(&self, request: &mut http::Request<B>) -> Option<LayeredService> {
        let mut params = Params::default();
        let path = request.uri().path();
        let group = self.tree.find(path, &mut params)?;
        let service = group.service.clone()?;
        // The catch-all's range starts after its `/`.
        let rest = match params.last() {
            Some(&(start, _)) if group.rest => &path[start as usize - 1..],
            _ => "/",
        };
        let path_and_query = match request.uri().query() {
            Some(query) => format!("{rest}?{query}"),
            None => rest.to_owned(),
        };
        let mut uri = std::mem::take(request.uri_mut()).into_parts();
        // A path the server accepted, cut at a `/`, is still one.
        uri.path_and_query = path_and_query.parse().ok();
        *request.uri_mut() = http::Uri::from_parts(uri).unwrap_or_default();
        Some(service)
    }
}

/// What a group's innermost layer calls: the app, routing the request as usual.
#[derive(Clone)]
struct Routing;

/// The app a request under a group's layers goes on to (its client's address travels as a
/// `RemoteAddr` extension).
#[derive(Clone)]
pub(crate) struct Through(pub(crate) AppService);

impl tower_service::Service<http::Request<Body>> for Routing {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: http::Request<Body>) -> ResponseFuture {
        let Some(Through(app)) = request.extensions_mut().remove::<Through>() else {
            // Only `AppService::through_group` calls in here, with the extension set.
            tracing::error!("a group's layers lost the request's app");
            return ResponseFuture::ready(crate::Response::internal_server_error());
        };
        let remote = request.extensions().get::<RemoteAddr>().map(|a| a.0);
        app.past_group_layers(request.map(request_body), remote)
    }
}
