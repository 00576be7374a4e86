//! actix-web 4 with actix-session, the whoami-redis scenario: sessions in Redis
//! (`RedisSessionStore`), their key in a signed cookie. `POST /login` puts the user in the
//! session, `GET /whoami` answers it. `bench-actix-redis-session PORT [REDIS_URL]` (or env
//! `PORT`, `REDIS_URL`).

use actix_session::config::CookieContentSecurity;
use actix_session::storage::RedisSessionStore;
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

fn arg_or_env(position: usize, var: &str, default: &str) -> String {
    std::env::args()
        .nth(position)
        .or_else(|| std::env::var(var).ok())
        .unwrap_or_else(|| default.into())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let key = Key::from(SECRET);
    // One store for every worker: clones share its connection manager.
    let store = RedisSessionStore::new(arg_or_env(2, "REDIS_URL", "redis://127.0.0.1:6379/0"))
        .await
        .map_err(|e| std::io::Error::other(format!("cannot connect to Redis: {e}")))?;
    HttpServer::new(move || {
        // Named `session`, not `Secure` (served over plain HTTP), the key signed rather than
        // encrypted, as the other peers' cookies; HttpOnly, SameSite=Lax and Path=/ are
        // actix-session's defaults.
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_name("session".to_owned())
            .cookie_secure(false)
            .cookie_content_security(CookieContentSecurity::Signed)
            .build();
        App::new().wrap(sessions).service(login).service(whoami)
    })
    .bind(format!("127.0.0.1:{}", arg_or_env(1, "PORT", "8000")))?
    .run()
    .await
}
