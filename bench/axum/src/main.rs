//! axum 0.8, cookies through axum-extra's `CookieJar`. `bench-axum PORT` (or env `PORT`).

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Serialize;
use serde_json::{Value, json};

struct UserIn {
    id: u32,
    username: String,
    email: String,
    full_name: String,
    #[allow(dead_code)] // read by nobody: it must never leave
    password: String,
    #[allow(dead_code)]
    disabled: bool,
}

#[derive(Serialize)]
struct UserOut {
    id: u32,
    username: String,
    email: String,
    full_name: String,
}

impl From<UserIn> for UserOut {
    fn from(u: UserIn) -> Self {
        Self { id: u.id, username: u.username, email: u.email, full_name: u.full_name }
    }
}

fn load_user(id: u32) -> UserIn {
    UserIn {
        id,
        username: format!("user{id}"),
        email: format!("user{id}@example.com"),
        full_name: format!("User {id}"),
        password: "secret".to_owned(),
        disabled: false,
    }
}

async fn plaintext() -> &'static str {
    "Hello, World!"
}

async fn get_cookie(jar: CookieJar) -> Json<Value> {
    Json(json!({ "username": jar.get("username").map(Cookie::value) }))
}

async fn cookie_and_object(jar: CookieJar) -> (CookieJar, Json<Value>) {
    let cookie = Cookie::build(("fakesession", "fake-cookie-session-value"))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax);
    (jar.add(cookie), Json(json!({ "message": "Come to the dark side, we have cookies" })))
}

async fn user(Path(id): Path<u32>, jar: CookieJar) -> (CookieJar, Json<UserOut>) {
    let cookie = Cookie::build(("last_user", id.to_string()))
        .max_age(time::Duration::hours(1))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict);
    (jar.add(cookie), Json(load_user(id).into()))
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new()
        .route("/plaintext", get(plaintext))
        .route("/getcookie", get(get_cookie))
        .route("/cookie-and-object/", post(cookie_and_object))
        .route("/users/{id}", get(user));
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{}", port())).await?;
    axum::serve(listener, app).await
}
