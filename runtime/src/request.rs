//! The request a handler receives.

use std::borrow::Cow;
use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::request::Parts;
use http::{HeaderMap, Method, Uri, Version};
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use serde::de::DeserializeOwned;

use crate::convert;
use crate::cookies::RequestCookies;
use crate::error::{BoxError, Error, ErrorDetail, Loc};
use crate::keys::Keys;
use crate::pipeline::{Pending, PendingSlot};
use crate::session::Session;
use crate::shared::Shared;
use crate::state::State;
use cookie_route_core::path::tree::Params;

/// The body as it arrived, before anyone read it.
#[cfg_attr(not(feature = "test-client"), allow(dead_code))] // `Full` is the test client's
pub(crate) enum RequestBody {
    Empty,
    Full(Bytes),
    Incoming(hyper::body::Incoming),
    Boxed(BoxBody<Bytes, BoxError>),
}

/// The remote address of the connection a request came on, in its extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteAddr(pub SocketAddr);

/// An HTTP request: method, URI, headers, path parameters, cookies and the body.
///
/// Cookies are parsed on the first read, the body is read at most once (`bytes`, `text`,
/// `json` or `form`), and every typed reading that fails says so as FastAPI would (422 with
/// the `loc` of the value).
pub struct Request {
    parts: Parts,
    body: Mutex<Option<RequestBody>>,
    params: Params,
    param_names: Arc<[Box<str>]>,
    cookies: RequestCookies,
    shared: Arc<Shared>,
    /// What the pipeline does with the response once the handler has made it.
    pending: PendingSlot,
    remote: Option<SocketAddr>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Headers stay out: `Cookie` and `Authorization` carry secrets.
        f.debug_struct("Request")
            .field("method", &self.parts.method)
            .field("path", &self.parts.uri.path())
            .finish_non_exhaustive()
    }
}

impl Request {
    /// The request a route's handler gets, from the server's. Inlined where it is called,
    /// so that the server's request is copied straight into it.
    #[inline(always)]
    pub(crate) fn from_http(
        request: http::Request<RequestBody>,
        params: Params,
        param_names: Arc<[Box<str>]>,
        shared: Arc<Shared>,
        remote: Option<SocketAddr>,
    ) -> Self {
        let (parts, body) = request.into_parts();
        Self {
            parts,
            body: Mutex::new(Some(body)),
            params,
            param_names,
            cookies: RequestCookies::new(),
            shared,
            pending: PendingSlot::default(),
            remote,
        }
    }

    /// The app's keys, when it has some ([`App::keys`](crate::App::keys)).
    pub fn keys(&self) -> Option<&Keys> {
        self.shared.keys.as_ref()
    }

    /// Whether the app keeps sessions.
    pub(crate) fn has_sessions(&self) -> bool {
        self.shared.sessions.is_some()
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The work the pipeline does once the handler has made the response.
    pub(crate) fn pending(&self) -> &Pending {
        &self.pending
    }

    /// A handle on the pending work that outlives the request, for a handler written by
    /// hand, which takes the request.
    pub(crate) fn share_pending(&mut self) -> Arc<Pending> {
        self.pending.share()
    }

    /// The session: read on the first call (from its cookie, or from the store the cookie
    /// points to), shared by later calls and by the [`Session`] dependency, and saved with
    /// the response whatever the handler returns.
    ///
    /// Fails when the app has no sessions ([`App::sessions`](crate::App::sessions)) or the
    /// store cannot be read.
    pub async fn session(&self) -> Result<Session, Error> {
        if let Some(session) = self.pending.session() {
            return Ok(session);
        }
        let (keys, config) = self.shared.session_setup()?;
        let raw = self.cookie(&config.wire_name());
        let session = Session::open(keys, config, raw.as_deref()).await?;
        self.pending.set_session(session.clone());
        Ok(session)
    }

    /// Ends every session of `user` in the app's session store, wherever they are (an admin
    /// locking an account, a password reset), and answers how many ended. The request's own
    /// session is not read for it: to log its user out everywhere, see
    /// [`Session::log_out_everywhere`].
    ///
    /// Fails when the app keeps sessions in cookies, which the server cannot revoke (a 500),
    /// or when the store cannot be reached ([`Error::Unavailable`], a 503).
    ///
    /// ```
    /// # #[cfg(feature = "test-client")]
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use cookie_route::{App, Error, Keys, MemoryStore, Request, SessionConfig, TestClient};
    ///
    /// async fn login(request: Request) -> Result<&'static str, Error> {
    ///     request.session().await?.log_in("mallory");
    ///     Ok("welcome")
    /// }
    ///
    /// async fn me(request: Request) -> Result<String, Error> {
    ///     Ok(request.session().await?.user_id().unwrap_or_default())
    /// }
    ///
    /// // (an admin route: check the caller's rights first)
    /// async fn lock(request: Request) -> Result<String, Error> {
    ///     let ended = request.end_user_sessions("mallory").await?;
    ///     Ok(ended.to_string())
    /// }
    ///
    /// let app = App::new()
    ///     .keys(Keys::ephemeral())
    ///     .sessions(SessionConfig::store(MemoryStore::new()))
    ///     .post("/login", login)
    ///     .get("/me", me)
    ///     .post("/admin/lock", lock);
    /// let mallory = TestClient::new(app);
    /// mallory.post("/login").send().await;
    /// assert_eq!(mallory.get("/me").send().await.text(), "mallory");
    /// assert_eq!(mallory.post("/admin/lock").send().await.text(), "1");
    /// assert_eq!(mallory.get("/me").send().await.text(), "");
    /// # }
    /// # #[cfg(not(feature = "test-client"))] fn main() {}
    /// ```
    pub async fn end_user_sessions(&self, user: &str) -> Result<usize, Error> {
        let (_, config) = self.shared.session_setup()?;
        config.end_user_sessions(user).await
    }

    /// The app's state of type `T` ([`App::state`](crate::App::state)); an app without one
    /// is a logged 500. Declared routes that take `State<T>` are checked at start-up instead.
    pub fn state<T: Send + Sync + 'static>(&self) -> Result<State<T>, Error> {
        self.shared.state.get::<T>().ok_or_else(|| {
            Error::other(format!(
                "no state of type `{}`: call App::state",
                std::any::type_name::<T>()
            ))
        })
    }

    /// The value of the signed cookie `name`, if it verifies (under the current key or a
    /// fallback), belongs to `name` and has not expired. Anything else reads as absent, and
    /// is logged at debug without its value. A value made with a fallback key is re-issued
    /// under the current key with the response.
    pub fn signed_cookie(&self, name: &str) -> Option<String> {
        self.opened(name, false)
    }

    /// The value of the private (encrypted) cookie `name`; as [`Request::signed_cookie`].
    pub fn private_cookie(&self, name: &str) -> Option<String> {
        self.opened(name, true)
    }

    fn opened(&self, name: &str, private: bool) -> Option<String> {
        let raw = self.cookie(name)?;
        let Some(keys) = self.keys() else {
            tracing::error!(
                cookie = name,
                "a signed or private cookie was read, but the app has no keys: call App::keys"
            );
            return None;
        };
        let opened = if private { keys.decrypt(name, &raw) } else { keys.verify(name, &raw) };
        let Some(opened) = opened else {
            tracing::debug!(cookie = name, "a signed or private cookie did not verify");
            return None;
        };
        if opened.stale_key {
            let mut cookie = cookie::Cookie::new(name.to_owned(), opened.value.clone());
            if let Some(at) =
                opened.expires.and_then(|e| time::OffsetDateTime::from_unix_timestamp(e).ok())
            {
                cookie.set_expires(at);
            }
            let sealed = if private { keys.encrypt(cookie) } else { keys.sign(cookie) };
            self.pending.reissue(sealed);
        }
        Some(opened.value)
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The URI as sent (origin form: path and query).
    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    /// The path, not decoded.
    pub fn path(&self) -> &str {
        self.parts.uri.path()
    }

    /// The HTTP version.
    pub fn version(&self) -> Version {
        self.parts.version
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// The first value of header `name`, when it is visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.parts.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Values that layers put on the request.
    pub fn extensions(&self) -> &http::Extensions {
        &self.parts.extensions
    }

    /// The address of the client's connection, when served over TCP.
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        // Given by the server directly (an extension would cost a map per request), or by a
        // layer in front of the app as a `RemoteAddr` extension.
        self.remote.or_else(|| self.parts.extensions.get::<RemoteAddr>().map(|a| a.0))
    }

    /// The path parameter `name` of the route's pattern, percent-decoded.
    pub fn param(&self, name: &str) -> Option<Cow<'_, str>> {
        let i = self.param_names.iter().position(|n| &**n == name)?;
        let (start, end) = *self.params.get(i)?;
        let raw = &self.parts.uri.path()[start as usize..end as usize];
        if !raw.contains('%') {
            // Nothing to decode (most values): the text as it is, already UTF-8.
            return Some(Cow::Borrowed(raw));
        }
        Some(percent_encoding::percent_decode_str(raw).decode_utf8_lossy())
    }

    /// The path parameter `name` converted to `T`; a value that does not convert is a 422
    /// at `["path", name]`.
    pub fn path_param<T>(&self, name: &str) -> Result<T, Error>
    where
        T: FromStr + 'static,
        T::Err: fmt::Display,
    {
        let loc = || vec![Loc::from("path"), Loc::from(name.to_owned())];
        let raw =
            self.param(name).ok_or_else(|| Error::Validation(vec![ErrorDetail::missing(loc())]))?;
        convert::parse(&raw, loc).map_err(|d| Error::Validation(vec![*d]))
    }

    /// The value of the first cookie called `name`, or `None`. A value the client sent quoted
    /// (`"a b"`) is unquoted.
    pub fn cookie(&self, name: &str) -> Option<Cow<'_, str>> {
        self.cookies.get(&self.parts.headers, name)
    }

    /// The cookie `name` converted to `T`: `Ok(None)` when absent, a 422 at
    /// `["cookie", name]` when it does not convert.
    pub fn cookie_as<T>(&self, name: &str) -> Result<Option<T>, Error>
    where
        T: FromStr + 'static,
        T::Err: fmt::Display,
    {
        let loc = || vec![Loc::from("cookie"), Loc::from(name.to_owned())];
        match self.cookie(name) {
            None => Ok(None),
            Some(raw) => {
                convert::parse(&raw, loc).map(Some).map_err(|d| Error::Validation(vec![*d]))
            }
        }
    }

    /// Every cookie the client sent, first occurrences only, in the order sent.
    pub fn cookies(&self) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
        self.cookies.iter(&self.parts.headers)
    }

    /// The first value of query parameter `name`, decoded.
    pub fn query_value(&self, name: &str) -> Option<Cow<'_, str>> {
        let query = self.parts.uri.query()?;
        form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The query string deserialized into `T`; a field that is missing or does not convert
    /// is a 422 at `["query", field]`.
    pub fn query<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let query = self.parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map_err(|e| Error::Validation(vec![data_error("query", &e)]))
    }

    /// The whole body, at most the configured number of bytes (413 beyond), read within the
    /// body read timeout (408 beyond). Read once: later calls (a dependency's, then the
    /// handler's) get the same bytes.
    pub async fn bytes(&self) -> Result<Bytes, Error> {
        let body = self.body.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        let read = self.read_body(body).await;
        if let Ok(bytes) = &read
            && !bytes.is_empty()
        {
            *self.body.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                Some(RequestBody::Full(bytes.clone()));
        }
        read
    }

    async fn read_body(&self, body: Option<RequestBody>) -> Result<Bytes, Error> {
        let limits = self.shared.body_limits;
        let limit = limits.max_bytes;
        let declared = self
            .parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(Error::PayloadTooLarge { limit });
        }
        match body {
            None | Some(RequestBody::Empty) => Ok(Bytes::new()),
            Some(RequestBody::Full(b)) if b.len() > limit => Err(Error::PayloadTooLarge { limit }),
            Some(RequestBody::Full(b)) => Ok(b),
            Some(body) => read_limited(body, limit, limits.read_timeout).await,
        }
    }

    /// The body as UTF-8 text; invalid UTF-8 is a 422 (`string_unicode`).
    pub async fn text(&self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.into()).map_err(|e| {
            Error::MalformedBody(Box::new(
                ErrorDetail::new(
                    "string_unicode",
                    vec![Loc::from("body")],
                    "Input should be a valid string, unable to parse raw data as a unicode string",
                    serde_json::Value::Null,
                )
                .with_ctx(serde_json::json!({ "error": e.to_string() })),
            ))
        })
    }

    /// The body parsed as JSON into `T`. Broken JSON is a 422 (`json_invalid`, as FastAPI); JSON that does
    /// not fit `T` is a 422 at `["body", field, ...]`; an empty body is a 422 `missing`.
    pub async fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let bytes = self.bytes().await?;
        parse_json(&bytes)
    }

    /// The body parsed as `application/x-www-form-urlencoded` into `T`; fields that are
    /// missing or do not fit are a 422 at `["body", field]`.
    pub async fn form<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let bytes = self.bytes().await?;
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes));
        serde_path_to_error::deserialize(de)
            .map_err(|e| Error::Validation(vec![data_error("body", &e)]))
    }

    /// Whether the request says its body is JSON.
    pub fn is_json(&self) -> bool {
        self.header(CONTENT_TYPE.as_str()).is_some_and(|ct| {
            let mime = ct.split(';').next().unwrap_or("").trim();
            mime.eq_ignore_ascii_case("application/json")
                || mime.to_ascii_lowercase().ends_with("+json")
        })
    }
}

async fn read_limited(
    mut body: RequestBody,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, Error> {
    let read = async move {
        let mut buf = bytes::BytesMut::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(Error::Body)?;
            if let Ok(data) = frame.into_data() {
                if buf.len() + data.len() > limit {
                    return Err(Error::PayloadTooLarge { limit });
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(buf.freeze())
    };
    tokio::time::timeout(timeout, read).await.unwrap_or(Err(Error::BodyTimeout))
}

impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        use std::task::Poll;
        let this = self.get_mut();
        match this {
            Self::Empty => Poll::Ready(None),
            Self::Full(bytes) => {
                let bytes = std::mem::take(bytes);
                *this = Self::Empty;
                Poll::Ready(Some(Ok(http_body::Frame::data(bytes))))
            }
            Self::Incoming(b) => std::pin::Pin::new(b)
                .poll_frame(cx)
                .map(|f| f.map(|r| r.map_err(|e| Box::new(e) as BoxError))),
            Self::Boxed(b) => std::pin::Pin::new(b).poll_frame(cx),
        }
    }
}

/// Parses a JSON body as FastAPI reports it.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Validation(vec![ErrorDetail::missing(vec![Loc::from("body")])]));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            malformed_json(bytes, inner)
        } else {
            Error::Validation(vec![data_error("body", &e)])
        }
    })?;
    de.end().map_err(|e| malformed_json(bytes, &e))?;
    Ok(value)
}

fn malformed_json(bytes: &[u8], error: &serde_json::Error) -> Error {
    // Where the parser stopped, as Python's `json` counts it: at the end for a body cut
    // short.
    let position = if error.is_eof() {
        bytes.len()
    } else {
        line_col_to_offset(bytes, error.line(), error.column())
    };
    Error::MalformedBody(Box::new(
        ErrorDetail::new(
            "json_invalid",
            vec![Loc::from("body"), Loc::from(position)],
            "JSON decode error",
            serde_json::json!({}),
        )
        .with_ctx(serde_json::json!({ "error": error.to_string() })),
    ))
}

fn line_col_to_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in bytes.split(|&b| b == b'\n').enumerate() {
        if i + 1 == line {
            return offset + column.saturating_sub(1);
        }
        offset += l.len() + 1;
    }
    bytes.len()
}

/// A deserialization error of data that parsed but does not fit, as a pydantic-like detail.
fn data_error<E: fmt::Display>(
    source: &'static str,
    error: &serde_path_to_error::Error<E>,
) -> ErrorDetail {
    let mut loc = vec![Loc::from(source)];
    for segment in error.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => loc.push(Loc::from(*index)),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                loc.push(Loc::from(key.clone()))
            }
            Segment::Unknown => {}
        }
    }
    let message = error.inner().to_string();
    // serde's own wording, without serde_json's " at line L column C".
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
        loc.push(Loc::from(field.to_owned()));
        return ErrorDetail::missing(loc);
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected = rest.split(", expected ").nth(1).unwrap_or("");
        let (kind, msg) = match expected {
            e if e.contains("string") || e == "a character" => {
                ("string_type", "Input should be a valid string")
            }
            e if e.contains("boolean") => ("bool_type", "Input should be a valid boolean"),
            e if e.starts_with('i') || e.starts_with('u') || e.contains("integer") => {
                ("int_type", "Input should be a valid integer")
            }
            e if e.starts_with('f') || e.contains("float") || e.contains("number") => {
                ("float_type", "Input should be a valid number")
            }
            e if e.contains("sequence") => ("list_type", "Input should be a valid list"),
            e if e.contains("struct") || e.contains("map") => (
                "model_attributes_type",
                "Input should be a valid dictionary or object to extract fields from",
            ),
            _ => ("value_error", "Value error"),
        };
        return ErrorDetail::new(kind, loc, msg, serde_json::Value::Null);
    }
    let mut d = ErrorDetail::new(
        "value_error",
        loc,
        format!("Value error, {message}"),
        serde_json::Value::Null,
    );
    d.ctx = Some(serde_json::json!({ "error": message }));
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // fields are read by serde only
    struct UserIn {
        username: String,
        email: String,
        age: Option<u32>,
    }

    #[test]
    fn json_errors_look_like_fastapi() {
        let Err(Error::Validation(d)) = parse_json::<UserIn>(br#"{"username": "a"}"#) else {
            panic!()
        };
        assert_eq!(d[0].kind, "missing");
        assert_eq!(d[0].loc, vec![Loc::from("body"), Loc::from("email")]);
        let Err(Error::Validation(d)) = parse_json::<UserIn>(br#"{"username": 1, "email": "e"}"#)
        else {
            panic!()
        };
        assert_eq!(d[0].kind, "string_type");
        assert_eq!(d[0].loc, vec![Loc::from("body"), Loc::from("username")]);
        let Err(Error::MalformedBody(d)) = parse_json::<UserIn>(b"{\"username\": ") else {
            panic!()
        };
        assert_eq!(d.kind, "json_invalid");
        let Err(Error::Validation(d)) = parse_json::<UserIn>(b"  ") else { panic!() };
        assert_eq!(d[0].loc, vec![Loc::from("body")]);
        assert!(parse_json::<UserIn>(br#"{"username": "a", "email": "e", "extra": 1}"#).is_ok());
    }
}
