#![cfg(feature = "test-client")]
//! Nothing in logs or error bodies reveals a key, a cookie value or a session value: every
//! log line of cookie-route's during a run full of failures (tampered cookies, a session too
//! large, a signed cookie read without keys), captured at TRACE, is searched for the secrets.

use cookie_route::prelude::*;
use cookie_route::{Keys, Session, SessionConfig, TestClient};
use cookie_route_test_support::logs::Captured;

const SECRET: &str = "a secret that must never be logged, 32+ bytes long";
const USER: &str = "secret-user-name-7f3a";
const TOKEN: &str = "secret-token-value-91c2";

#[cookie_route(GET "/login")]
async fn login(session: Session) -> Result<&'static str, Error> {
    session.insert("user", USER)?;
    Ok("ok")
}

#[cookie_route(GET "/whoami")]
async fn whoami(session: Session) -> String {
    session.get::<String>("user").unwrap_or_default()
}

#[cookie_route(GET "/huge")]
async fn huge(session: Session) -> Result<&'static str, Error> {
    session.insert("blob", format!("{TOKEN}{}", "x".repeat(5000)))?;
    Ok("ok")
}

#[cookie_route(GET "/token")]
async fn token(#[cookie(signed)] token: Option<String>) -> String {
    token.unwrap_or_default()
}

#[tokio::test]
async fn logs_and_bodies_keep_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        // Our crates' logs; the test client's cookie jar (cookie_store) logs cookies itself.
        .with_env_filter(tracing_subscriber::EnvFilter::new("cookie_route=trace"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let keys = Keys::from_secret(SECRET).unwrap();
    let client = TestClient::new(
        App::declared().keys(keys.clone()).sessions(SessionConfig::signed_cookie()),
    );
    let mut bodies = Vec::new();
    bodies.push(client.get("/login").send().await.text());
    assert_eq!(client.get("/whoami").send().await.text(), USER);
    let session = client.cookie("session").expect("a session cookie");
    // From here on, only the cookies each request names.
    client.clear_cookies();
    // Tampered session and tampered signed cookie.
    let forged = session.replacen('a', "b", 1);
    let res = client.get("/whoami").cookie("session", &forged).send().await;
    assert_eq!(res.text(), "", "the forged session reads as empty");
    bodies.push(res.text());
    let signed = keys.sign(Cookie::new("token", TOKEN));
    let tampered = signed.value().replace(TOKEN, &TOKEN.to_uppercase());
    bodies.push(client.get("/token").cookie("token", &tampered).send().await.text());
    // A session too large for its cookie: a logged 500.
    let res = client.get("/huge").send().await;
    assert_eq!(res.status(), 500);
    bodies.push(res.text());
    // A signed cookie read by an app without keys.
    let keyless = TestClient::new(App::declared());
    bodies.push(keyless.get("/token").cookie("token", signed.value()).send().await.text());

    let logs = captured.text();
    assert!(logs.contains("did not verify"), "the failures were logged:\n{logs}");
    assert!(logs.contains("session cannot be sent") || logs.contains("request failed"), "{logs}");
    for secret in [SECRET, USER, TOKEN, session.as_str(), signed.value()] {
        assert!(!logs.contains(secret), "a secret reached the logs: {secret}\n{logs}");
        for body in &bodies {
            assert!(!body.contains(secret), "a secret reached a body: {secret}\n{body}");
        }
    }
}
