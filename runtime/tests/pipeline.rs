//! The one pipeline: every handler, generated or written by hand (an `async fn(Request)` or
//! a closure), gets the same guarantees after it returns. A session it changed is saved
//! without a call to save it, and signed and private cookies read under a fallback key are
//! re-issued under the current key. Tested over real HTTP with a cookie-keeping client.

use cookie_route::prelude::*;
use cookie_route::{Keys, MemoryStore, Session, SessionConfig};
use serde_json::{Value, json};

const SECRET: &str = "a secret for the pipeline tests, long enough to derive keys";
const OLD_SECRET: &str = "the secret the pipeline tests used before the rotation";

// Generated handlers.

#[cookie_route(GET "/generated/login")]
async fn generated_login(#[query] user: String, session: Session) -> Result<&'static str, Error> {
    session.insert("user", user)?;
    Ok("logged in")
}

#[cookie_route(GET "/generated/whoami")]
async fn generated_whoami(session: Session) -> Json<Value> {
    Json(json!({ "user": session.get::<String>("user") }))
}

#[cookie_route(GET "/generated/protected")]
async fn generated_protected(
    #[cookie(name = "signed_user", signed)] user: Option<String>,
    #[cookie(name = "private_token", private)] token: Option<String>,
) -> Json<Value> {
    Json(json!({ "user": user, "token": token }))
}

// The same, written by hand.

async fn login(request: Request) -> Result<&'static str, Error> {
    let user: String = request.query_value("user").ok_or_else(Error::not_found)?.into_owned();
    request.session().await?.insert("user", user)?;
    Ok("logged in")
}

async fn whoami(request: Request) -> Result<Json<Value>, Error> {
    let session = request.session().await?;
    Ok(Json(json!({ "user": session.get::<String>("user") })))
}

async fn protected(request: Request) -> Json<Value> {
    Json(json!({
        "user": request.signed_cookie("signed_user"),
        "token": request.private_cookie("private_token"),
    }))
}

/// Sets a signed and a private cookie under the app's current key.
async fn set_protected(request: Request) -> Result<Response, Error> {
    let keys = request.keys().expect("the app has keys").clone();
    let mut response = "set".into_response();
    response.set_cookie(keys.sign(Cookie::new("signed_user", "alice")))?;
    response.set_cookie(keys.encrypt(Cookie::new("private_token", "s3cret")))?;
    Ok(response)
}

fn app(keys: Keys, sessions: SessionConfig) -> App {
    App::declared()
        .keys(keys)
        .sessions(sessions)
        .get("/fn/login", login)
        .get("/fn/whoami", whoami)
        .get("/fn/protected", protected)
        .get("/closure/login", |request: Request| async move {
            let user = request.query_value("user").map(|u| u.into_owned());
            let session = request.session().await?;
            session.insert("user", user)?;
            Ok::<_, Error>("logged in")
        })
        .get("/closure/whoami", |request: Request| async move { whoami(request).await })
        .get("/closure/protected", |request: Request| async move { protected(request).await })
        .get("/set-protected", set_protected)
}

/// The three kinds of handler, by the prefix of their paths.
const KINDS: [&str; 3] = ["/generated", "/fn", "/closure"];

struct Served {
    base: String,
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
    Served { base, stop: Some(stop) }
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

async fn json_of(client: &reqwest::Client, url: String) -> Value {
    let res = client.get(url).send().await.expect("answers");
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// `name=value; ...` of the `Set-Cookie` values `cookies`, as a `Cookie` header.
fn pairs(cookies: &[String]) -> String {
    cookies.iter().map(|c| c.split(';').next().unwrap()).collect::<Vec<_>>().join("; ")
}

async fn get_with_cookie(url: String, cookie: &str) -> reqwest::Response {
    reqwest::Client::new().get(url).header("cookie", cookie).send().await.expect("answers")
}

#[tokio::test]
async fn every_kind_of_handler_saves_the_session_it_changed() {
    for sessions in [
        SessionConfig::signed_cookie(),
        SessionConfig::private_cookie(),
        SessionConfig::store(MemoryStore::new()),
    ] {
        let s = serve(app(Keys::from_secret(SECRET).unwrap(), sessions)).await;
        for kind in KINDS {
            let client = browser();
            let base = &s.base;
            let anonymous = json_of(&client, format!("{base}{kind}/whoami")).await;
            assert_eq!(anonymous, json!({"user": null}), "{kind}");
            let login = client.get(format!("{base}{kind}/login?user=ann")).send().await.unwrap();
            assert_eq!(login.status(), 200, "{kind}");
            assert!(
                set_cookies(&login).iter().any(|c| c.starts_with("session=")),
                "{kind}: the session is saved with the response, without a call to save it"
            );
            assert_eq!(
                json_of(&client, format!("{base}{kind}/whoami")).await,
                json!({"user": "ann"}),
                "{kind}: the next request reads it back"
            );
            // Each kind reads what the others saved: one session, one pipeline.
            for other in KINDS {
                let answer = json_of(&client, format!("{base}{other}/whoami")).await;
                assert_eq!(answer, json!({"user": "ann"}), "{kind} then {other}");
            }
        }
    }
}

#[tokio::test]
async fn every_kind_of_handler_reissues_cookies_read_under_a_fallback_key() {
    let old =
        serve(app(Keys::from_secret(OLD_SECRET).unwrap(), SessionConfig::signed_cookie())).await;
    let res = reqwest::get(format!("{}/set-protected", old.base)).await.unwrap();
    let under_old_key = pairs(&set_cookies(&res));

    let current = Keys::from_secret(SECRET).unwrap();
    let rotated = current.clone().with_fallbacks([OLD_SECRET]).unwrap();
    let s = serve(app(rotated, SessionConfig::signed_cookie())).await;
    let only_new = serve(app(current, SessionConfig::signed_cookie())).await;
    let both = json!({"token": "s3cret", "user": "alice"});
    let neither = json!({"token": null, "user": null});
    for kind in KINDS {
        let res = get_with_cookie(format!("{}{kind}/protected", s.base), &under_old_key).await;
        let reissued = set_cookies(&res);
        assert_eq!(res.json::<Value>().await.unwrap(), both, "{kind}: read under the fallback key");
        let mut names: Vec<&str> = reissued.iter().map(|c| c.split('=').next().unwrap()).collect();
        names.sort_unstable();
        assert_eq!(names, ["private_token", "signed_user"], "{kind}: both re-issued");
        // Re-issued under the current key: an app that forgot the old secret reads them,
        // and could not read the old ones.
        let url = format!("{}{kind}/protected", only_new.base);
        let read = get_with_cookie(url.clone(), &pairs(&reissued)).await.json::<Value>().await;
        assert_eq!(read.unwrap(), both, "{kind}");
        let read = get_with_cookie(url, &under_old_key).await.json::<Value>().await;
        assert_eq!(read.unwrap(), neither, "{kind}");
        // Cookies already under the current key are not re-issued.
        let res = get_with_cookie(format!("{}{kind}/protected", s.base), &pairs(&reissued)).await;
        assert!(res.headers().get("set-cookie").is_none(), "{kind}");
    }
}
