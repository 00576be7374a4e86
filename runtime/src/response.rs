//! Responses: status, headers, cookies and a body, and the [`IntoResponse`] conversions.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use cookie::Cookie;
use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

use crate::body::Body;
use crate::body::BoxError;
use crate::raised::Raised;
use crate::set_cookie::{self, CookieError};

/// A header name or value that cannot be sent (CR, LF, NUL, a name that is not a token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid header: {0}")]
pub struct HeaderError(String);

/// An HTTP response under construction.
///
/// Handlers build one directly, or take `response: &mut Response`, the *temporal* response
/// of FastAPI: cookies, headers and a status set on it are merged into whatever the handler
/// returns.
///
/// ```
/// use cookie_route::{Cookie, Response};
///
/// let mut response = Response::new();
/// response.set_cookie(Cookie::new("fakesession", "fake-cookie-session-value"))?;
/// response.delete_cookie("old")?;
/// assert_eq!(response.set_cookie_headers().count(), 2);
/// # Ok::<(), cookie_route::CookieError>(())
/// ```
pub struct Response {
    status: StatusCode,
    status_explicit: bool,
    headers: HeaderMap,
    body: Body,
}

impl Default for Response {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values are left out: `Set-Cookie` carries secrets.
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .finish()
    }
}

impl Response {
    /// `200 OK` with no headers and an empty body.
    pub fn new() -> Self {
        Self {
            status: StatusCode::OK,
            status_explicit: false,
            headers: HeaderMap::new(),
            body: Body::empty(),
        }
    }

    /// A response with `body` and a `Content-Type`.
    pub fn with_body(content_type: &'static str, body: impl Into<Body>) -> Self {
        let mut r = Self::new();
        r.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r.body = body.into();
        r
    }

    /// Gives this temporal response `body` and, unless it has one, a `Content-Type`: what
    /// merging it into `Response::with_body(content_type, body)` gives (its status, headers
    /// and cookies win), without building that second response.
    #[inline] // its callers' constant `content_type` is then checked at compile time
    pub(crate) fn with_body_on(&mut self, content_type: &'static str, body: impl Into<Body>) {
        self.with_typed_body_on(HeaderValue::from_static(content_type), body.into());
    }

    /// [`Self::with_body_on`] with the `Content-Type` as a header value already.
    #[inline]
    pub(crate) fn with_typed_body_on(&mut self, content_type: HeaderValue, body: Body) {
        // Most temporal responses have no header yet: no lookup then.
        if self.headers.is_empty() || !self.headers.contains_key(header::CONTENT_TYPE) {
            self.headers.insert(header::CONTENT_TYPE, content_type);
        }
        self.body.replace(body);
    }

    /// `value` serialized as JSON, with `status`. A value that cannot be serialized is a
    /// logged 500.
    pub fn json_with_status<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                let mut r = Self::with_body("application/json", bytes);
                r.set_status(status);
                r
            }
            Err(error) => {
                tracing::error!(%error, "failed to serialize a JSON response");
                Self::internal_server_error()
            }
        }
    }

    /// `500 Internal Server Error`, in plain text, as Starlette answers.
    pub fn internal_server_error() -> Self {
        let mut r = Self::with_body("text/plain; charset=utf-8", "Internal Server Error");
        r.set_status(StatusCode::INTERNAL_SERVER_ERROR);
        r
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Sets the status. On a temporal response it replaces the route's default status.
    pub fn set_status(&mut self, status: StatusCode) {
        self.status = status;
        self.status_explicit = true;
    }

    /// Keeps `error` for the app's error handlers ([`Raised`]), in the body of this 500
    /// (which reads as `Internal Server Error` until they answer).
    pub(crate) fn raise(&mut self, error: Raised) {
        self.body = Body::raised(error);
    }

    /// The error for the app's error handlers, if the response carries one; the body is then
    /// the bare 500's.
    #[inline]
    pub(crate) fn take_raised(&mut self) -> Option<Raised> {
        self.body.take_raised()
    }

    /// Whether the response carries an error for the app's error handlers.
    #[inline]
    pub(crate) fn is_raised(&self) -> bool {
        self.body.is_raised()
    }

    /// Back to `200 OK`, not set explicitly.
    pub(crate) fn reset_status(&mut self) {
        self.status = StatusCode::OK;
        self.status_explicit = false;
    }

    /// Sets `status` unless one was set explicitly: a route's declared status, the 404 of a
    /// fallback handler.
    pub(crate) fn default_status(&mut self, status: StatusCode) {
        if !self.status_explicit {
            self.status = status;
            self.status_explicit = true;
        }
    }

    /// Whether the status was set explicitly (rather than left at the default 200).
    pub fn status_is_explicit(&self) -> bool {
        self.status_explicit
    }

    /// The headers, `Set-Cookie` included.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, to change them with the `http` crate's checked types.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// Sets a header from strings, replacing earlier values; a name or value that cannot
    /// be sent (CR, LF, NUL, non-token names) is refused.
    pub fn set_header(&mut self, name: &str, value: &str) -> Result<(), HeaderError> {
        let name = HeaderName::try_from(name).map_err(|_| {
            HeaderError(format!("`{}` is not a valid header name", name.escape_debug()))
        })?;
        let value = HeaderValue::try_from(value)
            .map_err(|_| HeaderError(format!("invalid value for header `{name}`")))?;
        self.headers.insert(name, value);
        Ok(())
    }

    /// Adds a cookie: one `Set-Cookie` header.
    ///
    /// Attributes the cookie leaves unset get secure defaults: `Path=/`, `HttpOnly` and
    /// `SameSite=Lax`; a `Max-Age` gets the matching `Expires`. A cookie that cannot be sent
    /// safely is refused with the rule it breaks, and nothing is added.
    pub fn set_cookie(&mut self, cookie: Cookie<'_>) -> Result<(), CookieError> {
        let value = set_cookie::render(cookie)?;
        self.headers.append(header::SET_COOKIE, value);
        Ok(())
    }

    /// Removes the cookie `name` (set with `Path=/` and no `Domain`) from the client.
    pub fn delete_cookie(&mut self, name: &str) -> Result<(), CookieError> {
        self.remove_cookie(Cookie::new(name.to_owned(), ""))
    }

    /// Removes a cookie that was set with a particular `Path` or `Domain`: pass a cookie with
    /// the same name, `Path` and `Domain`. Sends it empty, with `Max-Age=0` and an `Expires`
    /// in the past, which removes it in every browser.
    pub fn remove_cookie(&mut self, like: Cookie<'_>) -> Result<(), CookieError> {
        self.set_cookie(set_cookie::removal(like))
    }

    /// The `Set-Cookie` header values, in the order they were set.
    pub fn set_cookie_headers(&self) -> impl Iterator<Item = &str> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok())
    }

    /// The body.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// Replaces the body.
    pub fn set_body(&mut self, body: impl Into<Body>) {
        self.body = body.into();
    }

    /// Takes the body out, leaving an empty one.
    pub fn take_body(&mut self) -> Body {
        std::mem::take(&mut self.body)
    }

    /// Merges a temporal response into this final one.
    ///
    /// The temporal response's cookies come first and this response's own after them, so
    /// that a cookie the returned value sets wins in the client; the temporal response's
    /// other headers replace this response's headers of the same name; its status, when set
    /// explicitly, replaces a status this response did not set explicitly.
    pub fn merge_temporal(&mut self, temporal: Response) {
        if temporal.status_explicit {
            self.default_status(temporal.status);
        }
        if temporal.headers.is_empty() {
            return;
        }
        // The temporal headers are the base and this response's own go on top: cookies after
        // the temporal ones, other headers only where the temporal response has none of
        // their name. A returned value usually brings one header (`content-type`), the
        // temporal response its cookies: this way round, the few are moved.
        let own = std::mem::replace(&mut self.headers, temporal.headers);
        // Whether the values of the current name (`None` items repeat the previous name)
        // are kept.
        let mut current: Option<(HeaderName, bool)> = None;
        for (name, value) in own {
            if let Some(name) = name {
                let keep = name == header::SET_COOKIE || !self.headers.contains_key(&name);
                current = Some((name, keep));
            }
            if let Some((name, true)) = &current {
                self.headers.append(name, value);
            }
        }
    }

    /// Converts into an `http::Response`.
    #[inline]
    pub fn into_http(mut self) -> http::Response<Body> {
        if self.body.is_raised() {
            unanswered(&mut self.body);
        }
        let mut res = http::Response::new(self.body);
        *res.status_mut() = self.status;
        *res.headers_mut() = self.headers;
        res
    }

    /// Converts from an `http::Response` whose body is already a [`Body`], as it is.
    pub(crate) fn from_http_body(res: http::Response<Body>) -> Self {
        let (parts, body) = res.into_parts();
        Self { status: parts.status, status_explicit: true, headers: parts.headers, body }
    }

    /// Converts from an `http::Response` whose body is any [`http_body::Body`].
    pub fn from_http<B>(res: http::Response<B>) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let (parts, body) = res.into_parts();
        Self {
            status: parts.status,
            status_explicit: true,
            headers: parts.headers,
            body: Body::from_stream(body),
        }
    }
}

/// An error that reached the wire without the pipeline's last step (a middleware's
/// response): sent as the 500 it is, and logged.
#[cold]
fn unanswered(body: &mut Body) {
    if let Some(raised) = body.take_raised() {
        tracing::error!(error = %raised, "an error answered 500 without going through App::on_error");
    }
}

/// What a handler may return.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a handler",
    label = "does not implement `IntoResponse`",
    note = "return `String`, `&'static str`, `Html<T>`, `Json<T>`, `Bytes`, `StatusCode`, \
            `(StatusCode, T)`, `Response` or `Result<T, E>` where `T` and `E` implement `IntoResponse`"
)]
pub trait IntoResponse {
    /// Converts into a response.
    fn into_response(self) -> Response;

    /// Writes this value onto the temporal response `temporal`, on which a handler or its
    /// dependencies set cookies, headers or a status: the result is what
    /// [`into_response`](Self::into_response) then [`Response::merge_temporal`] give, and
    /// that is what the default does.
    ///
    /// The pipeline calls it for every value a handler returns. Override it when the value
    /// is only a body and a content type, to write them onto `temporal` in place of
    /// building a second header map and merging it (the library's own text, HTML, JSON and
    /// byte bodies do).
    ///
    /// ```
    /// use cookie_route::{Cookie, IntoResponse, Response};
    ///
    /// let mut temporal = Response::new();
    /// temporal.set_cookie(Cookie::new("theme", "dark"))?;
    /// "Hello".respond_on(&mut temporal);
    /// assert_eq!(temporal.body().as_bytes(), Some(&b"Hello"[..]));
    /// assert_eq!(temporal.set_cookie_headers().count(), 1);
    /// # Ok::<(), cookie_route::CookieError>(())
    /// ```
    fn respond_on(self, temporal: &mut Response)
    where
        Self: Sized,
    {
        let mut response = self.into_response();
        response.merge_temporal(std::mem::take(temporal));
        *temporal = response;
    }
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl<B> IntoResponse for http::Response<B>
where
    B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
    B::Error: Into<BoxError>,
{
    fn into_response(self) -> Response {
        Response::from_http(self)
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new()
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        let mut r = Response::new();
        r.set_status(self);
        r
    }
}

const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        Response::with_body(TEXT, self)
    }

    fn respond_on(self, temporal: &mut Response) {
        temporal.with_body_on(TEXT, self);
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        Response::with_body(TEXT, self)
    }

    fn respond_on(self, temporal: &mut Response) {
        temporal.with_body_on(TEXT, self);
    }
}

impl IntoResponse for Cow<'static, str> {
    fn into_response(self) -> Response {
        Response::with_body(TEXT, self)
    }

    fn respond_on(self, temporal: &mut Response) {
        temporal.with_body_on(TEXT, self);
    }
}

impl IntoResponse for Bytes {
    fn into_response(self) -> Response {
        Response::with_body("application/octet-stream", self)
    }

    fn respond_on(self, temporal: &mut Response) {
        temporal.with_body_on("application/octet-stream", self);
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        Response::with_body("application/octet-stream", self)
    }

    fn respond_on(self, temporal: &mut Response) {
        temporal.with_body_on("application/octet-stream", self);
    }
}

impl<R: IntoResponse> IntoResponse for (StatusCode, R) {
    fn into_response(self) -> Response {
        let mut r = self.1.into_response();
        r.set_status(self.0);
        r
    }

    fn respond_on(self, temporal: &mut Response) {
        self.1.respond_on(temporal);
        temporal.set_status(self.0);
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(v) => v.into_response(),
            Err(e) => e.into_response(),
        }
    }

    fn respond_on(self, temporal: &mut Response) {
        match self {
            Ok(v) => v.respond_on(temporal),
            Err(e) => e.respond_on(temporal),
        }
    }
}

/// A redirect: `303 See Other` ([`Redirect::to`], what a form's POST answers with),
/// `307 Temporary Redirect` or `308 Permanent Redirect`, with `Location`.
///
/// ```
/// use cookie_route::{IntoResponse, Redirect, StatusCode};
///
/// let response = Redirect::to("/notes").into_response();
/// assert_eq!(response.status(), StatusCode::SEE_OTHER);
/// assert_eq!(response.headers()["location"], "/notes");
/// ```
#[derive(Debug, Clone)]
pub struct Redirect {
    status: StatusCode,
    location: HeaderValue,
}

impl Redirect {
    /// `303 See Other`: the client gets `uri` with `GET` (after a form's `POST`).
    pub fn to(uri: &str) -> Self {
        Self::with(StatusCode::SEE_OTHER, uri)
    }

    /// `307 Temporary Redirect`: the client repeats its request, method and body, at `uri`.
    pub fn temporary(uri: &str) -> Self {
        Self::with(StatusCode::TEMPORARY_REDIRECT, uri)
    }

    /// `308 Permanent Redirect`: as `temporary`, and the client may remember it.
    pub fn permanent(uri: &str) -> Self {
        Self::with(StatusCode::PERMANENT_REDIRECT, uri)
    }

    fn with(status: StatusCode, uri: &str) -> Self {
        // A URI with bytes a header cannot carry (CR, LF, ...) goes to the site's root
        // rather than into the header.
        let location = HeaderValue::try_from(uri).unwrap_or(HeaderValue::from_static("/"));
        Self { status, location }
    }
}

impl IntoResponse for Redirect {
    fn into_response(self) -> Response {
        let mut response = Response::new();
        response.set_status(self.status);
        response.headers_mut().insert(header::LOCATION, self.location);
        response
    }
}

/// An HTML body, `text/html; charset=utf-8`, as Flask sends a returned string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Html<T>(pub T);

impl<T: Into<Body>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        Response::with_body(HTML, self.0)
    }

    fn respond_on(self, temporal: &mut Response) {
        temporal.with_body_on(HTML, self.0);
    }
}

/// A JSON body, `application/json`; as an input, a JSON request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut r = Response::json_with_status(StatusCode::OK, &self.0);
        r.status_explicit = false;
        r
    }

    fn respond_on(self, temporal: &mut Response) {
        match serde_json::to_vec(&self.0) {
            Ok(bytes) => temporal.with_body_on("application/json", bytes),
            Err(_) => {
                let mut response = self.into_response();
                response.merge_temporal(std::mem::take(temporal));
                *temporal = response;
            }
        }
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(response: &'a Response, name: &str) -> Vec<&'a str> {
        response.headers().get_all(name).iter().map(|v| v.to_str().unwrap()).collect()
    }

    #[test]
    fn merge_keeps_cookie_order_and_lets_the_temporal_headers_win() {
        let mut temporal = Response::new();
        temporal.set_cookie(Cookie::new("a", "1")).unwrap();
        temporal.set_cookie(Cookie::new("b", "2")).unwrap();
        temporal.headers_mut().insert("x-from", HeaderValue::from_static("temporal"));
        temporal.headers_mut().append("x-many", HeaderValue::from_static("t1"));
        temporal.headers_mut().append("x-many", HeaderValue::from_static("t2"));
        temporal.set_status(StatusCode::ACCEPTED);

        let mut answer = Response::new();
        answer.set_cookie(Cookie::new("a", "3")).unwrap();
        answer.headers_mut().insert("x-from", HeaderValue::from_static("returned"));
        answer.headers_mut().append("x-many", HeaderValue::from_static("r1"));
        answer.headers_mut().append("link", HeaderValue::from_static("</a>"));
        answer.headers_mut().append("link", HeaderValue::from_static("</b>"));
        answer.merge_temporal(temporal);

        let cookies: Vec<_> = answer.set_cookie_headers().map(|c| &c[..3]).collect();
        assert_eq!(cookies, ["a=1", "b=2", "a=3"], "the returned value's cookie is last");
        assert_eq!(values(&answer, "x-from"), ["temporal"]);
        assert_eq!(values(&answer, "x-many"), ["t1", "t2"]);
        assert_eq!(values(&answer, "link"), ["</a>", "</b>"], "every value of its own kept");
        assert_eq!(answer.status(), StatusCode::ACCEPTED);
    }

    /// `respond_on` is `into_response` then `merge_temporal`, for every value that takes the
    /// shortcut.
    #[test]
    fn respond_on_is_into_response_then_merge() {
        fn temporals() -> Vec<Response> {
            let mut with_cookie = Response::new();
            with_cookie.set_cookie(Cookie::new("a", "1")).unwrap();
            let mut with_type = Response::new();
            with_type.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("x/y"));
            with_type.set_status(StatusCode::ACCEPTED);
            vec![Response::new(), with_cookie, with_type]
        }
        fn same(a: Response, b: Response) {
            assert_eq!(a.status(), b.status());
            assert_eq!(a.status_is_explicit(), b.status_is_explicit());
            let mut x: Vec<_> = a.headers().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let mut y: Vec<_> = b.headers().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            x.sort_by(|p, q| p.0.as_str().cmp(q.0.as_str()));
            y.sort_by(|p, q| p.0.as_str().cmp(q.0.as_str()));
            assert_eq!(x, y);
            let body =
                |r: &Response| Bytes::copy_from_slice(r.body().as_bytes().unwrap_or_default());
            assert_eq!(body(&a), body(&b));
        }
        fn check<T: IntoResponse + Clone>(value: T) {
            for mut temporal in temporals() {
                let mut merged = value.clone().into_response();
                merged.merge_temporal(temporals_like(&temporal));
                value.clone().respond_on(&mut temporal);
                same(temporal, merged);
            }
        }
        fn temporals_like(t: &Response) -> Response {
            let mut copy = Response::new();
            *copy.headers_mut() = t.headers().clone();
            if t.status_is_explicit() {
                copy.set_status(t.status());
            }
            copy
        }
        check("text");
        check(String::from("text"));
        check(Bytes::from_static(b"bytes"));
        check(vec![1_u8, 2]);
        check(Html("<p>hi</p>"));
        check(Json(serde_json::json!({"a": 1})));
        check((StatusCode::CREATED, Json(1)));
        check(Ok::<_, StatusCode>("fine"));
        check(Err::<&str, _>(StatusCode::IM_A_TEAPOT));
    }

    #[test]
    fn merge_of_an_empty_temporal_response_changes_nothing() {
        let mut answer = Response::new();
        answer.headers_mut().insert("x-own", HeaderValue::from_static("1"));
        answer.set_status(StatusCode::CREATED);
        answer.merge_temporal(Response::new());
        assert_eq!(values(&answer, "x-own"), ["1"]);
        assert_eq!(answer.status(), StatusCode::CREATED);
    }
}
