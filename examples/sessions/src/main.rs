//! Run with: `cargo run -p sessions`, then
//! `curl -c jar -b jar -d user=ann http://127.0.0.1:8005/login` and
//! `curl -c jar -b jar http://127.0.0.1:8005/whoami`.
//!
//! Sessions, as the repository's example app configures them: `COOKIE_ROUTE_SESSION_STORE`
//! is `cookie` (the default: the data in a signed cookie, as Flask keeps it; any number of
//! instances serve it, and the server cannot revoke it), `memory` (a random id in the
//! cookie, the data in this process), or `redis://HOST:PORT[/DB]` (the data in Redis, shared
//! by every instance given the same Redis and `COOKIE_ROUTE_SECRET_KEY`). An invalid value
//! stops it at start with one line naming the variable. `HOST` and `PORT` say where it
//! listens (default `127.0.0.1:8005`); Ctrl-C or SIGTERM stops it.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use cookie_route::prelude::*;
use cookie_route::session::RedisStore;
use cookie_route::{Keys, MemoryStore, Session, SessionConfig, StartError, shutdown_signal};

/// Where sessions live, from `COOKIE_ROUTE_SESSION_STORE`; the app keeps it as state.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Store {
    Cookie,
    Memory,
    Redis(String),
}

impl Store {
    fn from_env() -> Result<Self, StartError> {
        let value = std::env::var("COOKIE_ROUTE_SESSION_STORE").ok();
        match value.as_deref().map(str::trim) {
            None | Some("" | "cookie") => Ok(Self::Cookie),
            Some("memory") => Ok(Self::Memory),
            Some(url) if url.starts_with("redis://") => Ok(Self::Redis(url.to_owned())),
            Some(other) => Err(StartError::Config(format!(
                "COOKIE_ROUTE_SESSION_STORE must be `cookie`, `memory` or `redis://HOST:PORT[/DB]`, got `{other}`"
            ))),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::Memory => "memory",
            Self::Redis(_) => "redis",
        }
    }

    async fn config(&self) -> Result<SessionConfig, StartError> {
        Ok(match self {
            Self::Cookie => SessionConfig::signed_cookie(),
            Self::Memory => SessionConfig::store(MemoryStore::new()),
            Self::Redis(url) => {
                let store = RedisStore::connect(url)
                    .await
                    .map_err(|e| StartError::Config(format!("COOKIE_ROUTE_SESSION_STORE: {e}")))?;
                SessionConfig::store(store)
            }
        })
    }
}

/// `GET /`: where this instance keeps its sessions.
#[cookie_route(GET "/")]
async fn index(store: State<Store>) -> String {
    format!("sessions in: {}", store.name())
}

#[derive(Deserialize)]
struct Login {
    user: String,
}

/// `POST /login` with a form `user=ann` (a real app checks a password first): the session
/// gets a new id and belongs to that user.
#[cookie_route(POST "/login")]
async fn login(#[body] form: Form<Login>, session: Session) -> String {
    session.log_in(form.user.as_str());
    format!("Logged in as {}", form.user)
}

#[derive(Serialize)]
struct Me {
    user: String,
    /// This session's requests to `/whoami`, this one included.
    visits: u32,
}

/// `GET /whoami`: the session's user and a counter kept in the session; 401 without a user.
#[cookie_route(GET "/whoami")]
async fn whoami(session: Session) -> Result<Json<Me>, Error> {
    let user =
        session.user_id().ok_or_else(|| Error::http(StatusCode::UNAUTHORIZED, "Not logged in"))?;
    let visits = session.get::<u32>("visits").unwrap_or(0) + 1;
    session.insert("visits", visits)?;
    Ok(Json(Me { user, visits }))
}

/// `POST /logout`: ends this session and deletes its cookie.
#[cookie_route(POST "/logout")]
async fn logout(session: Session) -> &'static str {
    session.clear();
    "Logged out"
}

/// `POST /logout-everywhere`: ends every session of this session's user, on every device.
/// A store can; a cookie session lives only in the browser, so the server cannot.
#[cookie_route(POST "/logout-everywhere")]
async fn logout_everywhere(session: Session, store: State<Store>) -> Result<String, Error> {
    if *store == Store::Cookie {
        return Err(Error::http(
            StatusCode::CONFLICT,
            "Cookie sessions cannot be ended by the server: use memory or Redis sessions",
        ));
    }
    let ended = session.log_out_everywhere().await?;
    Ok(format!("{ended} sessions ended"))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), StartError> {
    let address = address(8005)?;
    let store = Store::from_env()?;
    let app = App::declared()
        // COOKIE_ROUTE_SECRET_KEY (and _FALLBACKS): sessions are signed with it.
        .keys(Keys::from_env_or_ephemeral()?)
        .sessions(store.config().await?)
        .state(store);
    // Ctrl-C and SIGTERM stop it gracefully from the moment it says where it listens.
    let server = app.bind(address).await?.with_graceful_shutdown(shutdown_signal());
    println!("listening on http://{}", server.local_addr()?);
    server.await
}

/// `HOST:PORT` from the environment, as the repository's example app reads them.
fn address(default_port: u16) -> Result<String, StartError> {
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = match std::env::var("PORT") {
        Err(_) => default_port,
        Ok(port) => port.trim().parse::<u16>().map_err(|_| {
            StartError::Config(format!("PORT must be a port number (0-65535), got `{port}`"))
        })?,
    };
    Ok(format!("{host}:{port}"))
}
