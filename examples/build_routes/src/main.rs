//! Run with: `cargo run -p build_routes`, then `curl -i http://127.0.0.1:8008/` (twice, with
//! the cookie it sets) or `curl http://127.0.0.1:8008/square/12`.
//!
//! An app declared in `routes.toml`, like `toml_routes`, but expanded by the build script
//! (`build.rs`, `cookie_route_build::compile("routes.toml")`) into `OUT_DIR` once, and
//! included here: an edit to a handler rebuilds this crate without expanding the file again.
//! `HOST` and `PORT` say where it listens (default `127.0.0.1:8008`); Ctrl-C or SIGTERM
//! stops it.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use cookie_route::{StartError, shutdown_signal};

// `app()` and `mod cookies`, as `routes!("routes.toml")` would give them.
cookie_route::include_routes!();

mod handlers {
    use cookie_route::prelude::*;

    use crate::cookies;

    /// `cookies = ["visits"]`, `response = true` and `sets = ["visits"]`.
    pub(crate) async fn count(
        visits: Option<u32>,
        response: &mut Response,
    ) -> Result<String, Error> {
        let visits = visits.unwrap_or(0).saturating_add(1);
        cookies::visits::set(response, visits)?;
        Ok(format!("visit {visits}"))
    }

    /// `params = { n = "u32" }`.
    pub(crate) async fn square(n: u32) -> String {
        format!("{n} squared is {}", u64::from(n) * u64::from(n))
    }
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
    let server = app().bind(address(8008)?).await?.with_graceful_shutdown(shutdown_signal());
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
