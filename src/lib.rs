//! The example app: Flask's and FastAPI's cookie examples, route for route, on cookie-route.
//!
//! `cargo run` serves it on `127.0.0.1:8000` (see [`Config`] for the environment it reads).
//! The Flask routes are declared in `routes.toml`, the FastAPI ones with `#[cookie_route]` in
//! `fastapi.rs`; [`build`] serves both.

cookie_route::routes!("routes.toml");

pub mod config;
mod fastapi;
mod flask;
mod index;

pub use config::Config;

/// The app with its keys, sessions, error pages and the page at `/` (its docs and every
/// route, from its own OpenAPI document), as `config` says.
pub async fn build(config: &Config) -> Result<cookie_route::App, cookie_route::StartError> {
    let app = app()
        .keys(config.keys.clone())
        .sessions(config.session_config().await?)
        .method_not_allowed(flask::method_not_allowed);
    let index = index::Index::of(&app.openapi());
    Ok(app.state(index))
}
