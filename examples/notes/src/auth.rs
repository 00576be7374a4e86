//! Accounts and who is signed in: sign-up and log-in (checked against argon2id hashes),
//! and [`CurrentUser`], the dependency that gives a handler the session's user.

use cookie_route::{FromRequest, Raised, Request, Requirements, Response, Session, State};

use crate::db::{Db, NewUser, User};
use crate::error::AppError;
use crate::passwords;

/// The shortest password, in characters.
pub(crate) const MIN_PASSWORD_CHARS: usize = 8;
/// The longest username, in characters.
pub(crate) const MAX_USERNAME_CHARS: usize = 40;

/// Creates the account `username` with `password` (only its hash is kept).
pub(crate) async fn sign_up(db: &Db, username: &str, password: String) -> Result<User, AppError> {
    let username = check_username(username)?;
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::Invalid {
            field: "password",
            kind: "string_too_short",
            message: "Passwords have at least 8 characters.",
        });
    }
    let hash = passwords::hash(password).await?;
    match db.create_user(username, &hash).await? {
        NewUser::Created(user) => {
            tracing::info!(user = user.id, "signed up");
            Ok(user)
        }
        NewUser::NameTaken => Err(AppError::UsernameTaken),
    }
}

/// The account `username`, if `password` is its password. An unknown name and a wrong
/// password are the same error, and take the same time.
pub(crate) async fn log_in(db: &Db, username: &str, password: String) -> Result<User, AppError> {
    let account = db.account(username.trim()).await?;
    // Without an account, a dummy hash is checked: no telling which names exist by timing.
    let hash = account.as_ref().map(|account| account.password_hash.clone());
    let matches = passwords::verify(password, hash).await?;
    match account {
        Some(account) if matches => {
            tracing::info!(user = account.id, "logged in");
            Ok(User { id: account.id, username: account.username })
        }
        _ => {
            tracing::info!("a log-in failed");
            Err(AppError::WrongCredentials)
        }
    }
}

/// Makes the session the user's: a new session id and CSRF token (`Session::log_in`).
pub(crate) fn start_session(session: &Session, user: &User) {
    session.log_in(user.id.to_string());
}

fn check_username(username: &str) -> Result<&str, AppError> {
    let username = username.trim();
    if username.is_empty() {
        return Err(AppError::Invalid {
            field: "username",
            kind: "string_too_short",
            message: "Choose a username.",
        });
    }
    if username.chars().count() > MAX_USERNAME_CHARS || username.chars().any(char::is_control) {
        return Err(AppError::Invalid {
            field: "username",
            kind: "value_error",
            message: "Usernames have at most 40 characters, and no control characters.",
        });
    }
    Ok(username)
}

/// The user the request's session belongs to, if it belongs to one that exists.
pub(crate) async fn session_user(
    request: &Request,
    response: &mut Response,
) -> Result<Option<User>, Raised> {
    let session = Session::from_request(request, response).await?;
    let Some(id) = session.user_id().and_then(|id| id.parse::<i64>().ok()) else {
        return Ok(None);
    };
    let db = State::<Db>::from_request(request, response).await?;
    Ok(db.user(id).await?)
}

/// The signed-in user, a dependency: a route that takes it answers
/// `401 {"detail": "Not authenticated"}` to a request without a valid session.
#[derive(Debug)]
pub(crate) struct CurrentUser(pub(crate) User);

impl FromRequest for CurrentUser {
    type Rejection = Raised;

    async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Raised> {
        match session_user(request, response).await? {
            Some(user) => Ok(Self(user)),
            None => Err(AppError::NotAuthenticated.into()),
        }
    }

    fn requires(requirements: &mut Requirements) {
        requirements.session();
        requirements.state::<Db>();
    }
}
