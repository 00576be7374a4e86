//! `hello` over HTTP: the program itself, started on a free port, as `cargo run -p hello`
//! starts it.

use std::process::Command;
use std::time::Duration;

use cookie_route::TestClient;
use cookie_route_test_support::program::Program;

fn hello(port: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hello"));
    command.env("HOST", "127.0.0.1").env("PORT", port).env("RUST_LOG", "info");
    command
}

#[tokio::test]
async fn says_hello_then_stops_on_sigterm() {
    let program = Program::start(hello("0"), Duration::from_secs(10));
    assert!(program.base_url().starts_with("http://127.0.0.1:"), "{}", program.base_url());
    let client = TestClient::http(program.base_url());

    let response = client.get("/").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(response.text(), "Hello, World!");
    assert_eq!(client.get("/?name=Ann").send().await.text(), "Hello, Ann!");

    let response = client.post("/").send().await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.header("allow"), Some("GET, HEAD"));
    assert_eq!(client.get("/nowhere").send().await.text(), r#"{"detail":"Not Found"}"#);

    let stderr = program.stop();
    assert!(stderr.contains("shutting down"), "{stderr}");
}

#[test]
fn a_sigterm_as_soon_as_it_says_where_it_listens_is_a_graceful_shutdown() {
    for _ in 0..5 {
        let stderr = Program::start(hello("0"), Duration::from_secs(10)).stop();
        assert!(stderr.contains("shutting down"), "{stderr}");
    }
}

#[test]
fn a_bad_port_stops_it_with_one_line_naming_the_variable() {
    let output = hello("eighty").output().expect("hello runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim(), "error: PORT must be a port number (0-65535), got `eighty`");
}
