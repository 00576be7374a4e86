//! Run with: `cargo run -p signed_private` (give `COOKIE_ROUTE_SECRET_KEY` a random secret
//! of 32+ bytes, so that cookies survive a restart), then
//! `curl -c jar -b jar 'http://127.0.0.1:8004/remember?user=Ann'` and
//! `curl -c jar -b jar http://127.0.0.1:8004/`.
//!
//! Signed and private cookies: `user` is signed (the browser can read it but not change it),
//! `visits` is private (encrypted: it can do neither). A value that was altered, made with
//! another key or moved to another cookie reads as absent.
//!
//! Key rotation: start it with a new `COOKIE_ROUTE_SECRET_KEY` and the old one in
//! `COOKIE_ROUTE_SECRET_KEY_FALLBACKS` (comma-separated): cookies made with the old key are
//! still read, and re-issued under the new one with the response, so that the old key can
//! be dropped once visitors have come back. Without a secret the keys are random (with a
//! warning) and cookies do not survive a restart. `HOST` and `PORT` say where it listens
//! (default `127.0.0.1:8004`); Ctrl-C or SIGTERM stops it.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use cookie_route::prelude::*;
use cookie_route::{Keys, StartError, shutdown_signal};

/// What `GET /` answers.
#[derive(Serialize)]
struct Visit {
    /// From the signed `user` cookie.
    user: Option<String>,
    /// From the private `visits` cookie, this visit included.
    visits: u32,
}

/// The app's keys, which sign and encrypt.
fn keys(request: &Request) -> Result<&Keys, Error> {
    request.keys().ok_or_else(|| Error::other("the app has no keys"))
}

/// `GET /remember?user=Ann`: signs the name into the `user` cookie.
#[cookie_route(GET "/remember")]
async fn remember(
    #[query] user: String,
    request: &Request,
    response: &mut Response,
) -> Result<String, Error> {
    response.set_cookie(keys(request)?.sign(Cookie::new("user", user.clone())))?;
    Ok(format!("Remembered {user}"))
}

/// `GET /`: who the signed cookie says, and the visits the private one counts.
#[cookie_route(GET "/")]
async fn visit(
    #[cookie(signed)] user: Option<String>,
    #[cookie(private)] visits: Option<u32>,
    request: &Request,
    response: &mut Response,
) -> Result<Json<Visit>, Error> {
    let visits = visits.unwrap_or(0) + 1;
    response.set_cookie(keys(request)?.encrypt(Cookie::new("visits", visits.to_string())))?;
    Ok(Json(Visit { user, visits }))
}

/// `GET /forget`: deletes both cookies.
#[cookie_route(GET "/forget")]
async fn forget(response: &mut Response) -> Result<&'static str, Error> {
    response.delete_cookie("user")?;
    response.delete_cookie("visits")?;
    Ok("Forgotten")
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
    // COOKIE_ROUTE_SECRET_KEY and COOKIE_ROUTE_SECRET_KEY_FALLBACKS.
    let keys = Keys::from_env_or_ephemeral()?;
    // Ctrl-C and SIGTERM stop it gracefully from the moment it says where it listens.
    let server = App::declared()
        .keys(keys)
        .bind(address(8004)?)
        .await?
        .with_graceful_shutdown(shutdown_signal());
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
