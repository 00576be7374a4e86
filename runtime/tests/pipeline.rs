#![cfg(feature = "test-client")]
//! The one pipeline: every handler, generated or written by hand (an `async fn(Request)` or
//! a closure), gets the same guarantees after it returns. A session it changed is saved
//! without a call to save it, and signed and private cookies read under a fallback key are
//! re-issued under the current key. Tested over real HTTP with a cookie-keeping client.

use cookie_route::prelude::*;
use cookie_route::{
    Keys, MemoryStore, Session, SessionConfig, TestClient, TestResponse, TestServer,
};
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

/// Reads a signed cookie and a query value: a request without a valid `page` is a 422.
#[cookie_route(GET "/generated/page")]
async fn generated_page(
    #[cookie(name = "signed_user", signed)] user: Option<String>,
    #[query] page: u32,
) -> Json<Value> {
    Json(json!({ "user": user, "page": page }))
}

/// Three values read before the call: a request that several of them refuse is one 422
/// listing each, in the handler's order.
#[cookie_route(GET "/generated/items/{item_id}")]
async fn generated_item(
    item_id: u32,
    #[query] limit: u8,
    #[header] x_token: String,
) -> Json<Value> {
    Json(json!({ "item_id": item_id, "limit": limit, "token": x_token }))
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

async fn json_of(client: &TestClient, path: &str) -> Value {
    let res = client.get(path).send().await;
    assert_eq!(res.status(), 200);
    res.json()
}

/// `name=value; ...` of the cookies `res` set, as a `Cookie` header.
fn pairs(res: &TestResponse) -> String {
    let values = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap());
    values.map(|c| c.split(';').next().unwrap()).collect::<Vec<_>>().join("; ")
}

#[tokio::test]
async fn every_kind_of_handler_saves_the_session_it_changed() {
    for sessions in [
        SessionConfig::signed_cookie(),
        SessionConfig::private_cookie(),
        SessionConfig::store(MemoryStore::new()),
    ] {
        let s = TestServer::start(app(Keys::from_secret(SECRET).unwrap(), sessions)).await;
        for kind in KINDS {
            let client = s.client();
            let anonymous = json_of(&client, &format!("{kind}/whoami")).await;
            assert_eq!(anonymous, json!({"user": null}), "{kind}");
            let login = client.get(&format!("{kind}/login?user=ann")).send().await;
            assert_eq!(login.status(), 200, "{kind}");
            assert!(
                pairs(&login).split("; ").any(|c| c.starts_with("session=")),
                "{kind}: the session is saved with the response, without a call to save it"
            );
            assert_eq!(
                json_of(&client, &format!("{kind}/whoami")).await,
                json!({"user": "ann"}),
                "{kind}: the next request reads it back"
            );
            // Each kind reads what the others saved: one session, one pipeline.
            for other in KINDS {
                let answer = json_of(&client, &format!("{other}/whoami")).await;
                assert_eq!(answer, json!({"user": "ann"}), "{kind} then {other}");
            }
        }
    }
}

#[tokio::test]
async fn every_kind_of_handler_reissues_cookies_read_under_a_fallback_key() {
    let old = Keys::from_secret(OLD_SECRET).unwrap();
    let old = TestServer::start(app(old, SessionConfig::signed_cookie())).await;
    let under_old_key = pairs(&old.client().get("/set-protected").send().await);

    let current = Keys::from_secret(SECRET).unwrap();
    let rotated = current.clone().with_fallbacks([OLD_SECRET]).unwrap();
    let s = TestServer::start(app(rotated, SessionConfig::signed_cookie())).await;
    let only_new = TestServer::start(app(current, SessionConfig::signed_cookie())).await;
    let both = json!({"token": "s3cret", "user": "alice"});
    let neither = json!({"token": null, "user": null});
    // A new client for each request (an empty jar): only the `Cookie` header given is sent.
    for kind in KINDS {
        let path = format!("{kind}/protected");
        let res = s.client().get(&path).header("cookie", &under_old_key).send().await;
        let reissued = pairs(&res);
        assert_eq!(res.json::<Value>(), both, "{kind}: read under the fallback key");
        let mut names: Vec<&str> =
            reissued.split("; ").map(|c| c.split('=').next().unwrap()).collect();
        names.sort_unstable();
        assert_eq!(names, ["private_token", "signed_user"], "{kind}: both re-issued");
        // Re-issued under the current key: an app that forgot the old secret reads them,
        // and could not read the old ones.
        let read = only_new.client().get(&path).header("cookie", &reissued).send().await;
        assert_eq!(read.json::<Value>(), both, "{kind}");
        let read = only_new.client().get(&path).header("cookie", &under_old_key).send().await;
        assert_eq!(read.json::<Value>(), neither, "{kind}");
        // Cookies already under the current key are not re-issued.
        let res = s.client().get(&path).header("cookie", &reissued).send().await;
        assert!(res.headers().get("set-cookie").is_none(), "{kind}");
    }
}

#[tokio::test]
async fn a_rejected_request_still_reissues_the_cookies_it_read_under_a_fallback_key() {
    let old = Keys::from_secret(OLD_SECRET).unwrap();
    let old = TestServer::start(app(old, SessionConfig::signed_cookie())).await;
    let under_old_key = pairs(&old.client().get("/set-protected").send().await);
    let rotated = Keys::from_secret(SECRET).unwrap().with_fallbacks([OLD_SECRET]).unwrap();
    let s = TestServer::start(app(rotated, SessionConfig::signed_cookie())).await;

    let res =
        s.client().get("/generated/page?page=x").header("cookie", &under_old_key).send().await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>()["detail"][0]["loc"], json!(["query", "page"]));
    let reissued = pairs(&res);
    assert!(reissued.starts_with("signed_user="), "re-issued with the 422: {reissued:?}");

    // The re-issued cookie is under the current key: the same route reads it back.
    let res = s.client().get("/generated/page?page=2").header("cookie", &reissued).send().await;
    assert_eq!(res.json::<Value>(), json!({"user": "alice", "page": 2}));
    assert!(res.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn a_generated_route_lists_every_value_it_refuses_in_order() {
    let keys = Keys::from_secret(SECRET).unwrap();
    let s = TestServer::start(app(keys, SessionConfig::signed_cookie())).await;

    let res = s.client().get("/generated/items/abc?limit=x").send().await;
    assert_eq!(res.status(), 422);
    let body = res.json::<Value>();
    let refused: Vec<_> = body["detail"]
        .as_array()
        .expect("a list of errors")
        .iter()
        .map(|d| (d["type"].as_str().unwrap_or_default(), d["loc"].clone()))
        .collect();
    assert_eq!(
        refused,
        [
            ("int_parsing", json!(["path", "item_id"])),
            ("int_parsing", json!(["query", "limit"])),
            ("missing", json!(["header", "x-token"])),
        ],
        "{body}"
    );

    // One refused value alone is the only one listed; none refused, the handler answers.
    let res = s.client().get("/generated/items/7?limit=x").header("x-token", "t").send().await;
    assert_eq!(res.json::<Value>()["detail"].as_array().map(Vec::len), Some(1));
    let res = s.client().get("/generated/items/7?limit=3").header("x-token", "t").send().await;
    assert_eq!(res.json::<Value>(), json!({"item_id": 7, "limit": 3, "token": "t"}));
}
