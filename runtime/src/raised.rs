//! Errors of any type a handler or a dependency returns ([`Raised`]), turned into responses
//! once for the whole app by the handlers registered with [`App::on_error`], as FastAPI's
//! exception handlers.
//!
//! [`App::on_error`]: crate::App::on_error

use std::any::TypeId;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use http::StatusCode;
use http::header::CONTENT_TYPE;

use crate::error::Error;
use crate::response::{IntoResponse, Response};

/// An error of any type, for the app's error handlers to answer ([`App::on_error`]): a
/// handler returns `Result<T, Raised>` and uses `?` on any `std::error::Error`. An error no
/// handler takes is logged and answers `500 Internal Server Error`, as FastAPI answers an
/// exception it has no handler for; cookie-route's own [`Error`] keeps its response (a 422
/// stays a 422) unless a handler takes it.
///
/// Cookies and headers that the handler and its dependencies set on the temporal response
/// stay on the response that answers the error.
///
/// ```
/// use cookie_route::{App, Json, Raised, Request, StatusCode};
///
/// #[derive(Debug)]
/// struct NoSuchNote(u64);
///
/// impl std::fmt::Display for NoSuchNote {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         write!(f, "no note {}", self.0)
///     }
/// }
///
/// impl std::error::Error for NoSuchNote {}
///
/// async fn note(_: Request) -> Result<&'static str, Raised> {
///     Err(NoSuchNote(7))?
/// }
///
/// let app = App::new().get("/notes/7", note).on_error(|error: &NoSuchNote| {
///     (StatusCode::NOT_FOUND, Json(serde_json::json!({ "detail": error.to_string() })))
/// });
/// # let _ = app.build()?;
/// # Ok::<(), cookie_route::StartError>(())
/// ```
///
/// [`App::on_error`]: crate::App::on_error
pub struct Raised(Box<dyn StdError + Send + Sync + 'static>);

impl Raised {
    /// The error, to look at or to downcast.
    pub fn error(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.0
    }

    /// The error, owned.
    pub fn into_inner(self) -> Box<dyn StdError + Send + Sync + 'static> {
        self.0
    }
}

/// Any error, with `?`. (`Raised` is not an error itself, so that this does not overlap
/// `From<T> for T`, as with `anyhow::Error`.)
impl<E: StdError + Send + Sync + 'static> From<E> for Raised {
    fn from(error: E) -> Self {
        Self(Box::new(error))
    }
}

impl fmt::Debug for Raised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Raised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A 500 that carries the error until the pipeline's last step hands it to the app's error
/// handlers (`pipeline::after`); a response that never gets there (a middleware's) is sent
/// as the bare 500.
impl IntoResponse for Raised {
    fn into_response(self) -> Response {
        let mut response = Response::internal_server_error();
        response.raise(self);
        response
    }

    fn respond_on(self, temporal: &mut Response) {
        Response::internal_server_error().respond_on(temporal);
        temporal.raise(self);
    }
}

/// One error handler: it answers the errors of one type.
type Answer =
    Arc<dyn Fn(&(dyn StdError + Send + Sync + 'static)) -> Option<Response> + Send + Sync>;

/// The app's error handlers, by the type they take.
#[derive(Default)]
pub(crate) struct ErrorHandlers {
    handlers: Vec<(TypeId, &'static str, Answer)>,
}

impl fmt::Debug for ErrorHandlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.handlers.iter().map(|(_, name, _)| name)).finish()
    }
}

impl ErrorHandlers {
    /// Adds the handler of `E`; `false` when `E` has one already.
    pub(crate) fn insert<E, F, R>(&mut self, answer: F) -> bool
    where
        E: StdError + Send + Sync + 'static,
        F: Fn(&E) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        let id = TypeId::of::<E>();
        if self.handlers.iter().any(|(other, _, _)| *other == id) {
            return false;
        }
        let answer: Answer =
            Arc::new(move |error| error.downcast_ref::<E>().map(|e| answer(e).into_response()));
        self.handlers.push((id, std::any::type_name::<E>(), answer));
        true
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.handlers.is_empty()
    }

    /// Answers the error `response` carries, if it carries one, on it: with the handler of
    /// its type, else cookie-route's own error response, else the logged 500 it is already.
    /// The cookies and other headers set before stay.
    pub(crate) fn answer(&self, response: &mut Response) {
        let Some(raised) = response.take_raised() else { return };
        let error = raised.error();
        let answer = self.handlers.iter().find_map(|(_, _, answer)| answer(error));
        let answer = match answer {
            Some(answer) => answer,
            None => match raised.into_inner().downcast::<Error>() {
                Ok(own) => own.into_response(),
                Err(error) => {
                    tracing::error!(%error, "a handler failed with an error no App::on_error handler takes");
                    return;
                }
            },
        };
        // The 500's own body and type go; what the handler and its dependencies set stays.
        response.headers_mut().remove(CONTENT_TYPE);
        drop(response.take_body());
        response.reset_status();
        answer.respond_on(response);
        response.default_status(StatusCode::INTERNAL_SERVER_ERROR);
    }
}
