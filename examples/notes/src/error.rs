//! The service's errors and how each is answered: [`AppError::answer`] is given once to
//! `App::on_error`, so every handler and dependency just returns `Err(AppError::...)?` (as
//! a [`Raised`](cookie_route::Raised)) and the whole app answers it the same way.
//!
//! The JSON API lets them through; the HTML pages handle the refusals a person should see
//! (a taken name, a wrong password) on the page itself and raise only the failures.

use cookie_route::{Error, ErrorDetail, IntoResponse, Loc, Response, StatusCode};

/// What can go wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AppError {
    /// No valid session: `401 {"detail": "Not authenticated"}`.
    #[error("Not authenticated")]
    NotAuthenticated,
    /// Sign-up with a name someone has: 409.
    #[error("That username is taken.")]
    UsernameTaken,
    /// Log-in with an unknown name or a wrong password (not saying which): 401.
    #[error("Wrong username or password.")]
    WrongCredentials,
    /// No such note among the user's own (another user's note is not revealed either): 404.
    #[error("Not Found")]
    NotFound,
    /// A value that does not fit: 422 in FastAPI's shape, at `["body", field]`. The value
    /// itself is not echoed (it may be a password).
    #[error("{message}")]
    Invalid {
        /// The body's field.
        field: &'static str,
        /// pydantic's error type (`string_too_short`, ...).
        kind: &'static str,
        /// For a person.
        message: &'static str,
    },
    /// The database failed: a logged 500.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Hashing a password failed: a logged 500.
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

impl AppError {
    /// The response for the error: given to `App::on_error`.
    pub(crate) fn answer(&self) -> Response {
        match self {
            Self::NotAuthenticated => {
                Error::http(StatusCode::UNAUTHORIZED, "Not authenticated").into_response()
            }
            Self::UsernameTaken => {
                Error::http(StatusCode::CONFLICT, "Username already taken").into_response()
            }
            Self::WrongCredentials => {
                Error::http(StatusCode::UNAUTHORIZED, "Incorrect username or password")
                    .into_response()
            }
            Self::NotFound => Error::not_found().into_response(),
            Self::Invalid { field, kind, message } => Error::Validation(vec![ErrorDetail::new(
                *kind,
                vec![Loc::from("body"), Loc::from(*field)],
                *message,
                serde_json::Value::Null,
            )])
            .into_response(),
            Self::Database(_) | Self::Hashing(_) => {
                tracing::error!(error = %self, "request failed");
                Response::internal_server_error()
            }
        }
    }
}
