//! actix-web 4 with actix-session, the whoami-cookie scenario: the session in a signed cookie
//! (`CookieSessionStore`, `CookieContentSecurity::Signed`). `POST /login` puts the user in the
//! session, `GET /whoami` answers it. `bench-actix-cookie-session PORT` (or env `PORT`).

use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::Key;
use actix_web::{App, HttpServer, get, post, web};
use serde::Serialize;

/// The secret every peer signs its session cookies with.
const SECRET: &[u8; 64] = b"the load benchmark: one 64-byte secret for all peers, signing it";

/// The answer of both routes: `{"user":"alice"}`, or `{"user":null}` without a session.
#[derive(Serialize)]
struct Whoami {
    user: Option<String>,
}

#[post("/login")]
async fn login(session: Session) -> actix_web::Result<web::Json<Whoami>> {
    session.insert("user", "alice")?;
    Ok(web::Json(Whoami { user: Some("alice".to_owned()) }))
}

#[get("/whoami")]
async fn whoami(session: Session) -> actix_web::Result<web::Json<Whoami>> {
    Ok(web::Json(Whoami { user: session.get("user")? }))
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let key = Key::from(SECRET);
    HttpServer::new(move || {
        // Named `session`, not `Secure` (served over plain HTTP), as the other peers' cookies;
        // HttpOnly, SameSite=Lax and Path=/ are actix-session's defaults.
        let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
            .cookie_name("session".to_owned())
            .cookie_secure(false)
            .cookie_content_security(CookieContentSecurity::Signed)
            .build();
        App::new().wrap(sessions).service(login).service(whoami)
    })
    .bind(format!("127.0.0.1:{}", port()))?
    .run()
    .await
}
