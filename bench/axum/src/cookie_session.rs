//! axum 0.8, the whoami-cookie scenario: the user in a cookie signed by axum-extra's
//! `SignedCookieJar` (the key as the router's state). `POST /login` sets it, `GET /whoami`
//! answers it. `bench-axum-cookie-session PORT` (or env `PORT`).

use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::cookie::{Cookie, Key, SameSite, SignedCookieJar};
use serde::Serialize;

/// The secret every peer signs its session cookies with.
const SECRET: &[u8; 64] = b"the load benchmark: one 64-byte secret for all peers, signing it";

/// The answer of both routes: `{"user":"alice"}`, or `{"user":null}` without a session.
#[derive(Serialize)]
struct Whoami {
    user: Option<String>,
}

async fn login(jar: SignedCookieJar) -> (SignedCookieJar, Json<Whoami>) {
    let cookie =
        Cookie::build(("session", "alice")).path("/").http_only(true).same_site(SameSite::Lax);
    (jar.add(cookie), Json(Whoami { user: Some("alice".to_owned()) }))
}

async fn whoami(jar: SignedCookieJar) -> Json<Whoami> {
    Json(Whoami { user: jar.get("session").map(|cookie| cookie.value().to_owned()) })
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new()
        .route("/login", post(login))
        .route("/whoami", get(whoami))
        .with_state(Key::from(SECRET));
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{}", port())).await?;
    axum::serve(listener, app).await
}
