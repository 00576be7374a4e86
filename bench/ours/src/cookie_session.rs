//! cookie-route, the whoami-cookie scenario: sessions in a signed cookie
//! (`SessionConfig::signed_cookie`). `POST /login` puts the user in the session, `GET /whoami`
//! answers it. `bench-ours-cookie-session PORT` (or env `PORT`).

use cookie_route::prelude::*;
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

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[tokio::main]
async fn main() -> Result<(), cookie_route::StartError> {
    let secret = std::str::from_utf8(SECRET).expect("an ASCII secret");
    App::declared()
        .keys(Keys::from_secret(secret)?)
        .sessions(SessionConfig::signed_cookie())
        .serve(format!("127.0.0.1:{}", port()))
        .await
}
