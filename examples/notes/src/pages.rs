//! The HTML pages: sign-up, log-in and the notes, with forms. Every form carries the CSRF
//! token (`CsrfToken`, checked on each POST), cross-origin POSTs are refused by the app's
//! cross-origin protection, and each action flashes a message shown on the next page.
//! A page for signed-in users takes [`LoggedIn`], which sends anyone else to `/login`.

use cookie_route::csrf::CsrfToken;
use cookie_route::prelude::*;
use cookie_route::session::Flash;
use cookie_route::{Requirements, Session};

use crate::auth::{self, CurrentUser};
use crate::db::{Db, User};
use crate::error::AppError;
use crate::html::{self, Frame};
use crate::notes::NoteIn;

/// The signed-in user, for a page: without a valid session, `303 See Other` to `/login`.
pub(crate) struct LoggedIn(User);

impl FromRequest for LoggedIn {
    type Rejection = Response;

    async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Response> {
        match auth::session_user(request, response).await {
            Ok(Some(user)) => Ok(Self(user)),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(failed) => Err(failed.into_response()),
        }
    }

    fn requires(requirements: &mut Requirements) {
        requirements.dependency::<CurrentUser>();
    }
}

/// The sign-up and log-in forms' fields.
#[derive(Deserialize)]
pub(crate) struct CredentialsForm {
    username: String,
    password: String,
}

/// To the notes when signed in, else to the log-in page.
#[cookie_route(GET "/", openapi = false)]
async fn home(session: Session) -> Redirect {
    match session.user_id() {
        Some(_) => Redirect::to("/notes"),
        None => Redirect::to("/login"),
    }
}

#[cookie_route(GET "/signup", openapi = false)]
async fn signup_form(csrf: CsrfToken, flash: Flash) -> Html<String> {
    let frame = Frame { csrf: &csrf, flashes: &flash.take(), user: None };
    Html(html::signup(&frame, None, ""))
}

/// Creates the account and logs it in; a taken name or a short password shows the form
/// again, with `400 Bad Request`.
#[cookie_route(POST "/signup", openapi = false)]
async fn signup(
    csrf: CsrfToken,
    #[body] form: Form<CredentialsForm>,
    session: Session,
    flash: Flash,
    db: State<Db>,
) -> Result<Response, Raised> {
    let Form(CredentialsForm { username, password }) = form;
    match auth::sign_up(&db, &username, password).await {
        Ok(user) => {
            auth::start_session(&session, &user);
            flash.push_with("success", format!("Welcome, {}!", user.username))?;
            Ok(Redirect::to("/notes").into_response())
        }
        Err(refused @ (AppError::UsernameTaken | AppError::Invalid { .. })) => {
            let frame = Frame { csrf: &csrf, flashes: &flash.take(), user: None };
            let page = html::signup(&frame, Some(&refused.to_string()), &username);
            Ok((StatusCode::BAD_REQUEST, Html(page)).into_response())
        }
        Err(failed) => Err(failed.into()),
    }
}

#[cookie_route(GET "/login", openapi = false)]
async fn login_form(csrf: CsrfToken, flash: Flash) -> Html<String> {
    let frame = Frame { csrf: &csrf, flashes: &flash.take(), user: None };
    Html(html::login(&frame, None, ""))
}

/// Logs in; wrong credentials show the form again, with `401 Unauthorized`.
#[cookie_route(POST "/login", openapi = false)]
async fn login(
    csrf: CsrfToken,
    #[body] form: Form<CredentialsForm>,
    session: Session,
    flash: Flash,
    db: State<Db>,
) -> Result<Response, Raised> {
    let Form(CredentialsForm { username, password }) = form;
    match auth::log_in(&db, &username, password).await {
        Ok(user) => {
            auth::start_session(&session, &user);
            flash.push_with("success", format!("Logged in as {}.", user.username))?;
            Ok(Redirect::to("/notes").into_response())
        }
        Err(refused @ AppError::WrongCredentials) => {
            let frame = Frame { csrf: &csrf, flashes: &flash.take(), user: None };
            let page = html::login(&frame, Some(&refused.to_string()), &username);
            Ok((StatusCode::UNAUTHORIZED, Html(page)).into_response())
        }
        Err(failed) => Err(failed.into()),
    }
}

/// Ends the session (a new, empty one carries the message).
#[cookie_route(POST "/logout", openapi = false)]
async fn logout(_csrf: CsrfToken, session: Session, flash: Flash) -> Result<Redirect, Raised> {
    session.clear();
    session.renew();
    flash.push_with("success", "You are logged out.")?;
    Ok(Redirect::to("/login"))
}

#[cookie_route(GET "/notes", openapi = false)]
async fn notes_page(
    user: LoggedIn,
    csrf: CsrfToken,
    flash: Flash,
    db: State<Db>,
) -> Result<Html<String>, Raised> {
    let notes = db.notes(&user.0).await?;
    let frame = Frame { csrf: &csrf, flashes: &flash.take(), user: Some(&user.0) };
    Ok(Html(html::notes(&frame, &notes)))
}

#[cookie_route(POST "/notes", openapi = false)]
async fn create_note(
    user: LoggedIn,
    _csrf: CsrfToken,
    #[body] form: Form<NoteIn>,
    flash: Flash,
    db: State<Db>,
) -> Result<Redirect, Raised> {
    match form.0.validate() {
        Ok(note) => {
            db.create_note(&user.0, &note).await?;
            flash.push_with("success", "Note saved.")?;
        }
        Err(invalid) => flash.push_with("error", invalid.to_string())?,
    }
    Ok(Redirect::to("/notes"))
}

/// Deletes one of the user's notes; any other id is a 404 page.
#[cookie_route(POST "/notes/{id}/delete", openapi = false)]
async fn delete_note(
    id: i64,
    user: LoggedIn,
    csrf: CsrfToken,
    flash: Flash,
    db: State<Db>,
) -> Result<Response, Raised> {
    if db.delete_note(&user.0, id).await? {
        flash.push_with("success", "Note deleted.")?;
        return Ok(Redirect::to("/notes").into_response());
    }
    let frame = Frame { csrf: &csrf, flashes: &flash.take(), user: Some(&user.0) };
    Ok((StatusCode::NOT_FOUND, Html(html::note_not_found(&frame))).into_response())
}
