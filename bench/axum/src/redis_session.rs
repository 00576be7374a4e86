//! axum 0.8 with tower-sessions, the whoami-redis scenario: sessions in Redis
//! (tower-sessions-redis-store, on one fred client), their id in a signed cookie
//! (`SessionManagerLayer::with_signed`). `POST /login` puts the user in the session,
//! `GET /whoami` answers it. `bench-axum-redis-session PORT [REDIS_URL]` (or env `PORT`,
//! `REDIS_URL`).

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Session, SessionManagerLayer};
use tower_sessions_redis_store::RedisStore;
use tower_sessions_redis_store::fred::prelude::{Client, ClientLike, Config};

/// The secret every peer signs its session cookies with.
const SECRET: &[u8; 64] = b"the load benchmark: one 64-byte secret for all peers, signing it";

/// The answer of both routes: `{"user":"alice"}`, or `{"user":null}` without a session.
#[derive(Serialize)]
struct Whoami {
    user: Option<String>,
}

async fn login(session: Session) -> Result<Json<Whoami>, StatusCode> {
    session.insert("user", "alice").await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(Whoami { user: Some("alice".to_owned()) }))
}

async fn whoami(session: Session) -> Result<Json<Whoami>, StatusCode> {
    let user = session.get("user").await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(Whoami { user }))
}

fn arg_or_env(position: usize, var: &str, default: &str) -> String {
    std::env::args()
        .nth(position)
        .or_else(|| std::env::var(var).ok())
        .unwrap_or_else(|| default.into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One connection, as the other peers' Redis stores use (a multiplexed one each).
    let config = Config::from_url(&arg_or_env(2, "REDIS_URL", "redis://127.0.0.1:6379/0"))?;
    let client = Client::new(config, None, None, None);
    client.init().await?;
    // Named `session`, not `Secure` (served over plain HTTP), SameSite=Lax, as the other
    // peers' cookies; HttpOnly and Path=/ are tower-sessions' defaults.
    let sessions = SessionManagerLayer::new(RedisStore::new(client))
        .with_name("session")
        .with_secure(false)
        .with_same_site(SameSite::Lax)
        .with_signed(Key::from(SECRET));
    let app =
        Router::new().route("/login", post(login)).route("/whoami", get(whoami)).layer(sessions);
    let listener =
        tokio::net::TcpListener::bind(format!("127.0.0.1:{}", arg_or_env(1, "PORT", "8000")))
            .await?;
    axum::serve(listener, app).await?;
    Ok(())
}
