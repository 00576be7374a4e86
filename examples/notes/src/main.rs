//! Run with: `cargo run -p notes` (then open http://127.0.0.1:8001/, or see the API at
//! http://127.0.0.1:8001/docs).
//!
//! A notes service on cookie-route: users sign up and log in with a password (argon2id
//! hashes), each sees only their own notes, through HTML pages with CSRF-protected forms
//! and flash messages (`pages`) or a JSON API under `/api` (`api`) with its OpenAPI document
//! and `/docs`. Notes and users live in SQLite through sqlx (`db`), sessions where
//! `COOKIE_ROUTE_SESSION_STORE` says (`config`).

use std::io::IsTerminal;
use std::process::ExitCode;

use cookie_route::{App, DocsConfig, StartError};

mod api;
mod auth;
mod config;
mod db;
mod error;
mod html;
mod notes;
mod pages;
mod passwords;

use config::Config;
use db::Db;
use error::AppError;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), StartError> {
    let config = Config::from_env()?;
    let db = Db::open(&config.database_url)
        .await
        .map_err(|e| StartError::Config(format!("DATABASE_URL: cannot open the database: {e}")))?;
    let addr = format!("{}:{}", config.host, config.port);
    let server = app(&config, db).await?.bind(addr).await?;
    // On stdout, as every example says it (the tests read the address there).
    println!("listening on http://{}", server.local_addr()?);
    server.with_graceful_shutdown(cookie_route::shutdown_signal()).await
}

/// The pages at `/`, the API group under `/api` (JSON bodies only), the database as state, sessions, the
/// errors' answers and the API docs.
async fn app(config: &Config, db: Db) -> Result<App, StartError> {
    Ok(App::declared()
        .nest("/api", App::declared_group("api").middleware(api::json_bodies_only))
        .state(db)
        .keys(config.keys.clone())
        .sessions(config.session_config().await?)
        .on_error(AppError::answer)
        .docs(
            DocsConfig::new()
                .with_title("Notes")
                .with_version(env!("CARGO_PKG_VERSION"))
                .with_description(
                    "Notes of your own. Sign up or log in (`/api/signup`, `/api/login`): the \
                     session cookie then authenticates every other call.",
                ),
        ))
}
