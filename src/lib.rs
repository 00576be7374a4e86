//! The example app: Flask's and FastAPI's cookie examples, route for route, on cookie-route.
//!
//! `cargo run` serves it on `127.0.0.1:8000` (`HOST` and `PORT` change that).

use cookie_route::prelude::*;
use cookie_route::time::Duration;
use serde_json::{Value, json};

/// The app with every route.
pub fn app() -> App {
    App::new()
        // Flask's cookie tutorials.
        .get("/setcookie", setcookie)
        .get("/setcookie_secure", setcookie_secure)
        .get("/getcookie", getcookie)
        .get("/set_cookie", set_cookie)
        .get("/read_cookie", read_cookie)
        .get("/delete_cookie", delete_cookie)
        .get("/setcookie_name", setcookie_name)
        .get("/getcookie_name", getcookie_name)
        // FastAPI's documentation.
        .post("/cookie-and-object/", cookie_and_object)
        .post("/cookie/", cookie_response)
        .get("/cookie/", read_fakesession)
        .delete("/cookie/", delete_fakesession)
        .get("/items-cookie/", items_cookie)
        .get("/headers-and-object/", headers_and_object)
}

/// `set_cookie("username", "JohnDoe", max_age=3600)`.
async fn setcookie(_: Request) -> Result<Response, Error> {
    let mut response = Html("Cookie set successfully!").into_response();
    response
        .set_cookie(Cookie::build(("username", "JohnDoe")).max_age(Duration::hours(1)).build())?;
    Ok(response)
}

/// The same, with `secure=True, httponly=True, samesite='Strict'`.
async fn setcookie_secure(_: Request) -> Result<Response, Error> {
    let mut response = Html("Cookie set successfully!").into_response();
    let cookie = Cookie::build(("username", "JohnDoe"))
        .max_age(Duration::hours(1))
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict);
    response.set_cookie(cookie.build())?;
    Ok(response)
}

async fn getcookie(request: Request) -> Json<Value> {
    Json(json!({ "username": request.cookie("username") }))
}

async fn set_cookie(_: Request) -> Result<Response, Error> {
    let mut response = Html("Cookie Setter").into_response();
    response.set_cookie(Cookie::new("flask_tutorial", "Hello World"))?;
    Ok(response)
}

async fn read_cookie(request: Request) -> Html<String> {
    let value = request.cookie("flask_tutorial");
    Html(format!("<h1>The cookie value is: {}</h1>", value.as_deref().unwrap_or("None")))
}

async fn delete_cookie(_: Request) -> Result<Response, Error> {
    let mut response = Html("Cookie Deleted").into_response();
    response.delete_cookie("flask_tutorial")?;
    Ok(response)
}

async fn setcookie_name(_: Request) -> Result<Response, Error> {
    let mut response = Html("The Cookie has been Set").into_response();
    response.set_cookie(Cookie::new("Name", "AskPython"))?;
    Ok(response)
}

async fn getcookie_name(request: Request) -> Html<String> {
    Html(format!("The Site : {}", request.cookie("Name").as_deref().unwrap_or("None")))
}

const DARK_SIDE: &str = "Come to the dark side, we have cookies";

async fn cookie_and_object(_: Request) -> Result<Response, Error> {
    let mut response = Json(json!({ "message": DARK_SIDE })).into_response();
    response.set_cookie(Cookie::new("fakesession", "fake-cookie-session-value"))?;
    Ok(response)
}

async fn cookie_response(request: Request) -> Result<Response, Error> {
    cookie_and_object(request).await
}

async fn read_fakesession(request: Request) -> Json<Value> {
    Json(json!({ "fakesession": request.cookie("fakesession") }))
}

async fn delete_fakesession(_: Request) -> Result<Response, Error> {
    let mut response = Json(json!({ "message": "Cookie deleted" })).into_response();
    response.delete_cookie("fakesession")?;
    Ok(response)
}

async fn items_cookie(request: Request) -> Json<Value> {
    Json(json!({ "ads_id": request.cookie("ads_id") }))
}

async fn headers_and_object(_: Request) -> Result<Response, Error> {
    let mut response = Json(json!({ "message": "Hello World" })).into_response();
    response.set_header("X-Cat-Dog", "alone in the world")?;
    Ok(response)
}
