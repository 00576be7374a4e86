//! The handlers of Flask's cookie tutorials, declared in `routes.toml`.

use cookie_route::prelude::*;
use serde_json::{Value, json};

use crate::cookies;

/// `set_cookie("username", "JohnDoe", max_age=3600)`.
pub(crate) async fn setcookie(response: &mut Response) -> Result<Html<&'static str>, Error> {
    cookies::username::set(response, &"JohnDoe".to_owned())?;
    Ok(Html("Cookie set successfully!"))
}

/// The same, with `secure=True, httponly=True, samesite='Strict'`.
pub(crate) async fn setcookie_secure(response: &mut Response) -> Result<Html<&'static str>, Error> {
    cookies::username_secure::set(response, &"JohnDoe".to_owned())?;
    Ok(Html("Cookie set successfully!"))
}

pub(crate) async fn getcookie(username: Option<String>) -> Json<Value> {
    Json(json!({ "username": username }))
}

pub(crate) async fn set_cookie(response: &mut Response) -> Result<Html<&'static str>, Error> {
    cookies::flask_tutorial::set(response, &"Hello World".to_owned())?;
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
    cookies::site_name::set(response, &"AskPython".to_owned())?;
    Ok(Html("The Cookie has been Set"))
}

pub(crate) async fn getcookie_name(site: Option<String>) -> Html<String> {
    Html(format!("The Site : {}", site.as_deref().unwrap_or("None")))
}
