//! `signed_private` over HTTP: the program itself, started with the secrets a deployment
//! would give it, and a client that keeps cookies as a browser does (cookies do not depend
//! on the port, so the same browser comes back to each restarted program).

use std::process::Command;
use std::time::Duration;

use cookie_route::TestClient;
use cookie_route_test_support::program::Program;
use serde_json::{Value, json};

const OLD: &str = "the secret used before the rotation: 32+ bytes";
const NEW: &str = "the secret used from today on: also 32+ bytes";

fn start(secret: &str, fallbacks: Option<&str>) -> Program {
    let mut command = Command::new(env!("CARGO_BIN_EXE_signed_private"));
    command
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("COOKIE_ROUTE_SECRET_KEY", secret)
        .env_remove("COOKIE_ROUTE_SECRET_KEY_FALLBACKS");
    if let Some(fallbacks) = fallbacks {
        command.env("COOKIE_ROUTE_SECRET_KEY_FALLBACKS", fallbacks);
    }
    Program::start(command, Duration::from_secs(10))
}

async fn visit(browser: &TestClient) -> Value {
    let response = browser.get("/").send().await;
    assert_eq!(response.status(), 200, "{}", response.text());
    response.json()
}

#[tokio::test]
async fn signed_is_readable_private_is_not_and_neither_can_be_forged() {
    let program = start(NEW, None);
    let browser = TestClient::http(program.base_url());

    assert_eq!(visit(&browser).await, json!({ "user": null, "visits": 1 }));
    let response = browser.get("/remember?user=Ann").send().await;
    assert_eq!(response.text(), "Remembered Ann");
    assert_eq!(visit(&browser).await, json!({ "user": "Ann", "visits": 2 }));

    // Signed: the name is there to read. Private: the count is not.
    let user = browser.cookie("user").expect("the user cookie");
    assert!(user.contains("Ann"), "{user}");
    let visits = browser.cookie("visits").expect("the visits cookie");
    assert!(visits.len() > 20 && visits.parse::<u32>().is_err(), "{visits}");

    // Changed by the client, each reads as absent.
    browser.set_cookie("user", &user.replace("Ann", "Bob"));
    browser.set_cookie("visits", "100");
    assert_eq!(visit(&browser).await, json!({ "user": null, "visits": 1 }));
    // A sealed value moved to the other cookie is refused too.
    browser.set_cookie("user", &browser.cookie("visits").unwrap());
    assert_eq!(visit(&browser).await["user"], Value::Null);

    let response = browser.get("/forget").send().await;
    assert_eq!(response.text(), "Forgotten");
    assert_eq!((browser.cookie("user"), browser.cookie("visits")), (None, None));

    program.stop();
}

#[tokio::test]
async fn a_new_key_reads_the_old_keys_cookies_and_reissues_them() {
    // Before the rotation: everything under the old key.
    let before = start(OLD, None);
    let browser = TestClient::http(before.base_url());
    browser.get("/remember?user=Ann").send().await;
    assert_eq!(visit(&browser).await, json!({ "user": "Ann", "visits": 1 }));
    let old_user = browser.cookie("user").unwrap();
    let old_visits = browser.cookie("visits").unwrap();
    before.stop();

    // The new key, the old one as a fallback: read, and re-issued under the new key.
    let during = start(NEW, Some(OLD));
    let browser = browser.with_base_url(during.base_url());
    let response = browser.get("/").send().await;
    assert_eq!(response.json::<Value>(), json!({ "user": "Ann", "visits": 2 }));
    let reissued = response.set_cookie("user").expect("`user` re-issued under the new key");
    assert_ne!(reissued.value(), old_user);
    assert_eq!(browser.cookie("user").as_deref(), Some(reissued.value()));
    during.stop();

    // The old key dropped: the re-issued cookies still read, the old ones no longer do.
    let after = start(NEW, None);
    let browser = browser.with_base_url(after.base_url());
    assert_eq!(visit(&browser).await, json!({ "user": "Ann", "visits": 3 }));
    let stale = TestClient::http(after.base_url());
    stale.set_cookie("user", &old_user);
    stale.set_cookie("visits", &old_visits);
    assert_eq!(visit(&stale).await, json!({ "user": null, "visits": 1 }));
    after.stop();
}

#[test]
fn a_short_secret_stops_it_with_one_line_naming_the_variable() {
    let output = Command::new(env!("CARGO_BIN_EXE_signed_private"))
        .env("PORT", "0")
        .env("COOKIE_ROUTE_SECRET_KEY", "hunter2-too-short")
        .output()
        .expect("signed_private runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.trim().starts_with("error: COOKIE_ROUTE_SECRET_KEY"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "the secret stays out of the message: {stderr}");
}
