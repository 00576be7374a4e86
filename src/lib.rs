//! The example app: Flask's and FastAPI's cookie examples, route for route, on cookie-route.
//!
//! `cargo run` serves it on `127.0.0.1:8000` (`HOST` and `PORT` change that). The Flask
//! routes are declared in `routes.toml`, the FastAPI ones with `#[cookie_route]` in
//! `fastapi.rs`; `app()` serves both.

cookie_route::routes!("routes.toml");

mod fastapi;
mod flask;
