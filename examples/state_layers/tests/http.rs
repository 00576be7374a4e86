//! `state_layers` over HTTP: the program itself, started on a free port, with a client that
//! keeps cookies as a browser does and asks for gzip as browsers do.

use std::io::Read as _;
use std::process::Command;
use std::time::Duration;

use cookie_route::TestClient;
use cookie_route_test_support::program::Program;
use serde_json::{Value, json};

fn start() -> Program {
    let mut command = Command::new(env!("CARGO_BIN_EXE_state_layers"));
    command
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("RUST_LOG", "info")
        .env("COOKIE_ROUTE_SECRET_KEY", "the state_layers test secret: 32+ bytes");
    Program::start(command, Duration::from_secs(10))
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut plain).expect("a gzip body");
    plain
}

#[tokio::test]
async fn the_current_user_comes_from_the_session_and_the_state() {
    let program = start();
    let browser = TestClient::http(program.base_url());

    let response = browser.get("/api/me").send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.json::<Value>(), json!({ "detail": "Not logged in" }));
    assert_eq!(browser.get("/api/users").send().await.status(), 401);

    let response = browser.post("/login").form(&[("name", "carol")]).send().await;
    assert_eq!(
        (response.status().as_u16(), response.text()),
        (401, r#"{"detail":"Unknown user"}"#.into())
    );
    let response = browser.post("/login").form(&[("name", "ann")]).send().await;
    assert_eq!(response.text(), "Logged in as ann");

    let response = browser.get("/api/me").send().await;
    assert_eq!(response.json::<Value>(), json!({ "name": "ann", "role": "admin" }));
    let users = browser.get("/api/users").send().await.json::<Value>();
    assert_eq!(users.as_array().map(Vec::len), Some(2), "{users}");

    program.stop();
}

#[tokio::test]
async fn layers_wrap_the_app_and_the_group() {
    let program = start();
    let browser = TestClient::http(program.base_url());
    browser.post("/login").form(&[("name", "bob")]).send().await;

    // The app's layers: every response gets X-Content-Type-Options, and is gzipped when
    // the client accepts it.
    let plain = browser.get("/api/users").send().await;
    assert_eq!(plain.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(plain.header("content-encoding"), None);
    let gzipped = browser.get("/api/users").header("accept-encoding", "gzip").send().await;
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(gzipped.bytes()), plain.bytes());

    // The group's layer: only under /api.
    assert_eq!(plain.header("cache-control"), Some("no-store"));
    let home = browser.get("/").send().await;
    assert_eq!(home.header("cache-control"), None);
    assert_eq!(home.header("x-content-type-options"), Some("nosniff"));
    assert!(home.text().contains(r#"href="/static/style.css""#));

    // The trace layer logged each request with its status.
    let stderr = program.stop();
    assert!(stderr.contains("uri=/api/users"), "{stderr}");
    assert!(stderr.contains("finished processing request"), "{stderr}");
    assert!(stderr.contains("status=200"), "{stderr}");
}

#[tokio::test]
async fn static_files_are_served_from_the_example_folder() {
    let program = start();
    let browser = TestClient::http(program.base_url());

    let css = browser.get("/static/style.css").send().await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.header("content-type"), Some("text/css"));
    let on_disk = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/static/style.css")).unwrap();
    assert_eq!(css.bytes(), on_disk);
    assert!(css.header("last-modified").is_some());

    let gzipped = browser.get("/static/style.css").header("accept-encoding", "gzip").send().await;
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(gzipped.bytes()), on_disk);

    let robots = browser.get("/static/robots.txt").send().await;
    assert_eq!(robots.header("content-type"), Some("text/plain"));
    assert_eq!(browser.get("/static/missing.css").send().await.status(), 404);

    program.stop();
}
