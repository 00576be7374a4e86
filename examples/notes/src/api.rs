//! The JSON API, the group `api` that `main` nests under `/api`: the same accounts and
//! notes as the pages, with the session cookie, documented at `/openapi.json` and `/docs`.
//! Errors are `AppError`s, answered once by `AppError::answer`: `401 {"detail": "Not
//! authenticated"}` without a session, 404 for a note that is not the user's, 409 for a
//! taken name, 422 for a body or id that does not fit.
//!
//! The session cookie authenticates, so the API must not take requests that another site
//! can make a browser send: cross-origin protection refuses those browsers mark, and
//! [`json_bodies_only`] refuses bodies that do not say they are JSON (which is what a form of
//! another site could send without a CORS preflight).

use cookie_route::prelude::*;
use cookie_route::{ErrorDetail, Loc, Next, Session};

use crate::auth::{self, CurrentUser};
use crate::db::Db;
use crate::error::AppError;
use crate::notes::{Note, NoteIn};

/// A username and password, to sign up or log in. (No `Debug`: it holds a password.)
#[derive(Deserialize, JsonSchema)]
pub(crate) struct Credentials {
    username: String,
    password: String,
}

/// The account, as the API shows it (the `response_model` of sign-up and log-in).
#[derive(Debug, Serialize, ResponseModel, JsonSchema)]
pub(crate) struct UserOut {
    username: String,
}

/// The API group's middleware: a request with a body that is not `application/json` answers
/// 422, as FastAPI answers it (since 0.65.2, against exactly this kind of cross-site request).
/// The body, which may hold a password, is not echoed.
pub(crate) async fn json_bodies_only(request: Request, next: Next) -> Response {
    let has_body = request.header("transfer-encoding").is_some()
        || request.header("content-length").is_some_and(|length| length.trim() != "0");
    if has_body && !request.is_json() {
        let detail = ErrorDetail::new(
            "model_attributes_type",
            vec![Loc::from("body")],
            "Input should be a valid dictionary or object to extract fields from",
            serde_json::Value::Null,
        );
        return Error::Validation(vec![detail]).into_response();
    }
    next.run(request).await
}

/// Creates an account (passwords have at least 8 characters) and logs it in: the session
/// cookie comes with the answer.
#[cookie_route(POST "/signup", group = "api", status = 201, response_model = UserOut, tags = ["auth"])]
async fn signup(
    #[body] credentials: Json<Credentials>,
    session: Session,
    db: State<Db>,
) -> Result<Json<UserOut>, Raised> {
    let Json(Credentials { username, password }) = credentials;
    let user = auth::sign_up(&db, &username, password).await?;
    auth::start_session(&session, &user);
    Ok(Json(UserOut { username: user.username }))
}

/// Logs in: the session cookie comes with the answer.
#[cookie_route(POST "/login", group = "api", response_model = UserOut, tags = ["auth"])]
async fn login(
    #[body] credentials: Json<Credentials>,
    session: Session,
    db: State<Db>,
) -> Result<Json<UserOut>, Raised> {
    let Json(Credentials { username, password }) = credentials;
    let user = auth::log_in(&db, &username, password).await?;
    auth::start_session(&session, &user);
    Ok(Json(UserOut { username: user.username }))
}

/// Ends the session.
#[cookie_route(POST "/logout", group = "api", status = 204, tags = ["auth"])]
async fn logout(_user: CurrentUser, session: Session) -> StatusCode {
    session.clear();
    StatusCode::NO_CONTENT
}

/// The user's notes, newest first.
#[cookie_route(GET "/notes", group = "api", tags = ["notes"])]
async fn list_notes(user: CurrentUser, db: State<Db>) -> Result<Json<Vec<Note>>, Raised> {
    Ok(Json(db.notes(&user.0).await?))
}

/// Adds a note.
#[cookie_route(POST "/notes", group = "api", status = 201, response_model = Note, tags = ["notes"])]
async fn create_note(
    user: CurrentUser,
    #[body] note: Json<NoteIn>,
    db: State<Db>,
) -> Result<Json<Note>, Raised> {
    let note = note.0.validate()?;
    Ok(Json(db.create_note(&user.0, &note).await?))
}

/// One of the user's notes.
#[cookie_route(GET "/notes/{id}", group = "api", response_model = Note, tags = ["notes"])]
async fn read_note(id: i64, user: CurrentUser, db: State<Db>) -> Result<Json<Note>, Raised> {
    let note = db.note(&user.0, id).await?;
    Ok(Json(note.ok_or(AppError::NotFound)?))
}

/// Replaces a note's title and body.
#[cookie_route(PUT "/notes/{id}", group = "api", response_model = Note, tags = ["notes"])]
async fn update_note(
    id: i64,
    user: CurrentUser,
    #[body] note: Json<NoteIn>,
    db: State<Db>,
) -> Result<Json<Note>, Raised> {
    let note = note.0.validate()?;
    let updated = db.update_note(&user.0, id, &note).await?;
    Ok(Json(updated.ok_or(AppError::NotFound)?))
}

/// Deletes a note.
#[cookie_route(DELETE "/notes/{id}", group = "api", status = 204, tags = ["notes"])]
async fn delete_note(id: i64, user: CurrentUser, db: State<Db>) -> Result<StatusCode, Raised> {
    if db.delete_note(&user.0, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound.into())
    }
}
