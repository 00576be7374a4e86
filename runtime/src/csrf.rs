//! CSRF tokens for HTML forms, for browsers that send no `Sec-Fetch-Site` (which
//! cross-origin protection needs) and for defence in depth: a secret the app puts in its
//! forms (or a JS header) and checks on unsafe requests.
//!
//! The token is bound to the session when the app keeps sessions (rotated at login), or to a
//! signed cookie of its own otherwise (double submit: another site can neither read the cookie
//! nor forge its signature). A route asks for the check by taking [`CsrfToken`]; a group, by
//! [`require`] as its middleware.

use http::{HeaderName, Method, StatusCode};

use crate::error::Error;
use crate::extract::FromRequest;
use crate::middleware::Next;
use crate::request::Request;
use crate::response::{IntoResponse, Response};
use crate::session::CSRF_TOKEN_KEY as SESSION_KEY;
use cookie::Cookie;

/// The form field the token is read from (`<input type="hidden" name="csrf_token">`).
pub const FIELD: &str = "csrf_token";
/// The header the token is read from, for `fetch` and other scripts.
pub const HEADER: HeaderName = HeaderName::from_static("x-csrf-token");
/// The signed cookie that holds it in an app without sessions.
const COOKIE: &str = "csrf_token";

/// The request's CSRF token. Taking it makes a route check it: on a POST, PUT, PATCH, DELETE
/// (any method but GET, HEAD and OPTIONS) the token must come back in the form field
/// [`FIELD`] or the header [`HEADER`], or the request answers 403 and the handler is not
/// called. On any method it gives the token to put in the page's forms.
///
/// ```
/// use cookie_route::csrf::CsrfToken;
/// use cookie_route::prelude::*;
///
/// #[cookie_route(GET "/notes/new")]
/// async fn new_note(token: CsrfToken) -> Html<String> {
///     Html(format!(r#"<form method="post" action="/notes">{}<input name="text"></form>"#, token.hidden_input()))
/// }
///
/// #[cookie_route(POST "/notes")]
/// async fn save_note(_checked: CsrfToken) -> &'static str {
///     "saved"
/// }
/// ```
#[derive(Debug, Clone)]
pub struct CsrfToken(String);

impl CsrfToken {
    /// The token, for a header set by a script.
    pub fn value(&self) -> &str {
        &self.0
    }

    /// `<input type="hidden" name="csrf_token" value="...">`, for a form (the token is hex:
    /// nothing to escape).
    pub fn hidden_input(&self) -> String {
        format!(r#"<input type="hidden" name="{FIELD}" value="{}">"#, self.0)
    }
}

impl FromRequest for CsrfToken {
    type Rejection = Response;

    async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Response> {
        let token = match current(request).await {
            Ok(Some(token)) => token,
            Ok(None) if is_safe(request.method()) => {
                issue(request, response).await.map_err(IntoResponse::into_response)?
            }
            Ok(None) => return Err(refused(request)),
            Err(error) => return Err(error.into_response()),
        };
        if !is_safe(request.method()) && !submitted_matches(request, &token).await {
            return Err(refused(request));
        }
        Ok(Self(token))
    }
}

/// The check of [`CsrfToken`] as middleware, for every route of a group (or app): unsafe
/// requests without the right token answer 403 before the route's handler.
///
/// ```
/// use cookie_route::{App, Request};
///
/// let forms = App::new().post("/notes", |_: Request| async { "saved" }).middleware(cookie_route::csrf::require);
/// let app = App::new().nest("/forms", forms);
/// # let _ = app.build()?;
/// # Ok::<(), cookie_route::StartError>(())
/// ```
pub async fn require(request: Request, next: Next) -> Response {
    if !is_safe(request.method()) {
        let checked = match current(&request).await {
            Ok(Some(token)) => submitted_matches(&request, &token).await,
            Ok(None) => false,
            Err(error) => return error.into_response(),
        };
        if !checked {
            return refused(&request);
        }
    }
    next.run(request).await
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The token the request's session or signed cookie holds.
async fn current(request: &Request) -> Result<Option<String>, Error> {
    if request.has_sessions() {
        let session = request.session().await?;
        return Ok(session.get::<String>(SESSION_KEY));
    }
    if request.keys().is_none() {
        return Err(Error::other("CSRF tokens need sessions (App::sessions) or keys (App::keys)"));
    }
    Ok(request.signed_cookie(COOKIE))
}

/// A new token, kept in the session or in a signed cookie set on `response`.
async fn issue(request: &Request, response: &mut Response) -> Result<String, Error> {
    let token = crate::session::new_id();
    if request.has_sessions() {
        request.session().await?.insert(SESSION_KEY, &token)?;
        return Ok(token);
    }
    let keys = request.keys().ok_or_else(|| {
        Error::other("CSRF tokens need sessions (App::sessions) or keys (App::keys)")
    })?;
    let cookie = Cookie::build((COOKIE, token.clone()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .build();
    response.set_cookie(keys.sign(cookie)).map_err(Error::other)?;
    Ok(token)
}

/// Whether the request sent `token` back, in the header or the form field, compared in
/// constant time. The form body is read (and stays readable for the handler).
async fn submitted_matches(request: &Request, token: &str) -> bool {
    if let Some(sent) = request.header(HEADER.as_str()) {
        return same(sent.as_bytes(), token.as_bytes());
    }
    let is_form = request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return false;
    }
    let Ok(body) = request.bytes().await else { return false };
    let sent = form_urlencoded::parse(&body).find(|(name, _)| name == FIELD).map(|(_, v)| v);
    sent.is_some_and(|sent| same(sent.as_bytes(), token.as_bytes()))
}

/// `a == b` in time that depends only on the lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The 403 of a missing or wrong token, logged without the token.
fn refused(request: &Request) -> Response {
    tracing::warn!(method = %request.method(), path = request.path(), "refused a request without its CSRF token");
    Error::http(StatusCode::FORBIDDEN, "CSRF token missing or invalid").into_response()
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn comparison_is_equality() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
        assert!(same(b"", b""));
    }
}
