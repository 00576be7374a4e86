//! Cross-origin request protection, on by default: an unsafe request (not GET, HEAD or
//! OPTIONS) that a browser sends on another site's behalf is refused with 403, as Go 1.25's
//! `http.CrossOriginProtection` refuses it, from `Sec-Fetch-Site` and `Origin`, with no token.
//!
//! The decision is tower-http's [`Csrf`] (its `csrf` layer, the same scheme), asked about a
//! copy of the request's method, target and three headers. Requests that cannot be
//! cross-origin (safe methods, neither header: curl and server-to-server clients) and those a
//! browser sends from the app's own page (`Sec-Fetch-Site: same-origin`) are passed before
//! that, after one walk over the header names.

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use http::header::{ACCEPT, HOST, ORIGIN};
use http::{HeaderName, Method, StatusCode};
use tower::Layer;
use tower_http::csrf::{Csrf, CsrfLayer, ProtectionError};
use tower_service::Service;

use crate::error::Error;
use crate::response::{Html, IntoResponse, Response};

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// How the app treats cross-origin requests ([`App::cross_origin`](crate::App::cross_origin)).
/// On by default; trusted origins pass whatever the browser says; off is for apps that
/// protect themselves otherwise.
///
/// ```
/// use cookie_route::{App, CrossOrigin};
///
/// let app = App::new().cross_origin(CrossOrigin::new().trust("https://admin.example.com"));
/// # let _ = app.build()?;
/// # Ok::<(), cookie_route::StartError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CrossOrigin {
    on: bool,
    trusted: Vec<String>,
}

impl Default for CrossOrigin {
    fn default() -> Self {
        Self::new()
    }
}

impl CrossOrigin {
    /// Protection on, with no trusted origin.
    pub fn new() -> Self {
        Self { on: true, trusted: Vec::new() }
    }

    /// No protection: every request passes. For apps whose unsafe routes take no cookies,
    /// or check a token of their own.
    pub fn off() -> Self {
        Self { on: false, trusted: Vec::new() }
    }

    /// Lets requests whose `Origin` is exactly `origin` (`https://admin.example.com`:
    /// scheme, lowercase host, a port only when not the default, no `/`) pass. A malformed
    /// origin makes [`App::build`](crate::App::build) fail.
    #[must_use]
    pub fn trust(mut self, origin: impl Into<String>) -> Self {
        self.trusted.push(origin.into());
        self
    }

    /// Whether protection is on.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The trusted origins.
    pub fn trusted(&self) -> &[String] {
        &self.trusted
    }

    /// The guard requests meet, or `None` when protection is off; a malformed trusted
    /// origin is an error naming it.
    pub(crate) fn guard(&self) -> Result<Option<Guard>, String> {
        if !self.on {
            return Ok(None);
        }
        let mut layer = CsrfLayer::new();
        for origin in &self.trusted {
            layer =
                layer.add_trusted_origin(origin).map_err(|e| format!("CrossOrigin::trust: {e}"))?;
        }
        Ok(Some(Guard(layer.layer(Pass))))
    }
}

/// What tower-http's check wraps: it answers every request it gets.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pass;

impl Service<http::Request<()>> for Pass {
    type Response = http::Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<http::Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Request<()>) -> Self::Future {
        ready(Ok(http::Response::new(())))
    }
}

/// The app's cross-origin check.
#[derive(Clone, Debug)]
pub(crate) struct Guard(Csrf<Pass>);

impl Guard {
    /// Whether the request may go on: safe methods and requests with neither `Origin` nor
    /// `Sec-Fetch-Site` at once, others as tower-http decides.
    #[inline]
    pub(crate) fn allows<B>(&self, request: &http::Request<B>) -> bool {
        if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
            return true;
        }
        // One walk over the few names beats hashed lookups (`sec-fetch-site` is not a
        // standard name, so its hash is computed each time).
        let mut origin = false;
        let mut site = None;
        for (name, value) in request.headers() {
            if *name == SEC_FETCH_SITE {
                site = Some(value.as_bytes());
            } else if *name == ORIGIN {
                origin = true;
            }
        }
        match site {
            // What a browser says of a request from the app's own page, or typed in by hand:
            // tower-http's first rule passes these whatever else the request says.
            Some(b"same-origin" | b"none") => true,
            None if !origin => true,
            _ => self.decide(request.method(), request.uri(), request.headers()).is_ok(),
        }
    }

    #[cold]
    fn decide(
        &self,
        method: &Method,
        uri: &http::Uri,
        headers: &http::HeaderMap,
    ) -> Result<(), ProtectionError> {
        let mut probe = http::Request::new(());
        *probe.method_mut() = method.clone();
        *probe.uri_mut() = uri.clone();
        for name in [HOST, ORIGIN, SEC_FETCH_SITE] {
            if let Some(value) = headers.get(&name) {
                probe.headers_mut().insert(name, value.clone());
            }
        }
        let mut csrf = self.0.clone();
        let future = pin!(csrf.call(probe));
        // Both of its answers are ready at once: `Pass`'s, or the rejection.
        let Poll::Ready(Ok(response)) = future.poll(&mut Context::from_waker(Waker::noop())) else {
            return Ok(());
        };
        match response.extensions().get::<ProtectionError>() {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }
}

/// The 403 of a refused request: a page for a browser's form (it asked for HTML), FastAPI's
/// JSON otherwise. Logged with its method, path and origin, never its cookies.
#[cold]
pub(crate) fn refused<B>(request: &http::Request<B>) -> Response {
    let origin = request.headers().get(ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    let site = request.headers().get(SEC_FETCH_SITE).and_then(|v| v.to_str().ok()).unwrap_or("");
    tracing::warn!(
        method = %request.method(),
        path = request.uri().path(),
        origin,
        sec_fetch_site = site,
        "refused a cross-origin request"
    );
    let wants_html = request
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html {
        let mut response = Html(
            "<!doctype html>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n<p>This \
             request was sent from another site, and was refused.</p>\n",
        )
        .into_response();
        response.set_status(StatusCode::FORBIDDEN);
        response
    } else {
        Error::http(StatusCode::FORBIDDEN, "Cross-origin request refused").into_response()
    }
}
