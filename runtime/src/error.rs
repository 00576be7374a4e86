//! Errors: [`Error`], what a request can fail with (and answers with, FastAPI-shaped for
//! client errors), and [`StartError`], what keeps an app from starting.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use http::StatusCode;
use http::header::{HeaderValue, RETRY_AFTER};
use serde::Serialize;

use crate::response::{HeaderError, IntoResponse, Response};
use crate::set_cookie::CookieError;

pub use crate::body::BoxError;

/// What a request can fail with, from a body that does not fit to a handler's own error.
///
/// A handler may return `Result<T, Error>`: client errors answer as FastAPI does (422 with a
/// `detail` list, 400, 404, 413), server errors answer `500 Internal Server Error` and are
/// logged, without any of the request's cookie values, and [`Error::Unavailable`] (a backend
/// such as the session store unreachable for now) answers `503` with `Retry-After`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request's cookies, path, query, headers or body do not fit the handler: 422.
    #[error("request validation failed: {}", summarize(.0))]
    Validation(Vec<ErrorDetail>),
    /// The body could not be parsed at all (broken JSON, text that is not UTF-8): 422 with
    /// one detail (`json_invalid`, `string_unicode`), as FastAPI answers.
    #[error("malformed request body: {}", .0.msg)]
    MalformedBody(Box<ErrorDetail>),
    /// The body is larger than the configured limit: 413.
    #[error("request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit in force.
        limit: usize,
    },
    /// The client stopped sending its body, or sent it too slowly: 408.
    #[error("timed out reading the request body")]
    BodyTimeout,
    /// Reading the body failed on the connection.
    #[error("failed to read the request body")]
    Body(#[source] BoxError),
    /// An HTTP error with a message, like FastAPI's `HTTPException`: `{"detail": "..."}`.
    #[error("{status}: {detail}")]
    Http {
        /// The status to answer with.
        status: StatusCode,
        /// The `detail` of the body.
        detail: Cow<'static, str>,
    },
    /// A cookie was refused: its name, value or attributes cannot be sent safely: 500.
    #[error(transparent)]
    Cookie(#[from] CookieError),
    /// A header name or value was refused: 500.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// The handler's value does not fit its response model: 500, logged.
    #[error("the response does not fit its model: {0}")]
    ResponseValidation(String),
    /// Something the request needs cannot be reached now (the session store is down, stalled
    /// or refusing): `503 Service Unavailable` with `Retry-After` and
    /// `{"detail": "The service is temporarily unavailable: retry later"}`. The cause is for
    /// the logs (at `debug` here: the session store logs its failures once per spell, see
    /// [`SessionStore`](crate::SessionStore)), never for the client.
    #[error("temporarily unavailable: {source}")]
    Unavailable {
        /// How long the client should wait before retrying, sent as `Retry-After` in whole
        /// seconds (rounded up, at least 1).
        retry_after: Duration,
        /// What failed.
        #[source]
        source: BoxError,
    },
    /// Any other error of a handler or dependency: 500.
    #[error(transparent)]
    Other(BoxError),
}

/// The `detail` of a 503 ([`Error::Unavailable`]): nothing about the cause.
const UNAVAILABLE_DETAIL: &str = "The service is temporarily unavailable: retry later";

/// What keeps an app from starting: routes that cannot be served together, an invalid
/// configuration (a secret, a limit, a session store), an address it cannot listen on.
/// Found before the first request is served, never while answering one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// Routes that cannot be served together, each naming where it was declared.
    #[error("invalid routes:\n{}", .0.join("\n"))]
    Routes(Vec<String>),
    /// The app's configuration is invalid (an environment variable, a key, a limit, a
    /// session store that cannot be reached).
    #[error("{0}")]
    Config(String),
    /// The server could not listen on its address.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Another I/O error of the server.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn summarize(details: &[ErrorDetail]) -> String {
    let parts: Vec<String> =
        details.iter().map(|d| format!("{}: {}", d.loc_path(), d.msg)).collect();
    parts.join("; ")
}

impl Error {
    /// An error answering `status` with `{"detail": detail}`, as FastAPI's `HTTPException`.
    pub fn http(status: StatusCode, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::Http { status, detail: detail.into() }
    }

    /// `404 {"detail": "Not Found"}`.
    pub fn not_found() -> Self {
        Self::http(StatusCode::NOT_FOUND, "Not Found")
    }

    /// Wraps any error as a 500.
    pub fn other(error: impl Into<BoxError>) -> Self {
        Self::Other(error.into())
    }

    /// How long [`Error::unavailable`] asks clients to wait: 5 seconds.
    pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);

    /// Something the request needs is unreachable for now, because of `source`: a 503 with
    /// `Retry-After: 5` ([`Error::DEFAULT_RETRY_AFTER`]). A [`SessionStore`](crate::SessionStore)
    /// returns it when its backend cannot be reached, and a handler may for its own backends.
    ///
    /// ```
    /// use cookie_route::{Error, IntoResponse, StatusCode};
    ///
    /// let response = Error::unavailable("the database is down").into_response();
    /// assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    /// assert_eq!(response.headers()["retry-after"], "5");
    /// let body = response.body().as_bytes().unwrap();
    /// assert_eq!(body, br#"{"detail":"The service is temporarily unavailable: retry later"}"#);
    /// ```
    pub fn unavailable(source: impl Into<BoxError>) -> Self {
        Self::Unavailable { retry_after: Self::DEFAULT_RETRY_AFTER, source: source.into() }
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::MalformedBody(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Body(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::Http { status, .. } => *status,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// One part of a `loc`: a name or a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Loc {
    /// A source (`"cookie"`, `"body"`) or a field name.
    Key(Cow<'static, str>),
    /// A position in a list, or a byte offset in a body.
    Index(usize),
}

impl From<&'static str> for Loc {
    fn from(s: &'static str) -> Self {
        Self::Key(Cow::Borrowed(s))
    }
}

impl From<String> for Loc {
    fn from(s: String) -> Self {
        Self::Key(Cow::Owned(s))
    }
}

impl From<usize> for Loc {
    fn from(i: usize) -> Self {
        Self::Index(i)
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Key(k) => f.write_str(k),
            Self::Index(i) => write!(f, "{i}"),
        }
    }
}

/// One entry of a FastAPI-shaped error body:
/// `{"type": "missing", "loc": ["cookie", "ads_id"], "msg": "Field required", "input": null}`.
///
/// The `type` and `msg` are those pydantic 2 gives for the same input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorDetail {
    /// The machine-readable kind: `missing`, `int_parsing`, `json_invalid`, ...
    #[serde(rename = "type")]
    pub kind: Cow<'static, str>,
    /// Where: the source, then the field.
    pub loc: Vec<Loc>,
    /// A sentence for people.
    pub msg: Cow<'static, str>,
    /// The input that was refused (`null` when missing).
    pub input: serde_json::Value,
    /// Extra context, as pydantic's `ctx`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<serde_json::Value>,
}

impl ErrorDetail {
    /// A detail with no `ctx`.
    pub fn new(
        kind: impl Into<Cow<'static, str>>,
        loc: Vec<Loc>,
        msg: impl Into<Cow<'static, str>>,
        input: serde_json::Value,
    ) -> Self {
        Self { kind: kind.into(), loc, msg: msg.into(), input, ctx: None }
    }

    /// `{"type": "missing", "msg": "Field required", "input": null}` at `loc`.
    pub fn missing(loc: Vec<Loc>) -> Self {
        Self::new("missing", loc, "Field required", serde_json::Value::Null)
    }

    /// Adds pydantic's `ctx`.
    #[must_use]
    pub fn with_ctx(mut self, ctx: serde_json::Value) -> Self {
        self.ctx = Some(ctx);
        self
    }

    fn loc_path(&self) -> String {
        let parts: Vec<String> = self.loc.iter().map(ToString::to_string).collect();
        parts.join(".")
    }
}

#[derive(Serialize)]
struct DetailBody<T> {
    detail: T,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        match self {
            Self::Validation(details) => {
                Response::json_with_status(status, &DetailBody { detail: details })
            }
            Self::MalformedBody(detail) => {
                Response::json_with_status(status, &DetailBody { detail: [*detail] })
            }
            Self::PayloadTooLarge { limit } => {
                let detail = ErrorDetail::new(
                    "too_large",
                    vec![Loc::from("body")],
                    format!("Request body is larger than the limit of {limit} bytes"),
                    serde_json::Value::Null,
                );
                Response::json_with_status(status, &DetailBody { detail: [detail] })
            }
            Self::BodyTimeout => {
                Response::json_with_status(status, &DetailBody { detail: "Request Timeout" })
            }
            Self::Body(ref source) => {
                tracing::debug!(error = %source, "failed to read a request body");
                Response::json_with_status(status, &DetailBody { detail: "Bad Request" })
            }
            Self::Http { detail, .. } => Response::json_with_status(status, &DetailBody { detail }),
            Self::Unavailable { retry_after, ref source } => {
                tracing::debug!(error = %source, "answering 503: a service is unavailable");
                let mut response =
                    Response::json_with_status(status, &DetailBody { detail: UNAVAILABLE_DETAIL });
                let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs.max(1)));
                response
            }
            other => {
                tracing::error!(error = %other, "request failed");
                Response::internal_server_error()
            }
        }
    }
}

impl IntoResponse for CookieError {
    fn into_response(self) -> Response {
        Error::from(self).into_response()
    }
}
