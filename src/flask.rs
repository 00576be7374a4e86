//! The handlers of Flask's cookie tutorials, declared in `routes.toml`.

use cookie_route::Session;
use cookie_route::prelude::*;
use serde_json::{Value, json};

use crate::cookies;

/// `set_cookie("username", "JohnDoe", max_age=3600)`.
pub(crate) async fn setcookie(response: &mut Response) -> Result<Html<&'static str>, Error> {
    cookies::username::set(response, "JohnDoe")?;
    Ok(Html("Cookie set successfully!"))
}

/// The same, with `secure=True, httponly=True, samesite='Strict'`.
pub(crate) async fn setcookie_secure(response: &mut Response) -> Result<Html<&'static str>, Error> {
    cookies::username_secure::set(response, "JohnDoe")?;
    Ok(Html("Cookie set successfully!"))
}

pub(crate) async fn getcookie(username: Option<String>) -> Json<Value> {
    Json(json!({ "username": username }))
}

pub(crate) async fn set_cookie(response: &mut Response) -> Result<Html<&'static str>, Error> {
    cookies::flask_tutorial::set(response, "Hello World")?;
    Ok(Html("Cookie Setter"))
}

pub(crate) async fn read_cookie(value: Option<String>) -> Html<String> {
    Html(format!("<h1>The cookie value is: {}</h1>", value.as_deref().unwrap_or("None")))
}

pub(crate) async fn delete_cookie(response: &mut Response) -> Result<Html<&'static str>, Error> {
    cookies::flask_tutorial::delete(response)?;
    Ok(Html("Cookie Deleted"))
}

pub(crate) async fn setcookie_name(response: &mut Response) -> Result<Html<&'static str>, Error> {
    cookies::site_name::set(response, "AskPython")?;
    Ok(Html("The Cookie has been Set"))
}

pub(crate) async fn getcookie_name(site: Option<String>) -> Html<String> {
    Html(format!("The Site : {}", site.as_deref().unwrap_or("None")))
}

/// `session['user'] = request.args['user']`, after a new session id.
pub(crate) async fn login(
    user: Option<String>,
    session: Session,
) -> Result<(StatusCode, Html<String>), Error> {
    let Some(user) = user else {
        return Ok((StatusCode::BAD_REQUEST, Html("Missing user".to_owned())));
    };
    session.renew();
    session.insert("user", &user)?;
    Ok((StatusCode::OK, Html(format!("Logged in as {user}"))))
}

pub(crate) async fn whoami(session: Session) -> (StatusCode, Json<Value>) {
    match session.get::<String>("user") {
        Some(user) => (StatusCode::OK, Json(json!({ "user": user }))),
        None => (StatusCode::UNAUTHORIZED, Json(json!({ "error": "not logged in" }))),
    }
}

pub(crate) async fn logout(session: Session) -> Html<&'static str> {
    session.clear();
    Html("Logged out")
}

/// The paths Flask serves, whose errors are Flask's.
const PATHS: [&str; 11] = [
    "/setcookie",
    "/setcookie_secure",
    "/getcookie",
    "/set_cookie",
    "/read_cookie",
    "/delete_cookie",
    "/setcookie_name",
    "/getcookie_name",
    "/login",
    "/whoami",
    "/logout",
];

/// A wrong method answers as the framework of the path does: Werkzeug's HTML page for the
/// Flask routes, FastAPI's JSON for the others.
pub(crate) async fn method_not_allowed(request: Request) -> Response {
    if PATHS.contains(&request.path()) {
        Html(
            "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n\
             <h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n",
        )
        .into_response()
    } else {
        Json(json!({ "detail": "Method Not Allowed" })).into_response()
    }
}
