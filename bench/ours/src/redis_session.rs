//! cookie-route, the whoami-redis scenario: sessions in Redis (`RedisStore`), their id in a
//! signed cookie. `POST /login` puts the user in the session, `GET /whoami` answers it.
//! `bench-ours-redis-session PORT [REDIS_URL]` (or env `PORT`, `REDIS_URL`).

use cookie_route::prelude::*;
use cookie_route::session::RedisStore;
use cookie_route::{Keys, Session, SessionConfig};

/// The secret every peer signs its session cookies with.
const SECRET: &[u8; 64] = b"the load benchmark: one 64-byte secret for all peers, signing it";

/// The answer of both routes: `{"user":"alice"}`, or `{"user":null}` without a session.
#[derive(Serialize)]
struct Whoami {
    user: Option<String>,
}

#[cookie_route(POST "/login")]
async fn login(session: Session) -> Result<Json<Whoami>, Error> {
    session.insert("user", "alice")?;
    Ok(Json(Whoami { user: Some("alice".to_owned()) }))
}

#[cookie_route(GET "/whoami")]
async fn whoami(session: Session) -> Json<Whoami> {
    Json(Whoami { user: session.get("user") })
}

fn arg_or_env(position: usize, var: &str, default: &str) -> String {
    std::env::args()
        .nth(position)
        .or_else(|| std::env::var(var).ok())
        .unwrap_or_else(|| default.into())
}

#[tokio::main]
async fn main() -> Result<(), cookie_route::StartError> {
    let secret = std::str::from_utf8(SECRET).expect("an ASCII secret");
    let store =
        RedisStore::connect(&arg_or_env(2, "REDIS_URL", "redis://127.0.0.1:6379/0")).await?;
    App::declared()
        .keys(Keys::from_secret(secret)?)
        .sessions(SessionConfig::store(store))
        .serve(format!("127.0.0.1:{}", arg_or_env(1, "PORT", "8000")))
        .await
}
