//! `build_routes` over HTTP: the program itself, built from the file its build script
//! expanded, started on a free port, with a client that keeps cookies as a browser does.

use std::process::Command;
use std::time::Duration;

use cookie_route::TestClient;
use cookie_route_test_support::program::Program;
use serde_json::{Value, json};

fn start() -> Program {
    let mut command = Command::new(env!("CARGO_BIN_EXE_build_routes"));
    command.env("HOST", "127.0.0.1").env("PORT", "0");
    Program::start(command, Duration::from_secs(10))
}

#[tokio::test]
async fn the_included_app_counts_visits_in_its_declared_cookie() {
    let program = start();
    let browser = TestClient::http(program.base_url());

    let first = browser.get("/").send().await;
    assert_eq!((first.status().as_u16(), first.text()), (200, "visit 1".to_owned()));
    let header = first.header("set-cookie").expect("the visits cookie");
    assert!(
        header.starts_with("visits=1; HttpOnly; SameSite=Lax; Path=/; Max-Age=86400; Expires="),
        "{header}"
    );
    // The browser sends it back: the declared type (`u32`) is read and counted on.
    assert_eq!(browser.get("/").send().await.text(), "visit 2");
    assert_eq!(browser.get("/").send().await.text(), "visit 3");

    // A value that is not the declared type is a 422 naming the cookie, as with `routes!`.
    let other = TestClient::http(program.base_url());
    let response = other.get("/").header("cookie", "visits=many").send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>()["detail"][0]["loc"], json!(["cookie", "visits"]));
}

#[tokio::test]
async fn a_declared_path_parameter_is_typed() {
    let program = start();
    let client = TestClient::http(program.base_url());

    assert_eq!(client.get("/square/12").send().await.text(), "12 squared is 144");
    let response = client.get("/square/x").send().await;
    assert_eq!(response.status(), 422);
    let detail = &response.json::<Value>()["detail"][0];
    assert_eq!(
        (detail["type"].clone(), detail["loc"].clone()),
        (json!("int_parsing"), json!(["path", "n"]))
    );
    // Not declared: a 404, and the method is checked as declared.
    assert_eq!(client.get("/nowhere").send().await.status(), 404);
    assert_eq!(client.post("/square/2").send().await.status(), 405);
}
