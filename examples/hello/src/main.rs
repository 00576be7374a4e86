//! Run with: `cargo run -p hello`, then `curl 'http://127.0.0.1:8002/?name=Ann'`.
//!
//! One route, declared with `#[cookie_route]`: its query parameter is read and converted by
//! the generated code, and `App::declared()` serves every declared route of the program.
//! `HOST` and `PORT` say where it listens (default `127.0.0.1:8002`); Ctrl-C or SIGTERM
//! stops it after the requests in flight.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use cookie_route::prelude::*;
use cookie_route::{StartError, shutdown_signal};

/// `GET /` says hello; `GET /?name=Ann` says hello to Ann.
#[cookie_route(GET "/")]
async fn hello(#[query] name: Option<String>) -> String {
    format!("Hello, {}!", name.as_deref().unwrap_or("World"))
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
    // Ctrl-C and SIGTERM stop it gracefully from the moment it says where it listens.
    let server =
        App::declared().bind(address(8002)?).await?.with_graceful_shutdown(shutdown_signal());
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
