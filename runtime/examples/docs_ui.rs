//! Serves the docs pages (Swagger UI at `/docs`, ReDoc at `/redoc`) of an app with three
//! declared routes, so that a browser can look at the pages and "Try it out":
//!
//! - `GET /items/{item_id}` answers `{"item_id": ...}`;
//! - `POST /login` sets the cookie `session` (HttpOnly);
//! - `GET /me` answers with the `session` cookie the browser sent.
//!
//! ```text
//! cargo run -p cookie-route --features openapi --example docs_ui -- 127.0.0.1:8000
//! python3 tests/browser/docs_ui.py http://127.0.0.1:8000
//! ```
//!
//! The address defaults to `127.0.0.1:8000`; with port 0 the server picks one. The first line
//! printed is `listening on http://ADDRESS`. Ctrl-C or SIGTERM stops it.

use std::io::Write as _;

use cookie_route::{App, Cookie, DocsConfig, Json, Response, SameSite, cookie_route};
use serde_json::{Value, json};

#[cookie_route(GET "/items/{item_id}")]
async fn read_item(item_id: i64) -> Json<Value> {
    Json(json!({ "item_id": item_id }))
}

#[cookie_route(POST "/login")]
async fn log_in(response: &mut Response) -> Result<Json<Value>, cookie_route::CookieError> {
    let cookie =
        Cookie::build(("session", "from-login")).path("/").http_only(true).same_site(SameSite::Lax);
    response.set_cookie(cookie.build())?;
    Ok(Json(json!({ "logged_in": true })))
}

#[cookie_route(GET "/me")]
async fn read_me(#[cookie] session: Option<String>) -> Json<Value> {
    Json(json!({ "session": session }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let app = App::declared().docs(DocsConfig::new().with_title("Docs UI stub"));
    let server = app.bind(addr.as_str()).await?;
    println!("listening on http://{}", server.local_addr()?);
    std::io::stdout().flush()?;
    server.with_graceful_shutdown(cookie_route::shutdown_signal()).await?;
    Ok(())
}
