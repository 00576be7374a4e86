//! The app both end-to-end suites drive: `tests/http.rs` over a real socket, and
//! `tests/test_client.rs` in process through `TestClient`.

use std::time::Duration as StdDuration;

use cookie_route::http::header::{CONTENT_TYPE, HeaderValue};
use cookie_route::time::{Duration, OffsetDateTime};
use cookie_route::{
    App, Cookie, Error, Html, IntoResponse, Json, Limits, Request, Response, SameSite, StatusCode,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The body limit the app is served with.
pub(crate) const BODY_LIMIT: usize = 1024;
/// The body of `GET /hello`.
pub(crate) const HELLO: &str = "Hello, World!";
/// The `Expires` that `GET /attributes` sets on the `expires` cookie: 2030-03-17T17:46:40Z.
pub(crate) const FIXED_EXPIRES: i64 = 1_900_000_000;
/// The number of cookies `GET /attributes` sets.
pub(crate) const ATTRIBUTE_COOKIES: usize = 7;

/// Every refusal `GET /refuse/{case}` can provoke, with the `CookieRule` variant it must name.
pub(crate) const REFUSALS: &[(&str, &str)] = &[
    ("semicolon", "ValueCharacter"),
    ("crlf", "ValueCharacter"),
    ("control", "ValueCharacter"),
    ("non-ascii", "ValueCharacter"),
    ("empty-name", "EmptyName"),
    ("name-space", "NameCharacter"),
    ("samesite-none-insecure", "SameSiteNoneWithoutSecure"),
    ("host-domain", "HostPrefixWithDomain"),
    ("host-path", "HostPrefixWithPath"),
    ("host-insecure", "PrefixNeedsSecure"),
    ("secure-insecure", "PrefixNeedsSecure"),
    ("partitioned-insecure", "PartitionedWithoutSecure"),
    ("too-large", "TooLarge"),
    ("path-semicolon", "AttributeCharacter"),
];

/// The first entry of the `detail` list of a FastAPI-shaped error body.
pub(crate) fn first_detail(body: &serde_json::Value) -> &serde_json::Value {
    body["detail"].get(0).unwrap_or_else(|| panic!("no detail list in {body}"))
}

/// The app under test.
pub(crate) fn app() -> App {
    App::new()
        .get("/hello", hello)
        .get("/set", set)
        .get("/get", get)
        .get("/delete", delete)
        .get("/attributes", attributes)
        .get("/quoted", quoted)
        .get("/cookie/{name}", read_cookie)
        .get("/cookies", all_cookies)
        .get("/refuse/{case}", refuse)
        .get("/items", list_items)
        .post("/items", create_item)
        .get("/users/{id}", get_user)
        .post("/users", create_user)
        .post("/echo", echo)
        .get("/panic", panics)
        .get("/panic-sync", panics_before_the_future)
        .get("/slow", slow)
        .limits(Limits::default().with_max_body_bytes(BODY_LIMIT))
}

async fn hello(_: Request) -> &'static str {
    HELLO
}

/// Sets `username=JohnDoe` with no attributes: the secure defaults apply.
async fn set(_: Request) -> Result<Response, Error> {
    let mut response = Html("Cookie set successfully!").into_response();
    response.set_cookie(Cookie::new("username", "JohnDoe"))?;
    Ok(response)
}

async fn get(request: Request) -> Json<serde_json::Value> {
    Json(json!({ "username": request.cookie("username") }))
}

async fn delete(_: Request) -> Result<Response, Error> {
    let mut response = Html("Cookie deleted").into_response();
    response.delete_cookie("username")?;
    Ok(response)
}

/// One cookie per attribute, all in one response.
async fn attributes(_: Request) -> Result<Response, Error> {
    let expires = OffsetDateTime::from_unix_timestamp(FIXED_EXPIRES).map_err(Error::other)?;
    let cookies = [
        Cookie::build(("max_age", "1")).max_age(Duration::hours(1)).build(),
        Cookie::build(("expires", "2")).expires(expires).build(),
        Cookie::build(("scoped", "3")).path("/app").domain("example.com").build(),
        Cookie::build(("strict", "4"))
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Strict)
            .build(),
        Cookie::build(("lax", "5")).same_site(SameSite::Lax).http_only(false).build(),
        Cookie::build(("none", "6")).same_site(SameSite::None).secure(true).build(),
        Cookie::build(("partitioned", "7")).partitioned(true).secure(true).build(),
    ];
    let mut response = Response::new();
    for cookie in cookies {
        response.set_cookie(cookie)?;
    }
    Ok(response)
}

/// Values that must go on the wire quoted, as Python's `http.cookies` sends them.
async fn quoted(_: Request) -> Result<Response, Error> {
    let mut response = Response::new();
    response.set_cookie(Cookie::new("greeting", "Hello World"))?;
    response.set_cookie(Cookie::new("escaped", r#"say "hi" \o/"#))?;
    Ok(response)
}

/// `{"value": ...}`: the cookie `name` as the handler reads it (unquoted).
async fn read_cookie(request: Request) -> Json<serde_json::Value> {
    let name = request.param("name").unwrap_or_default().into_owned();
    Json(json!({ "value": request.cookie(&name) }))
}

/// `[[name, value], ...]`: every cookie the request carried, first occurrences only.
async fn all_cookies(request: Request) -> Json<Vec<(String, String)>> {
    Json(request.cookies().map(|(n, v)| (n.to_owned(), v.into_owned())).collect())
}

fn refused_cookie(case: &str) -> Option<Cookie<'static>> {
    let cookie = match case {
        "semicolon" => Cookie::new("a", "x;y"),
        "crlf" => Cookie::new("a", "x\r\nSet-Cookie: injected=1"),
        "control" => Cookie::new("a", "x\u{1}y"),
        "non-ascii" => Cookie::new("a", "caf\u{e9}"),
        "empty-name" => Cookie::new("", "x"),
        "name-space" => Cookie::new("a b", "x"),
        "samesite-none-insecure" => Cookie::build(("a", "x")).same_site(SameSite::None).build(),
        "host-domain" => {
            Cookie::build(("__Host-sid", "x")).secure(true).domain("example.com").build()
        }
        "host-path" => Cookie::build(("__Host-sid", "x")).secure(true).path("/x").build(),
        "host-insecure" => Cookie::new("__Host-sid", "x"),
        "secure-insecure" => Cookie::new("__Secure-sid", "x"),
        "partitioned-insecure" => Cookie::build(("a", "x")).partitioned(true).build(),
        "too-large" => Cookie::new("a", "x".repeat(5000)),
        "path-semicolon" => Cookie::build(("a", "x")).path("/a;b").build(),
        _ => return None,
    };
    Some(cookie)
}

/// Tries to set a cookie that must be refused. The error goes back in the body of the very
/// response the cookie was offered to, so a `Set-Cookie` added despite the error would leave.
async fn refuse(request: Request) -> Response {
    let case = request.param("case").unwrap_or_default().into_owned();
    let Some(cookie) = refused_cookie(&case) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = Response::new();
    match response.set_cookie(cookie) {
        Ok(()) => response.set_body("accepted"),
        Err(error) => {
            let body = json!({
                "rule": format!("{:?}", error.rule()),
                "message": error.to_string(),
                "name": error.name(),
            });
            response.set_status(StatusCode::BAD_REQUEST);
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response.set_body(body.to_string());
        }
    }
    response
}

async fn list_items(_: Request) -> Json<Vec<&'static str>> {
    Json(vec!["apple", "pear"])
}

async fn create_item(_: Request) -> (StatusCode, &'static str) {
    (StatusCode::CREATED, "created")
}

async fn get_user(request: Request) -> Result<Json<serde_json::Value>, Error> {
    let id = request.path_param::<i64>("id")?;
    Ok(Json(json!({ "id": id })))
}

#[derive(Debug, Deserialize, Serialize)]
struct UserIn {
    username: String,
    email: String,
}

async fn create_user(request: Request) -> Result<Json<UserIn>, Error> {
    request.json::<UserIn>().await.map(Json)
}

/// The number of body bytes received.
async fn echo(request: Request) -> Result<String, Error> {
    Ok(request.bytes().await?.len().to_string())
}

async fn panics(_: Request) -> &'static str {
    panic!("a handler panicked on purpose")
}

/// Panics while making its future, before anything is polled.
fn panics_before_the_future(_: Request) -> std::future::Ready<&'static str> {
    panic!("a handler panicked on purpose, synchronously")
}

async fn slow(_: Request) -> &'static str {
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    "slow done"
}
