//! The example app end to end: started on a free port and driven over real HTTP by a client
//! that keeps cookies, route by route, as Flask and FastAPI answer.

use cookie_route::{Cookie, HeaderMap, Method, TestClient, TestServer};
use cookie_route_example::{Config, build};
use serde_json::{Value, json};

/// The example app on a port of its own, and a browser visiting it.
struct App {
    server: TestServer,
    client: TestClient,
}

struct Answer {
    status: u16,
    content_type: String,
    body: String,
    cookies: Vec<Cookie<'static>>,
    headers: HeaderMap,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn cookie(&self, name: &str) -> Cookie<'static> {
        self.cookies
            .iter()
            .find(|c| c.name() == name)
            .cloned()
            .unwrap_or_else(|| panic!("no Set-Cookie for `{name}`: {:?}", self.cookies))
    }
}

const SECRET: &str = "the example app's secret for the tests: 32+ bytes";

async fn start(vars: &[(&str, &str)]) -> App {
    let vars: Vec<(String, String)> =
        vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let config =
        Config::from_vars(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .expect("a valid configuration");
    let server = TestServer::start(build(&config).await.expect("the app builds")).await;
    App { client: server.client(), server }
}

impl App {
    async fn send(&self, method: &str, path: &str) -> Answer {
        self.send_with(&self.client, method, path, None).await
    }

    /// `method path` on this app from `client` (which may be another app's browser).
    async fn send_with(
        &self,
        client: &TestClient,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = client.request(method, &self.server.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let res = request.send().await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let content_type =
            headers.get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let cookies = headers
            .get_all("set-cookie")
            .iter()
            .map(|v| Cookie::parse(v.to_str().unwrap().to_owned()).expect("a valid Set-Cookie"))
            .collect();
        Answer { status, content_type, body: res.text(), cookies, headers }
    }
}

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";

#[tokio::test]
async fn flask_setcookie_getcookie() {
    let app = start(&[]).await;
    assert_eq!(app.send("GET", "/getcookie").await.json(), json!({"username": null}));
    let a = app.send("GET", "/setcookie").await;
    assert_eq!(
        (a.status, a.content_type.as_str(), a.body.as_str()),
        (200, HTML, "Cookie set successfully!")
    );
    let c = a.cookie("username");
    assert_eq!(c.value(), "JohnDoe");
    assert_eq!(c.max_age(), Some(cookie_route::time::Duration::hours(1)));
    let expires = c.expires_datetime().expect("Expires with Max-Age, as Flask sends it");
    let delta = (expires - cookie_route::time::OffsetDateTime::now_utc()).whole_seconds();
    assert!((3590..=3600).contains(&delta), "{delta}");
    assert_eq!(c.path(), Some("/"));
    assert_eq!(c.secure(), None, "never Secure over plain http");
    let a = app.send("GET", "/getcookie").await;
    assert_eq!((a.status, a.content_type.as_str()), (200, JSON));
    assert_eq!(a.json(), json!({"username": "JohnDoe"}));
}

#[tokio::test]
async fn flask_setcookie_secure() {
    let app = start(&[]).await;
    let a = app.send("GET", "/setcookie_secure").await;
    assert_eq!(a.body, "Cookie set successfully!");
    let c = a.cookie("username");
    assert_eq!(
        (c.secure(), c.http_only(), c.same_site()),
        (Some(true), Some(true), Some(cookie_route::SameSite::Strict))
    );
    assert_eq!(c.max_age(), Some(cookie_route::time::Duration::hours(1)));
}

#[tokio::test]
async fn flask_set_read_delete_read() {
    let app = start(&[]).await;
    let a = app.send("GET", "/read_cookie").await;
    assert_eq!(
        (a.content_type.as_str(), a.body.as_str()),
        (HTML, "<h1>The cookie value is: None</h1>")
    );
    let a = app.send("GET", "/set_cookie").await;
    assert_eq!(a.body, "Cookie Setter");
    let c = a.cookie("flask_tutorial");
    assert_eq!(c.value(), "\"Hello World\"", "quoted on the wire, as Werkzeug sends it");
    assert_eq!((c.max_age(), c.expires()), (None, None), "a browser-session cookie");
    assert_eq!(
        app.send("GET", "/read_cookie").await.body,
        "<h1>The cookie value is: Hello World</h1>"
    );
    let a = app.send("GET", "/delete_cookie").await;
    assert_eq!(a.body, "Cookie Deleted");
    let c = a.cookie("flask_tutorial");
    assert_eq!(
        (c.value(), c.max_age(), c.path()),
        ("", Some(cookie_route::time::Duration::ZERO), Some("/"))
    );
    assert_eq!(app.send("GET", "/read_cookie").await.body, "<h1>The cookie value is: None</h1>");
    // Sent whether or not the request carried the cookie.
    assert_eq!(app.send("GET", "/delete_cookie").await.cookies.len(), 1);
}

#[tokio::test]
async fn flask_site_name() {
    let app = start(&[]).await;
    assert_eq!(app.send("GET", "/getcookie_name").await.body, "The Site : None");
    let a = app.send("GET", "/setcookie_name").await;
    assert_eq!(a.body, "The Cookie has been Set");
    assert_eq!(a.cookie("Name").value(), "AskPython");
    assert_eq!(app.send("GET", "/getcookie_name").await.body, "The Site : AskPython");
}

async fn sessions(app: &App) {
    let a = app.send("GET", "/whoami").await;
    assert_eq!((a.status, a.json()), (401, json!({"error": "not logged in"})));
    let a = app.send("GET", "/login").await;
    assert_eq!((a.status, a.body.as_str(), a.cookies.len()), (400, "Missing user", 0));
    let a = app.send("GET", "/login?user=ann").await;
    assert_eq!(
        (a.status, a.content_type.as_str(), a.body.as_str()),
        (200, HTML, "Logged in as ann")
    );
    let c = a.cookie("session");
    assert_eq!((c.http_only(), c.path(), c.secure()), (Some(true), Some("/"), None));
    assert_eq!(app.send("GET", "/whoami").await.json(), json!({"user": "ann"}));
    // Two clients stay apart.
    let other = app.server.client();
    assert_eq!(app.send_with(&other, "GET", "/whoami", None).await.status, 401);
    app.send_with(&other, "GET", "/login?user=bob", None).await;
    assert_eq!(app.send_with(&other, "GET", "/whoami", None).await.json(), json!({"user": "bob"}));
    assert_eq!(app.send("GET", "/whoami").await.json(), json!({"user": "ann"}));
    let a = app.send("GET", "/logout").await;
    assert_eq!(a.body, "Logged out");
    assert_eq!(app.send("GET", "/whoami").await.status, 401);
}

#[tokio::test]
async fn flask_sessions_in_a_signed_cookie() {
    sessions(&start(&[("COOKIE_ROUTE_SECRET_KEY", SECRET)]).await).await;
}

#[tokio::test]
async fn flask_sessions_in_memory() {
    sessions(
        &start(&[("COOKIE_ROUTE_SECRET_KEY", SECRET), ("COOKIE_ROUTE_SESSION_STORE", "memory")])
            .await,
    )
    .await;
}

/// `GET /whoami` with the session cookie `session`, from a new client (an empty jar).
async fn whoami_with(app: &App, session: &str) -> u16 {
    let client = app.server.client();
    let res = client.get("/whoami").header("cookie", &format!("session={session}")).send().await;
    res.status().as_u16()
}

#[tokio::test]
async fn altered_or_forged_sessions_are_401() {
    let app = start(&[("COOKIE_ROUTE_SECRET_KEY", SECRET)]).await;
    let value = app.send("GET", "/login?user=ann").await.cookie("session").value().to_owned();
    assert_eq!(whoami_with(&app, &value).await, 200);
    let altered = value.replacen("616e6e", "626f62", 1); // "ann" -> "bob" in the payload
    assert_ne!(altered, value);
    assert_eq!(whoami_with(&app, &altered).await, 401);
    assert_eq!(whoami_with(&app, "forged").await, 401);
    assert_eq!(whoami_with(&app, &value[..value.len() - 3]).await, 401);
}

#[tokio::test]
async fn a_rotated_secret_keeps_users_logged_in() {
    let before = start(&[("COOKIE_ROUTE_SECRET_KEY", SECRET)]).await;
    let value = before.send("GET", "/login?user=ann").await.cookie("session").value().to_owned();
    let new_secret = "a brand new secret after the rotation and long enough";
    let after = start(&[
        ("COOKIE_ROUTE_SECRET_KEY", new_secret),
        ("COOKIE_ROUTE_SECRET_KEY_FALLBACKS", SECRET),
    ])
    .await;
    assert_eq!(whoami_with(&after, &value).await, 200);
    let without = start(&[("COOKIE_ROUTE_SECRET_KEY", new_secret)]).await;
    assert_eq!(whoami_with(&without, &value).await, 401);
}

#[tokio::test]
async fn fastapi_cookie_routes() {
    let app = start(&[]).await;
    assert_eq!(app.send("GET", "/cookie/").await.json(), json!({"fakesession": null}));
    for (method, path) in [("POST", "/cookie-and-object/"), ("POST", "/cookie/")] {
        let a = app.send(method, path).await;
        assert_eq!((a.status, a.content_type.as_str()), (200, JSON));
        assert_eq!(a.json(), json!({"message": "Come to the dark side, we have cookies"}));
        let c = a.cookie("fakesession");
        assert_eq!(
            (c.value(), c.path(), c.same_site()),
            ("fake-cookie-session-value", Some("/"), Some(cookie_route::SameSite::Lax))
        );
        assert_eq!(c.expires(), None, "Starlette sends no Expires");
    }
    assert_eq!(
        app.send("GET", "/cookie/").await.json(),
        json!({"fakesession": "fake-cookie-session-value"})
    );
    let a = app.send("DELETE", "/cookie/").await;
    assert_eq!(a.json(), json!({"message": "Cookie deleted"}));
    assert_eq!(a.cookie("fakesession").max_age(), Some(cookie_route::time::Duration::ZERO));
    assert_eq!(app.send("GET", "/cookie/").await.json(), json!({"fakesession": null}));
}

#[tokio::test]
async fn fastapi_items_cookie() {
    let app = start(&[]).await;
    assert_eq!(app.send("GET", "/items-cookie/").await.json(), json!({"ads_id": null}));
    let res = app.server.client().get("/items-cookie/").header("cookie", "ads_id=abc").send().await;
    assert_eq!(res.json::<Value>(), json!({"ads_id": "abc"}));
}

#[tokio::test]
async fn fastapi_user_response_model() {
    let app = start(&[]).await;
    let body = json!({"username": "john", "password": "secret", "email": "john@example.com", "extra": true});
    let a = app.send_with(&app.client, "POST", "/user/", Some(body)).await;
    assert_eq!(a.status, 200);
    assert!(!a.body.contains("secret"));
    // The bytes, not only the value: the keys in the model's order, as FastAPI writes them.
    assert_eq!(a.body, r#"{"username":"john","email":"john@example.com","full_name":null}"#);
    let a = app
        .send_with(
            &app.client,
            "POST",
            "/user/",
            Some(json!({"username": "john", "password": "p"})),
        )
        .await;
    assert_eq!(a.status, 422);
    assert_eq!(a.json()["detail"][0]["type"], "missing");
    assert_eq!(a.json()["detail"][0]["loc"], json!(["body", "email"]));
}

#[tokio::test]
async fn fastapi_profiles() {
    let app = start(&[]).await;
    let a = app.send("GET", "/profiles/7").await;
    assert_eq!(a.body, r#"{"username":"user7","email":"user7@example.com","full_name":null}"#);
    assert!(!a.body.contains("hunter2") && !a.body.contains("internal"));
    assert_eq!(a.cookie("last_user").value(), "7");
    let a = app.send("GET", "/profiles/abc").await;
    assert_eq!(a.status, 422);
    assert_eq!(
        a.body,
        concat!(
            r#"{"detail":[{"type":"int_parsing","loc":["path","user_id"],"#,
            r#""msg":"Input should be a valid integer, unable to parse string as an integer","#,
            r#""input":"abc"}]}"#
        )
    );
}

#[tokio::test]
async fn fastapi_items_response_model_options() {
    let app = start(&[]).await;
    // The bytes FastAPI writes: the model's fields in the model's order.
    let get = |path: &'static str| {
        let app = &app;
        async move { app.send("GET", path).await.body }
    };
    assert_eq!(get("/items/foo").await, r#"{"name":"Foo","price":50.2}"#);
    assert_eq!(
        get("/items/bar").await,
        r#"{"name":"Bar","description":"The bartenders","price":62,"tax":20.2}"#
    );
    assert_eq!(
        get("/items/baz").await,
        r#"{"name":"Baz","description":null,"price":50.2,"tax":10.5,"tags":[]}"#
    );
    assert_eq!(get("/items/foo/name").await, r#"{"name":"Foo","description":null}"#);
    assert_eq!(get("/items/baz/name").await, r#"{"name":"Baz","description":"There goes my baz"}"#);
    assert_eq!(
        get("/items/bar/public").await,
        r#"{"name":"Bar","description":"The Bar fighters","price":62}"#
    );
    assert_eq!(app.send("GET", "/items/nope").await.status, 404);
    let a = app.send("GET", "/invalid-item/").await;
    assert_eq!(a.status, 500);
    assert!(!a.body.contains("cake") && !a.body.contains("Portal"), "{}", a.body);
}

#[tokio::test]
async fn fastapi_dependency_cookie() {
    let app = start(&[]).await;
    let a = app.send("GET", "/dep-cookie/").await;
    assert_eq!(a.body, r#"{"tracking_id":"visitor-1","new_visitor":true}"#);
    let t = a.cookie("tracking_id");
    assert_eq!(
        (t.max_age(), t.http_only(), t.same_site()),
        (
            Some(cookie_route::time::Duration::seconds(600)),
            Some(true),
            Some(cookie_route::SameSite::Strict)
        )
    );
    assert_eq!(a.cookie("handler_cookie").value(), "from-handler");
    let a = app.send("GET", "/dep-cookie/").await;
    assert_eq!(a.body, r#"{"tracking_id":"visitor-1","new_visitor":false}"#);
}

#[tokio::test]
async fn fastapi_headers_status_and_accepted() {
    let app = start(&[]).await;
    let a = app.send("GET", "/headers-and-object/").await;
    assert_eq!(a.headers["x-cat-dog"], "alone in the world");
    assert_eq!(a.json(), json!({"message": "Hello World"}));
    let a = app.send("PUT", "/get-or-create-task/foo").await;
    assert_eq!((a.status, a.json()), (200, json!("Listen to the Bardo Thodol")));
    let name = format!("/get-or-create-task/t{}", std::process::id());
    let a = app.send("PUT", &name).await;
    assert_eq!((a.status, a.json()), (201, json!("This didn't exist before")));
    assert_eq!(app.send("PUT", &name).await.status, 200);
    let a = app.send("POST", "/accepted/").await;
    assert_eq!((a.status, a.json()), (202, json!({"status": "queued"})));
    assert_eq!(a.headers["x-request-state"], "queued");
    let job = a.cookie("job");
    assert_eq!(
        (job.value(), job.max_age()),
        ("42", Some(cookie_route::time::Duration::seconds(60)))
    );
    assert_eq!(
        (job.secure(), job.http_only(), job.same_site()),
        (Some(true), Some(true), Some(cookie_route::SameSite::None))
    );
}

#[tokio::test]
async fn wrong_methods_answer_as_the_framework_of_the_route() {
    let app = start(&[]).await;
    let a = app.send("POST", "/getcookie").await;
    assert_eq!((a.status, a.content_type.as_str()), (405, HTML));
    assert!(a.body.contains("<title>405 Method Not Allowed</title>"), "{}", a.body);
    let a = app.send("GET", "/user/").await;
    assert_eq!((a.status, a.content_type.as_str()), (405, JSON));
    assert_eq!(a.json(), json!({"detail": "Method Not Allowed"}));
    assert_eq!(a.headers["allow"], "POST");
}

/// Flask answers `OPTIONS` on each of its routes by itself (200, no body, the methods in
/// `Allow`, OPTIONS among them); FastAPI does not (405).
#[tokio::test]
async fn options_answers_as_the_framework_of_the_route() {
    let app = start(&[]).await;
    let a = app.send("OPTIONS", "/getcookie").await;
    assert_eq!((a.status, a.content_type.as_str(), a.body.as_str()), (200, HTML, ""));
    assert_eq!(a.headers["allow"], "GET, HEAD, OPTIONS");
    let a = app.send("POST", "/getcookie").await;
    assert_eq!(a.status, 405);
    assert_eq!(a.headers["allow"], "GET, HEAD, OPTIONS");
    let a = app.send("OPTIONS", "/user/").await;
    assert_eq!((a.status, a.content_type.as_str()), (405, JSON));
    assert_eq!(a.json(), json!({"detail": "Method Not Allowed"}));
    assert_eq!(a.headers["allow"], "POST");
}

/// Two instances given the same Redis and secret serve the same sessions, and `/logout` on
/// one ends the session on both.
#[tokio::test]
async fn two_instances_share_sessions_through_redis() {
    let redis = cookie_route_test_support::redis::TestRedis::start();
    let vars =
        [("COOKIE_ROUTE_SECRET_KEY", SECRET), ("COOKIE_ROUTE_SESSION_STORE", redis.url.as_str())];
    let one = start(&vars).await;
    let two = start(&vars).await;
    // One browser visits both: requests to `two` go to its URL, with the cookies the jar
    // holds for it.
    let client = one.server.client();
    let a = one.send_with(&client, "GET", "/login?user=ann", None).await;
    let id = a.cookie("session");
    assert!(!id.value().contains("616e6e"), "only an id in the cookie, not the data");
    // The client's jar is per host:port only by cookie rules: both instances are 127.0.0.1,
    // so the same jar sends the same session cookie to both.
    assert_eq!(two.send_with(&client, "GET", "/whoami", None).await.json(), json!({"user": "ann"}));
    assert_eq!(two.send_with(&client, "GET", "/logout", None).await.body, "Logged out");
    // The old id is dead on both, even replayed by hand.
    assert_eq!(whoami_with(&one, id.value()).await, 401);
    assert_eq!(one.send_with(&client, "GET", "/whoami", None).await.status, 401);
}

/// `/` (a 404 before) is a page linking the docs and every example route, from the app's
/// own OpenAPI document.
#[tokio::test]
async fn the_root_page_links_the_docs_and_every_route() {
    let app = start(&[]).await;
    let page = app.send("GET", "/").await;
    assert_eq!((page.status, page.content_type.as_str()), (200, HTML));
    for link in [r#"href="/docs""#, r#"href="/redoc""#, r#"href="/openapi.json""#] {
        assert!(page.body.contains(link), "{link} in {}", page.body);
    }
    for route in ["/setcookie", "/getcookie", "/whoami", "/items-cookie/"] {
        assert!(page.body.contains(&format!(r#"<a href="{route}">"#)), "{route}: {}", page.body);
    }
    assert!(page.body.contains("<code>/items/{item_id}</code>"), "{}", page.body);
    assert!(page.body.contains("<td>POST</td><td><code>/user/</code></td><td>Create User</td>"));
    // And what it links is there.
    for (path, content_type) in
        [("/docs", HTML), ("/redoc", HTML), ("/openapi.json", "application/json")]
    {
        let linked = app.send("GET", path).await;
        assert_eq!((linked.status, linked.content_type.as_str()), (200, content_type), "{path}");
    }
    let document: Value = app.send("GET", "/openapi.json").await.json();
    assert!(document["paths"]["/setcookie"]["get"].is_object());
    assert!(document["paths"]["/"].is_null(), "the page itself is not documented");
}
