//! `sessions` over HTTP, with each store: the program itself, started as a deployment would
//! start it (`COOKIE_ROUTE_SESSION_STORE`, `COOKIE_ROUTE_SECRET_KEY`), and clients that keep
//! cookies as browsers do. The Redis store gets a `redis-server` of the test's own
//! (test-support's `TestRedis`, or `COOKIE_ROUTE_TEST_REDIS_URL`).

use std::process::Command;
use std::time::Duration;

use cookie_route::TestClient;
use cookie_route_test_support::program::Program;
use cookie_route_test_support::redis::TestRedis;
use serde_json::{Value, json};

const SECRET: &str = "the sessions example's test secret: 32+ bytes";

fn command(store: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sessions"));
    command
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("COOKIE_ROUTE_SECRET_KEY", SECRET)
        .env("COOKIE_ROUTE_SESSION_STORE", store);
    command
}

fn start(store: &str) -> Program {
    Program::start(command(store), Duration::from_secs(10))
}

async fn log_in(browser: &TestClient, user: &str) {
    let response = browser.post("/login").form(&[("user", user)]).send().await;
    assert_eq!(response.text(), format!("Logged in as {user}"));
}

/// The session's user and visit count, or the status without one.
async fn whoami(browser: &TestClient) -> Result<Value, u16> {
    let response = browser.get("/whoami").send().await;
    match response.status().as_u16() {
        200 => Ok(response.json()),
        status => Err(status),
    }
}

#[tokio::test]
async fn cookie_sessions_need_no_server_state_and_cannot_be_revoked() {
    let program = start("cookie");
    let browser = TestClient::http(program.base_url());
    assert_eq!(browser.get("/").send().await.text(), "sessions in: cookie");
    assert_eq!(whoami(&browser).await, Err(401));

    log_in(&browser, "ann").await;
    assert_eq!(whoami(&browser).await, Ok(json!({ "user": "ann", "visits": 1 })));
    // The data is in the cookie, signed: one character changed, and it is no session.
    let cookie = browser.cookie("session").expect("the session cookie");
    let mut forged = cookie.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    browser.set_cookie("session", &forged);
    assert_eq!(whoami(&browser).await, Err(401));
    browser.set_cookie("session", &cookie);

    // Another instance with the same secret (here: the program restarted) reads it.
    program.stop();
    let program = start("cookie");
    let browser = browser.with_base_url(program.base_url());
    assert_eq!(whoami(&browser).await, Ok(json!({ "user": "ann", "visits": 2 })));

    let response = browser.post("/logout-everywhere").send().await;
    assert_eq!(response.status(), 409);
    assert_eq!(browser.post("/logout").send().await.text(), "Logged out");
    assert_eq!(browser.cookie("session"), None);
    assert_eq!(whoami(&browser).await, Err(401));
    program.stop();
}

#[tokio::test]
async fn memory_sessions_live_in_the_process() {
    let program = start("memory");
    let phone = TestClient::http(program.base_url());
    let laptop = TestClient::http(program.base_url());
    assert_eq!(phone.get("/").send().await.text(), "sessions in: memory");

    log_in(&phone, "ann").await;
    log_in(&laptop, "ann").await;
    assert_eq!(whoami(&phone).await, Ok(json!({ "user": "ann", "visits": 1 })));

    // One device ends them all.
    let response = laptop.post("/logout-everywhere").send().await;
    assert_eq!(response.text(), "2 sessions ended");
    assert_eq!(whoami(&phone).await, Err(401));

    // A restart forgets every session.
    log_in(&phone, "ann").await;
    assert!(whoami(&phone).await.is_ok());
    program.stop();
    let program = start("memory");
    let phone = phone.with_base_url(program.base_url());
    assert_eq!(whoami(&phone).await, Err(401));
    program.stop();
}

#[tokio::test]
async fn redis_sessions_are_shared_by_every_instance() {
    let redis = TestRedis::start();
    let a = start(&redis.url);
    let b = start(&redis.url);
    let browser = TestClient::http(a.base_url());
    assert_eq!(browser.get("/").send().await.text(), "sessions in: redis");

    log_in(&browser, "ann").await;
    assert_eq!(whoami(&browser).await, Ok(json!({ "user": "ann", "visits": 1 })));
    // The same browser on the other instance: the same session.
    let browser = browser.with_base_url(b.base_url());
    assert_eq!(whoami(&browser).await, Ok(json!({ "user": "ann", "visits": 2 })));

    let other_device = TestClient::http(a.base_url());
    log_in(&other_device, "ann").await;
    let response = browser.post("/logout-everywhere").send().await;
    assert_eq!(response.text(), "2 sessions ended");
    assert_eq!(whoami(&other_device).await, Err(401));
    assert_eq!(whoami(&browser.with_base_url(a.base_url())).await, Err(401));

    a.stop();
    b.stop();
}

#[test]
fn an_unknown_store_stops_it_with_one_line_naming_the_variable() {
    let output = command("postgres://localhost/sessions").output().expect("sessions runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "error: COOKIE_ROUTE_SESSION_STORE must be `cookie`, `memory` or `redis://HOST:PORT[/DB]`, \
         got `postgres://localhost/sessions`"
    );
}
