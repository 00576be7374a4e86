//! actix-web 4, on its own runtime. `bench-actix PORT` (or env `PORT`).

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, Responder, get, post, web};
use serde::Serialize;
use serde_json::json;

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

#[get("/plaintext")]
async fn plaintext() -> &'static str {
    "Hello, World!"
}

#[get("/getcookie")]
async fn get_cookie(req: HttpRequest) -> impl Responder {
    let username = req.cookie("username").map(|c| c.value().to_owned());
    web::Json(json!({ "username": username }))
}

#[post("/cookie-and-object/")]
async fn cookie_and_object() -> HttpResponse {
    let cookie = Cookie::build("fakesession", "fake-cookie-session-value")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    HttpResponse::Ok()
        .cookie(cookie)
        .json(json!({ "message": "Come to the dark side, we have cookies" }))
}

#[get("/users/{id}")]
async fn user(id: web::Path<u32>) -> HttpResponse {
    let id = id.into_inner();
    let cookie = Cookie::build("last_user", id.to_string())
        .max_age(Duration::hours(1))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    HttpResponse::Ok().cookie(cookie).json(UserOut::from(load_user(id)))
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    HttpServer::new(|| {
        App::new().service(plaintext).service(get_cookie).service(cookie_and_object).service(user)
    })
    .bind(format!("127.0.0.1:{}", port()))?
    .run()
    .await
}
