#![cfg(feature = "test-client")]
//! Signed and private cookies, key rotation and sessions, through the public API: Flask's
//! login / whoami / logout over real HTTP with a cookie-keeping client, and the same suite
//! against every session backend; a user's sessions (`Session::log_in`, renewal against
//! fixation, "log out everywhere") against the memory and Redis stores.

use std::time::Duration;

use cookie_route::prelude::*;
use cookie_route::{
    Keys, MemoryStore, Session, SessionConfig, SessionStore, TestClient, TestResponse, TestServer,
};
use serde_json::{Value, json};

const SECRET: &str = "a secret for the tests, long enough to derive keys";
const OLD_SECRET: &str = "the secret used before the last rotation happened";

#[derive(Deserialize)]
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

/// Logs `user` in: a new id, and the session belongs to them.
#[cookie_route(GET "/log-in")]
async fn log_in(#[query] user: String, session: Session) -> String {
    session.log_in(&user);
    format!("Logged in as {user}")
}

/// The session's user: 200 with the id, or 401.
#[cookie_route(GET "/me")]
async fn me(session: Session) -> (StatusCode, String) {
    match session.user_id() {
        Some(user) => (StatusCode::OK, user),
        None => (StatusCode::UNAUTHORIZED, String::new()),
    }
}

/// Puts an item in the cart: an anonymous session with data, as an attacker would plant.
#[cookie_route(GET "/cart/add")]
async fn cart_add(#[query] item: String, session: Session) -> Result<String, Error> {
    let mut cart: Vec<String> = session.get("cart").unwrap_or_default();
    cart.push(item);
    session.insert("cart", &cart)?;
    Ok(cart.join(","))
}

#[cookie_route(GET "/cart")]
async fn cart(session: Session) -> String {
    session.get::<Vec<String>>("cart").unwrap_or_default().join(",")
}

#[cookie_route(POST "/logout-everywhere")]
async fn logout_everywhere(session: Session) -> Result<String, Error> {
    Ok(session.log_out_everywhere().await?.to_string())
}

#[cookie_route(POST "/logout-others")]
async fn logout_others(session: Session) -> Result<String, Error> {
    Ok(session.log_out_other_sessions().await?.to_string())
}

/// A request that takes its time with the session loaded.
#[cookie_route(GET "/slow")]
async fn slow(session: Session) -> String {
    tokio::time::sleep(Duration::from_millis(400)).await;
    session.user_id().unwrap_or_default()
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
    // A session that belongs to a user, on every backend.
    let (status, body, _) = get(&browser, "/log-in?user=42").await;
    assert_eq!((status, body.as_str()), (200, "Logged in as 42"));
    let (status, body, _) = get(&browser, "/me").await;
    assert_eq!((status, body.as_str()), (200, "42"));
    assert_eq!(get(&other, "/me").await.0, 401);
    get(&browser, "/logout").await;
    assert_eq!(get(&browser, "/me").await.0, 401);
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

// --- A user's sessions: renewal at login, "log out everywhere" -----------------------------

/// The server-side id in a `session` cookie's value.
fn id_of(value: &str) -> String {
    keys().verify("session", value).expect("a session cookie of these keys").value
}

/// The client's `session` cookie.
fn session_cookie(client: &TestClient) -> String {
    client.cookie("session").expect("a session cookie")
}

/// Whether `store` still holds a record under the id in the cookie `value`.
async fn stored(store: &dyn SessionStore, value: &str) -> bool {
    store.load(&id_of(value)).await.expect("the store answers").is_some()
}

/// Logging in gives the session a new id; the id from before (one an attacker may have
/// planted in the victim's browser) loads nothing afterwards, in the app or in the store.
async fn log_in_renews_the_id(config: SessionConfig, store: &dyn SessionStore) {
    let s = TestServer::start(app(config, keys())).await;
    // The attacker's own anonymous session, with something in it...
    let attacker = s.client();
    assert_eq!(get(&attacker, "/cart/add?item=book").await.1, "book");
    let planted = session_cookie(&attacker);
    assert!(stored(store, &planted).await);
    // ...planted in the victim's browser, where it works until the victim logs in.
    let victim = s.client();
    victim.set_cookie("session", &planted);
    assert_eq!(get(&victim, "/cart").await.1, "book");
    assert_eq!(get(&victim, "/log-in?user=ann").await.0, 200);
    let issued = session_cookie(&victim);
    assert_ne!(id_of(&issued), id_of(&planted), "login gives a new id");
    assert_eq!(get(&victim, "/me").await.1, "ann");
    assert_eq!(get(&victim, "/cart").await.1, "book", "the data follows the user in");
    // The pre-login id is gone from the store, and gets the attacker nothing.
    assert!(!stored(store, &planted).await, "the pre-login record was deleted");
    assert!(stored(store, &issued).await);
    assert_eq!(get(&attacker, "/me").await.0, 401);
    assert_eq!(get(&attacker, "/cart").await.1, "");
    assert_eq!(get_with_cookie(&s, "/me", &format!("session={planted}")).await.status(), 401);
    // A second login (another user, a privilege change) renews again.
    assert_eq!(get(&victim, "/log-in?user=admin").await.0, 200);
    assert!(!stored(store, &issued).await);
    assert_eq!(get_with_cookie(&s, "/me", &format!("session={issued}")).await.status(), 401);
    assert_eq!(get(&victim, "/me").await.1, "admin");
}

/// Two browsers logged in as ann, a third as bob: when one of ann's logs out everywhere,
/// both of ann's sessions end and bob's stays; ann can log in again. Then "log out other
/// sessions" ends the others and keeps the one that asked.
async fn log_out_everywhere(config: SessionConfig, store: &dyn SessionStore) {
    let s = TestServer::start(app(config, keys())).await;
    let (phone, laptop, bob) = (s.client(), s.client(), s.client());
    for (client, user) in [(&phone, "ann"), (&laptop, "ann"), (&bob, "bob")] {
        assert_eq!(get(client, &format!("/log-in?user={user}")).await.0, 200);
        assert_eq!(get(client, "/me").await.1, user);
    }
    let (phone_cookie, laptop_cookie, bob_cookie) =
        (session_cookie(&phone), session_cookie(&laptop), session_cookie(&bob));

    let res = laptop.post("/logout-everywhere").send().await;
    assert_eq!((res.status().as_u16(), res.text().as_str()), (200, "2"), "two sessions ended");
    let removal = set_cookies(&res);
    assert!(removal.iter().any(|c| c.starts_with("session=;") && c.contains("Max-Age=0")));
    assert_eq!(get(&laptop, "/me").await.0, 401);
    assert_eq!(get(&phone, "/me").await.0, 401, "the other browser is logged out too");
    assert_eq!(get(&bob, "/me").await.1, "bob", "another user's session stays");
    for (cookie, alive) in [(&phone_cookie, false), (&laptop_cookie, false), (&bob_cookie, true)] {
        assert_eq!(stored(store, cookie).await, alive);
        let replayed = get_with_cookie(&s, "/me", &format!("session={cookie}")).await;
        assert_eq!(replayed.status() == 200, alive);
    }
    // Nothing is left to end; the user can log in again.
    let res = s.client().post("/logout-everywhere").send().await;
    assert_eq!(res.text(), "0", "a session without a user ends nothing");
    for client in [&phone, &laptop] {
        assert_eq!(get(client, "/log-in?user=ann").await.0, 200);
        assert_eq!(get(client, "/me").await.1, "ann");
    }

    // Log out the other sessions: the phone stays logged in, under a new id.
    let before = session_cookie(&phone);
    let res = phone.post("/logout-others").send().await;
    assert_eq!((res.status().as_u16(), res.text().as_str()), (200, "1"));
    let after = session_cookie(&phone);
    assert_ne!(id_of(&after), id_of(&before));
    assert_eq!(get(&phone, "/me").await.1, "ann");
    assert_eq!(get(&laptop, "/me").await.0, 401);
    assert!(!stored(store, &before).await);
    assert_eq!(get(&bob, "/me").await.1, "bob");
    // The renewed session is still one of ann's.
    let res = phone.post("/logout-everywhere").send().await;
    assert_eq!(res.text(), "1");
    assert_eq!(get(&phone, "/me").await.0, 401);
}

/// A request already under way when its session is ended (a stolen cookie in use while the
/// user logs out everywhere) does not save the session back when it finishes.
async fn a_request_under_way_does_not_bring_an_ended_session_back(
    config: SessionConfig,
    store: &dyn SessionStore,
) {
    let s = TestServer::start(app(config, keys())).await;
    let (thief, owner) = (s.client(), s.client());
    for client in [&thief, &owner] {
        assert_eq!(get(client, "/log-in?user=ann").await.0, 200);
    }
    let stolen = session_cookie(&thief);
    let slow = thief.get("/slow").send();
    let end = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        owner.post("/logout-everywhere").send().await
    };
    let (slow, end) = tokio::join!(slow, end);
    assert_eq!(end.text(), "2");
    // It began before the end, so it ran as ann; its touch did not write the session back.
    assert_eq!((slow.status().as_u16(), slow.text().as_str()), (200, "ann"));
    assert!(set_cookies(&slow).is_empty(), "{:?}", set_cookies(&slow));
    assert!(!stored(store, &stolen).await, "the ended session came back");
    assert_eq!(get(&thief, "/me").await.0, 401);
}

#[tokio::test]
async fn memory_store_log_in_renews_the_id() {
    let store = MemoryStore::new();
    log_in_renews_the_id(SessionConfig::store(store.clone()), &store).await;
}

#[tokio::test]
async fn memory_store_log_out_everywhere() {
    let store = MemoryStore::new();
    log_out_everywhere(SessionConfig::store(store.clone()), &store).await;
}

#[tokio::test]
async fn memory_store_ended_sessions_stay_ended() {
    let store = MemoryStore::new();
    a_request_under_way_does_not_bring_an_ended_session_back(
        SessionConfig::store(store.clone()),
        &store,
    )
    .await;
}

#[tokio::test]
async fn cookie_sessions_cannot_be_ended_everywhere() {
    for config in [SessionConfig::signed_cookie(), SessionConfig::private_cookie()] {
        let s = TestServer::start(app(config, keys())).await;
        let browser = s.client();
        assert_eq!(get(&browser, "/log-in?user=ann").await.0, 200);
        // A 500 (the program asked for what its backend cannot do), and nothing changed.
        let res = browser.post("/logout-everywhere").send().await;
        assert_eq!(res.status(), 500);
        assert!(set_cookies(&res).is_empty());
        assert_eq!(browser.post("/logout-others").send().await.status(), 500);
        assert_eq!(get(&browser, "/me").await.1, "ann");
    }
}

#[cfg(feature = "redis")]
mod redis_store {
    use super::*;
    use cookie_route::session::RedisStore;
    use cookie_route_test_support::redis::TestRedis;

    /// A store on `redis` under a key prefix of this test's own.
    async fn store(redis: &TestRedis, test: &str) -> RedisStore {
        let prefix = format!("cookie-route-test:{}:sessions:{test}:", std::process::id());
        RedisStore::connect(&redis.url).await.expect("connects").with_prefix(prefix)
    }

    #[tokio::test]
    async fn log_in_renews_the_id() {
        let redis = TestRedis::start();
        let store = store(&redis, "renew").await;
        super::log_in_renews_the_id(SessionConfig::store(store.clone()), &store).await;
    }

    #[tokio::test]
    async fn log_out_everywhere() {
        let redis = TestRedis::start();
        let store = store(&redis, "everywhere").await;
        super::log_out_everywhere(SessionConfig::store(store.clone()), &store).await;
    }

    #[tokio::test]
    async fn ended_sessions_stay_ended() {
        let redis = TestRedis::start();
        let store = store(&redis, "stay-ended").await;
        a_request_under_way_does_not_bring_an_ended_session_back(
            SessionConfig::store(store.clone()),
            &store,
        )
        .await;
    }
}
