//! Serves the docs pages (Swagger UI at `/docs`, ReDoc at `/redoc`) with a hand-written
//! OpenAPI document (`tests/fixtures/docs_ui/openapi.json`) and the three operations it
//! describes, so that a browser can look at the pages and "Try it out":
//!
//! - `GET /items/{item_id}` answers `{"item_id": ...}`;
//! - `POST /login` sets the cookie `session` (HttpOnly);
//! - `GET /me` answers with the `session` cookie the browser sent.
//!
//! ```text
//! cargo run -p cookie-route --example docs_ui -- 127.0.0.1:8000
//! python3 tests/browser/docs_ui.py http://127.0.0.1:8000
//! ```
//!
//! The address defaults to `127.0.0.1:8000`; with port 0 the server picks one. The first line
//! printed is `listening on http://ADDRESS`. Ctrl-C or SIGTERM stops it.
//!
//! Temporary (#18): it serves the stub through a hidden hook; once `App::build` serves the
//! document it generates, this becomes an app with routes and `App::docs`.

use std::io::Write as _;

use cookie_route::{Cookie, DocsConfig, Json, Request, Response, SameSite, StatusCode};
use serde_json::json;

const DOCUMENT: &str = include_str!("../tests/fixtures/docs_ui/openapi.json");

async fn read_item(request: Request) -> Result<Json<serde_json::Value>, cookie_route::Error> {
    let item_id: i64 = request.path_param("item_id")?;
    Ok(Json(json!({ "item_id": item_id })))
}

async fn log_in(_: Request) -> Result<Response, cookie_route::CookieError> {
    let mut response = Response::json_with_status(StatusCode::OK, &json!({ "logged_in": true }));
    let cookie =
        Cookie::build(("session", "from-login")).path("/").http_only(true).same_site(SameSite::Lax);
    response.set_cookie(cookie.build())?;
    Ok(response)
}

async fn read_me(request: Request) -> Json<serde_json::Value> {
    Json(json!({ "session": request.cookie("session") }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let config = DocsConfig::new().with_title("Docs UI stub");
    let app = cookie_route::__docs_app(&config, DOCUMENT)
        .get("/items/{item_id}", read_item)
        .post("/login", log_in)
        .get("/me", read_me);
    let server = app.bind(addr.as_str()).await?;
    println!("listening on http://{}", server.local_addr()?);
    std::io::stdout().flush()?;
    server.with_graceful_shutdown(cookie_route::shutdown_signal()).await?;
    Ok(())
}
