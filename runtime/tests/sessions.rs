//! Signed and private cookies, key rotation and sessions, through the public API: Flask's
//! login / whoami / logout over real HTTP with a cookie-keeping client, and the same suite
//! against every session backend.

use std::time::Duration;

use cookie_route::prelude::*;
use cookie_route::{Keys, MemoryStore, Session, SessionConfig};
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

struct Served {
    base: String,
    client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn serve(app: App) -> Served {
    let server = app.bind("127.0.0.1:0").await.expect("binds");
    let base = format!("http://{}", server.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        server
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .run(),
    );
    Served { base, client: client(), stop: Some(stop) }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

impl Served {
    async fn get(&self, path: &str) -> (u16, String, Vec<String>) {
        get_with(&self.client, &self.base, path).await
    }
}

async fn get_with(client: &reqwest::Client, base: &str, path: &str) -> (u16, String, Vec<String>) {
    let res = client.get(format!("{base}{path}")).send().await.expect("answers");
    let status = res.status().as_u16();
    let cookies = set_cookies(&res);
    (status, res.text().await.unwrap(), cookies)
}

/// The suite every backend passes.
async fn login_whoami_logout(config: SessionConfig) {
    let s = serve(app(config, keys())).await;
    let (status, body, _) = s.get("/whoami").await;
    assert_eq!((status, body.as_str()), (401, r#"{"error":"not logged in"}"#));
    let (status, body, cookies) = s.get("/login").await;
    assert_eq!((status, body.as_str()), (400, "Missing user"));
    assert!(cookies.is_empty(), "nothing is set without a user: {cookies:?}");
    let (status, body, cookies) = s.get("/login?user=ann").await;
    assert_eq!((status, body.as_str()), (200, "Logged in as ann"));
    let session = cookies.iter().find(|c| c.starts_with("session=")).expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("Path=/"), "{session}");
    assert!(!session.contains("Secure"), "never Secure over plain http: {session}");
    assert_eq!(s.get("/whoami").await.1, r#"{"user":"ann"}"#);
    // Another client is someone else.
    let other = client();
    assert_eq!(get_with(&other, &s.base, "/whoami").await.0, 401);
    let (status, body, cookies) = s.get("/logout").await;
    assert_eq!((status, body.as_str()), (200, "Logged out"));
    assert!(
        cookies.iter().any(|c| c.starts_with("session=;") && c.contains("Max-Age=0")),
        "{cookies:?}"
    );
    assert_eq!(s.get("/whoami").await.0, 401);
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
async fn login_cookie(s: &Served, user: &str) -> String {
    let (_, _, cookies) = s.get(&format!("/login?user={user}")).await;
    let cookie = cookies.iter().find(|c| c.starts_with("session=")).expect("a session cookie");
    cookie.split(';').next().unwrap().trim_start_matches("session=").to_owned()
}

async fn whoami_with(s: &Served, value: &str) -> u16 {
    let res = reqwest::Client::new()
        .get(format!("{}/whoami", s.base))
        .header("cookie", format!("session={value}"))
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

#[tokio::test]
async fn altered_forged_and_foreign_sessions_read_as_logged_out() {
    for config in [
        SessionConfig::signed_cookie(),
        SessionConfig::private_cookie(),
        SessionConfig::store(MemoryStore::new()),
    ] {
        let s = serve(app(config, keys())).await;
        let value = login_cookie(&s, "ann").await;
        assert_eq!(whoami_with(&s, &value).await, 200);
        // Flip one character, cut the value, forge one, bring one made with another key.
        let mut flipped = value.clone().into_bytes();
        let i = flipped.len() / 2;
        flipped[i] = if flipped[i] == b'a' { b'b' } else { b'a' };
        assert_eq!(whoami_with(&s, std::str::from_utf8(&flipped).unwrap()).await, 401);
        assert_eq!(whoami_with(&s, &value[..value.len() / 2]).await, 401);
        assert_eq!(whoami_with(&s, "forged").await, 401);
        let elsewhere = serve(
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
    let before =
        serve(app(SessionConfig::signed_cookie(), Keys::from_secret(OLD_SECRET).unwrap())).await;
    let value = login_cookie(&before, "ann").await;
    let rotated = keys().with_fallbacks([OLD_SECRET]).unwrap();
    let after = serve(app(SessionConfig::signed_cookie(), rotated)).await;
    let res = reqwest::Client::new()
        .get(format!("{}/whoami", after.base))
        .header("cookie", format!("session={value}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let reissued = set_cookies(&res);
    let new_value =
        reissued.iter().find(|c| c.starts_with("session=")).expect("re-issued under the new key");
    let new_value = new_value.split(';').next().unwrap().trim_start_matches("session=");
    // The re-issued cookie is read by an app that no longer knows the old secret.
    let only_new = serve(app(SessionConfig::signed_cookie(), keys())).await;
    assert_eq!(whoami_with(&only_new, new_value).await, 200);
    assert_eq!(whoami_with(&only_new, &value).await, 401);
}

#[tokio::test]
async fn renew_prevents_session_fixation() {
    let store = SessionConfig::store(MemoryStore::new());
    let s = serve(app(store, keys())).await;
    // An attacker's own session id, planted in the victim's browser...
    let planted = login_cookie(&s, "mallory").await;
    let victim = reqwest::Client::new();
    let res = victim
        .get(format!("{}/login?user=ann", s.base))
        .header("cookie", format!("session={planted}"))
        .send()
        .await
        .unwrap();
    let issued = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("session="))
        .unwrap();
    let issued = issued.split(';').next().unwrap().trim_start_matches("session=").to_owned();
    assert_ne!(issued, planted, "login gives a new id");
    // ...is dead after the victim logs in: the attacker is not logged in as the victim.
    assert_eq!(whoami_with(&s, &planted).await, 401);
    assert_eq!(whoami_with(&s, &issued).await, 200);
}

#[tokio::test]
async fn sessions_expire() {
    for config in [SessionConfig::signed_cookie(), SessionConfig::store(MemoryStore::new())] {
        let s = serve(app(config.lifetime(Duration::from_secs(1)), keys())).await;
        let value = login_cookie(&s, "ann").await;
        assert_eq!(whoami_with(&s, &value).await, 200);
        tokio::time::sleep(Duration::from_millis(2100)).await;
        assert_eq!(whoami_with(&s, &value).await, 401, "replayed after it expired");
    }
    let s = serve(app(
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
    let s = serve(app(SessionConfig::signed_cookie(), keys())).await;
    let (status, body, cookies) = s.get("/big").await;
    assert_eq!(status, 500);
    assert!(!body.contains("xxxx"), "no session value in the error body");
    assert!(cookies.is_empty());
}

#[tokio::test]
async fn signed_and_private_cookies_round_trip_and_resist_tampering() {
    let s = serve(app(SessionConfig::signed_cookie(), keys())).await;
    let (_, _, cookies) = s.get("/set-protected").await;
    assert!(
        cookies.iter().any(|c| c.starts_with("signed_user=") && c.contains("alice")),
        "signed is readable"
    );
    assert!(!cookies.iter().any(|c| c.contains("s3cret")), "private is not");
    assert_eq!(s.get("/read-protected").await.1, r#"{"user":"alice","token":"s3cret"}"#);
    let value_of = |name: &str| {
        let c = cookies.iter().find(|c| c.starts_with(&format!("{name}="))).unwrap();
        c.split(';').next().unwrap()[name.len() + 1..].to_owned()
    };
    let read = |cookie: String| {
        let base = s.base.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{base}/read-protected"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
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
fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// `GET {base}{path}` with the `Cookie` header `cookie`, from a client that keeps none.
async fn get_with_cookie(base: &str, path: &str, cookie: &str) -> reqwest::Response {
    let url = format!("{base}{path}");
    reqwest::Client::new().get(url).header("cookie", cookie).send().await.expect("answers")
}

#[tokio::test]
async fn signed_and_private_cookies_made_under_a_rotated_key_are_read_and_reissued() {
    let before =
        serve(app(SessionConfig::signed_cookie(), Keys::from_secret(OLD_SECRET).unwrap())).await;
    let (_, _, old) = before.get("/set-protected").await;
    let pairs = |cookies: &[String]| -> String {
        cookies.iter().map(|c| c.split(';').next().unwrap()).collect::<Vec<_>>().join("; ")
    };
    let rotated =
        serve(app(SessionConfig::signed_cookie(), keys().with_fallbacks([OLD_SECRET]).unwrap()))
            .await;
    let res = get_with_cookie(&rotated.base, "/read-protected", &pairs(&old)).await;
    let reissued = set_cookies(&res);
    assert_eq!(res.text().await.unwrap(), r#"{"user":"alice","token":"s3cret"}"#);
    let mut names: Vec<&str> = reissued.iter().map(|c| c.split('=').next().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, ["private_token", "signed_user"], "both re-issued: {reissued:?}");
    // Under the current key: an app without the old secret reads them.
    let only_new = serve(app(SessionConfig::signed_cookie(), keys())).await;
    let read = |cookie: String| {
        let base = only_new.base.clone();
        async move { get_with_cookie(&base, "/read-protected", &cookie).await.text().await.unwrap() }
    };
    assert_eq!(read(pairs(&reissued)).await, r#"{"user":"alice","token":"s3cret"}"#);
    assert_eq!(read(pairs(&old)).await, r#"{"user":null,"token":null}"#);
    // Cookies made under the current key are not re-issued.
    let res = get_with_cookie(&rotated.base, "/read-protected", &pairs(&reissued)).await;
    assert!(res.headers().get("set-cookie").is_none());
}

#[cfg(feature = "redis")]
#[path = "support/redis_server.rs"]
mod redis_server;

#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_store_sessions() {
    let redis = redis_server::TestRedis::start();
    let store = cookie_route::session::RedisStore::connect(&redis.url).await.expect("connects");
    login_whoami_logout(SessionConfig::store(store)).await;
}
