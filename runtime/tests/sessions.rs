#![cfg(feature = "test-client")]
//! Signed and private cookies, key rotation and sessions, through the public API: Flask's
//! login / whoami / logout over real HTTP with a cookie-keeping client, and the same suite
//! against every session backend.

use std::time::Duration;

use cookie_route::prelude::*;
use cookie_route::{
    Keys, MemoryStore, Session, SessionConfig, TestClient, TestResponse, TestServer,
};
use serde_json::{Value, json};

const SECRET: &str = "a secret for the tests, long enough to derive keys";
const OLD_SECRET: &str = "the secret used before the last rotation happened";

#[derive(Deserialize, JsonSchema)]
struct LoginQuery {
    user: Option<String>,
}

#[cookie_route(GET "/login")]
async fn login(request: &Request, session: Session) -> Result<(StatusCode, Html<String>), Error> {
    let query: LoginQuery = request.query()?;
    let Some(user) = query.user else {
        return Ok((StatusCode::BAD_REQUEST, Html("Missing user".to_owned())));
    };
    session.renew();
    session.insert("user", &user)?;
    Ok((StatusCode::OK, Html(format!("Logged in as {user}"))))
}

#[cookie_route(GET "/whoami")]
async fn whoami(session: Session) -> (StatusCode, Json<Value>) {
    match session.get::<String>("user") {
        Some(user) => (StatusCode::OK, Json(json!({ "user": user }))),
        None => (StatusCode::UNAUTHORIZED, Json(json!({ "error": "not logged in" }))),
    }
}

#[cookie_route(GET "/logout")]
async fn logout(session: Session) -> Html<&'static str> {
    session.clear();
    Html("Logged out")
}

#[cookie_route(GET "/big")]
async fn big(session: Session) -> Result<&'static str, Error> {
    session.insert("blob", "x".repeat(5000))?;
    Ok("stored")
}

#[cookie_route(GET "/set-protected")]
async fn set_protected(request: &Request, response: &mut Response) -> Result<&'static str, Error> {
    let keys = request.keys().ok_or_else(|| Error::other("no keys"))?;
    response.set_cookie(keys.sign(Cookie::new("signed_user", "alice")))?;
    response.set_cookie(keys.encrypt(Cookie::new("private_token", "s3cret")))?;
    Ok("set")
}

/// What `/read-protected` answers: a struct, so that the keys keep this order.
#[derive(Serialize)]
struct Protected {
    user: Option<String>,
    token: Option<String>,
}

#[cookie_route(GET "/read-protected")]
async fn read_protected(
    #[cookie(name = "signed_user", signed)] user: Option<String>,
    #[cookie(name = "private_token", private)] token: Option<String>,
) -> Json<Protected> {
    Json(Protected { user, token })
}

fn app(config: SessionConfig, keys: Keys) -> App {
    App::declared().keys(keys).sessions(config)
}

fn keys() -> Keys {
    Keys::from_secret(SECRET).unwrap()
}

/// `GET path` from `client`: the status, the body and the `Set-Cookie` values in order.
async fn get(client: &TestClient, path: &str) -> (u16, String, Vec<String>) {
    let res = client.get(path).send().await;
    (res.status().as_u16(), res.text(), set_cookies(&res))
}

/// The suite every backend passes.
async fn login_whoami_logout(config: SessionConfig) {
    let s = TestServer::start(app(config, keys())).await;
    let browser = s.client();
    let (status, body, _) = get(&browser, "/whoami").await;
    assert_eq!((status, body.as_str()), (401, r#"{"error":"not logged in"}"#));
    let (status, body, cookies) = get(&browser, "/login").await;
    assert_eq!((status, body.as_str()), (400, "Missing user"));
    assert!(cookies.is_empty(), "nothing is set without a user: {cookies:?}");
    let (status, body, cookies) = get(&browser, "/login?user=ann").await;
    assert_eq!((status, body.as_str()), (200, "Logged in as ann"));
    let session = cookies.iter().find(|c| c.starts_with("session=")).expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("Path=/"), "{session}");
    assert!(!session.contains("Secure"), "never Secure over plain http: {session}");
    assert_eq!(get(&browser, "/whoami").await.1, r#"{"user":"ann"}"#);
    // Another client is someone else.
    let other = s.client();
    assert_eq!(get(&other, "/whoami").await.0, 401);
    let (status, body, cookies) = get(&browser, "/logout").await;
    assert_eq!((status, body.as_str()), (200, "Logged out"));
    assert!(
        cookies.iter().any(|c| c.starts_with("session=;") && c.contains("Max-Age=0")),
        "{cookies:?}"
    );
    assert_eq!(get(&browser, "/whoami").await.0, 401);
}

#[tokio::test]
async fn signed_cookie_sessions() {
    login_whoami_logout(SessionConfig::signed_cookie()).await;
}

#[tokio::test]
async fn private_cookie_sessions() {
    login_whoami_logout(SessionConfig::private_cookie()).await;
}

#[tokio::test]
async fn memory_store_sessions() {
    login_whoami_logout(SessionConfig::store(MemoryStore::new())).await;
}

/// The raw `session=...` value a login sets.
async fn login_cookie(s: &TestServer, user: &str) -> String {
    let (_, _, cookies) = get(&s.client(), &format!("/login?user={user}")).await;
    let cookie = cookies.iter().find(|c| c.starts_with("session=")).expect("a session cookie");
    cookie.split(';').next().unwrap().trim_start_matches("session=").to_owned()
}

async fn whoami_with(s: &TestServer, value: &str) -> u16 {
    let res = get_with_cookie(s, "/whoami", &format!("session={value}")).await;
    res.status().as_u16()
}

#[tokio::test]
async fn altered_forged_and_foreign_sessions_read_as_logged_out() {
    for config in [
        SessionConfig::signed_cookie(),
        SessionConfig::private_cookie(),
        SessionConfig::store(MemoryStore::new()),
    ] {
        let s = TestServer::start(app(config, keys())).await;
        let value = login_cookie(&s, "ann").await;
        assert_eq!(whoami_with(&s, &value).await, 200);
        // Flip one character, cut the value, forge one, bring one made with another key.
        let mut flipped = value.clone().into_bytes();
        let i = flipped.len() / 2;
        flipped[i] = if flipped[i] == b'a' { b'b' } else { b'a' };
        assert_eq!(whoami_with(&s, std::str::from_utf8(&flipped).unwrap()).await, 401);
        assert_eq!(whoami_with(&s, &value[..value.len() / 2]).await, 401);
        assert_eq!(whoami_with(&s, "forged").await, 401);
        let elsewhere = TestServer::start(
            App::declared()
                .keys(Keys::from_secret(OLD_SECRET).unwrap())
                .sessions(SessionConfig::signed_cookie()),
        )
        .await;
        let foreign = login_cookie(&elsewhere, "mallory").await;
        assert_eq!(whoami_with(&s, &foreign).await, 401);
    }
}

#[tokio::test]
async fn a_rotated_secret_keeps_users_logged_in_and_reissues_the_cookie() {
    let before = TestServer::start(app(
        SessionConfig::signed_cookie(),
        Keys::from_secret(OLD_SECRET).unwrap(),
    ))
    .await;
    let value = login_cookie(&before, "ann").await;
    let rotated = keys().with_fallbacks([OLD_SECRET]).unwrap();
    let after = TestServer::start(app(SessionConfig::signed_cookie(), rotated)).await;
    let res = get_with_cookie(&after, "/whoami", &format!("session={value}")).await;
    assert_eq!(res.status(), 200);
    let reissued = set_cookies(&res);
    let new_value =
        reissued.iter().find(|c| c.starts_with("session=")).expect("re-issued under the new key");
    let new_value = new_value.split(';').next().unwrap().trim_start_matches("session=");
    // The re-issued cookie is read by an app that no longer knows the old secret.
    let only_new = TestServer::start(app(SessionConfig::signed_cookie(), keys())).await;
    assert_eq!(whoami_with(&only_new, new_value).await, 200);
    assert_eq!(whoami_with(&only_new, &value).await, 401);
}

#[tokio::test]
async fn renew_prevents_session_fixation() {
    let store = SessionConfig::store(MemoryStore::new());
    let s = TestServer::start(app(store, keys())).await;
    // An attacker's own session id, planted in the victim's browser...
    let planted = login_cookie(&s, "mallory").await;
    let victim = s.client();
    let res = victim.get("/login?user=ann").header("cookie", &format!("session={planted}"));
    let res = res.send().await;
    let issued = set_cookies(&res).into_iter().find(|c| c.starts_with("session=")).unwrap();
    let issued = issued.split(';').next().unwrap().trim_start_matches("session=").to_owned();
    assert_ne!(issued, planted, "login gives a new id");
    // ...is dead after the victim logs in: the attacker is not logged in as the victim.
    assert_eq!(whoami_with(&s, &planted).await, 401);
    assert_eq!(whoami_with(&s, &issued).await, 200);
}

#[tokio::test]
async fn sessions_expire() {
    for config in [SessionConfig::signed_cookie(), SessionConfig::store(MemoryStore::new())] {
        let s = TestServer::start(app(config.lifetime(Duration::from_secs(1)), keys())).await;
        let value = login_cookie(&s, "ann").await;
        assert_eq!(whoami_with(&s, &value).await, 200);
        tokio::time::sleep(Duration::from_millis(2100)).await;
        assert_eq!(whoami_with(&s, &value).await, 401, "replayed after it expired");
    }
    let s = TestServer::start(app(
        SessionConfig::store(MemoryStore::new()).idle_timeout(Duration::from_secs(1)),
        keys(),
    ))
    .await;
    let value = login_cookie(&s, "ann").await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(whoami_with(&s, &value).await, 401, "idle too long");
}

#[tokio::test]
async fn a_session_too_large_for_a_cookie_is_an_error_not_a_lost_cookie() {
    let s = TestServer::start(app(SessionConfig::signed_cookie(), keys())).await;
    let (status, body, cookies) = get(&s.client(), "/big").await;
    assert_eq!(status, 500);
    assert!(!body.contains("xxxx"), "no session value in the error body");
    assert!(cookies.is_empty());
}

#[tokio::test]
async fn signed_and_private_cookies_round_trip_and_resist_tampering() {
    let s = TestServer::start(app(SessionConfig::signed_cookie(), keys())).await;
    let browser = s.client();
    let (_, _, cookies) = get(&browser, "/set-protected").await;
    assert!(
        cookies.iter().any(|c| c.starts_with("signed_user=") && c.contains("alice")),
        "signed is readable"
    );
    assert!(!cookies.iter().any(|c| c.contains("s3cret")), "private is not");
    assert_eq!(get(&browser, "/read-protected").await.1, r#"{"user":"alice","token":"s3cret"}"#);
    let value_of = |name: &str| {
        let c = cookies.iter().find(|c| c.starts_with(&format!("{name}="))).unwrap();
        c.split(';').next().unwrap()[name.len() + 1..].to_owned()
    };
    let read = |cookie: String| {
        let s = &s;
        async move { get_with_cookie(s, "/read-protected", &cookie).await.text() }
    };
    let signed = value_of("signed_user");
    let private = value_of("private_token");
    let absent = r#"{"user":null,"token":null}"#;
    assert_eq!(read(format!("signed_user={}", signed.replace("alice", "admin"))).await, absent);
    assert_eq!(read(format!("private_token={}", &private[..private.len() - 2])).await, absent);
    // Swapped between names: each value only opens under its own name.
    assert_eq!(read(format!("signed_user={private}; private_token={signed}")).await, absent);
}

/// The `Set-Cookie` values of `res`, in order.
fn set_cookies(res: &TestResponse) -> Vec<String> {
    res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// `GET path` on `s` with the `Cookie` header `cookie`, from a new client (whose jar is
/// empty).
async fn get_with_cookie(s: &TestServer, path: &str, cookie: &str) -> TestResponse {
    s.client().get(path).header("cookie", cookie).send().await
}

#[tokio::test]
async fn signed_and_private_cookies_made_under_a_rotated_key_are_read_and_reissued() {
    let before = TestServer::start(app(
        SessionConfig::signed_cookie(),
        Keys::from_secret(OLD_SECRET).unwrap(),
    ))
    .await;
    let (_, _, old) = get(&before.client(), "/set-protected").await;
    let pairs = |cookies: &[String]| -> String {
        cookies.iter().map(|c| c.split(';').next().unwrap()).collect::<Vec<_>>().join("; ")
    };
    let rotated = TestServer::start(app(
        SessionConfig::signed_cookie(),
        keys().with_fallbacks([OLD_SECRET]).unwrap(),
    ))
    .await;
    let res = get_with_cookie(&rotated, "/read-protected", &pairs(&old)).await;
    let reissued = set_cookies(&res);
    assert_eq!(res.text(), r#"{"user":"alice","token":"s3cret"}"#);
    let mut names: Vec<&str> = reissued.iter().map(|c| c.split('=').next().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, ["private_token", "signed_user"], "both re-issued: {reissued:?}");
    // Under the current key: an app without the old secret reads them.
    let only_new = TestServer::start(app(SessionConfig::signed_cookie(), keys())).await;
    let read = |cookie: String| {
        let only_new = &only_new;
        async move { get_with_cookie(only_new, "/read-protected", &cookie).await.text() }
    };
    assert_eq!(read(pairs(&reissued)).await, r#"{"user":"alice","token":"s3cret"}"#);
    assert_eq!(read(pairs(&old)).await, r#"{"user":null,"token":null}"#);
    // Cookies made under the current key are not re-issued.
    let res = get_with_cookie(&rotated, "/read-protected", &pairs(&reissued)).await;
    assert!(res.headers().get("set-cookie").is_none());
}

#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_store_sessions() {
    let redis = cookie_route_test_support::redis::TestRedis::start();
    let store = cookie_route::session::RedisStore::connect(&redis.url).await.expect("connects");
    login_whoami_logout(SessionConfig::store(store)).await;
}
