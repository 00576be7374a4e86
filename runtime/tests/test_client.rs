#![cfg(feature = "test-client")]
//! The scenarios of `tests/http.rs` that apply in process, driven through `TestClient`: the
//! same app, no socket, and the client's own browser-like cookie jar.

mod common;

use cookie_route::TestClient;
use cookie_route::cookie::SameSite;
use cookie_route::http::StatusCode;
use cookie_route::time::{Duration, OffsetDateTime};
use serde_json::{Value, json};

use common::{ATTRIBUTE_COOKIES, BODY_LIMIT, FIXED_EXPIRES, HELLO, REFUSALS, first_detail};

fn client() -> TestClient {
    TestClient::new(common::app())
}

// --- Cookies ------------------------------------------------------------------------------

#[tokio::test]
async fn a_cookie_is_set_read_back_and_deleted_from_the_jar() {
    let client = client();
    assert_eq!(client.cookie("username"), None);

    let res = client.get("/set").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text(), "Cookie set successfully!");
    assert_eq!(client.cookie("username").as_deref(), Some("JohnDoe"));

    let res = client.get("/get").send().await;
    assert_eq!(res.json::<Value>(), json!({ "username": "JohnDoe" }));

    let res = client.get("/delete").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    let removal = res.set_cookie("username").expect("a removal cookie");
    assert_eq!(removal.value(), "");
    assert_eq!(removal.max_age(), Some(Duration::ZERO));
    assert_eq!(removal.expires_datetime(), Some(OffsetDateTime::UNIX_EPOCH));
    assert_eq!(client.cookie("username"), None, "the jar still holds the deleted cookie");

    let res = client.get("/get").send().await;
    assert_eq!(res.json::<Value>(), json!({ "username": null }), "the deleted cookie was sent");
}

#[tokio::test]
async fn cookie_attributes_parse_back_as_they_were_set() {
    let client = client();
    let before = OffsetDateTime::now_utc();
    let res = client.get("/attributes").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    let raw: Vec<_> = res.headers().get_all("set-cookie").iter().collect();
    assert_eq!(raw.len(), ATTRIBUTE_COOKIES, "one Set-Cookie header per cookie: {raw:?}");
    assert_eq!(res.set_cookies().len(), ATTRIBUTE_COOKIES, "every header parses");
    let get = |name: &str| res.set_cookie(name).unwrap_or_else(|| panic!("no cookie {name}"));

    let max_age = get("max_age");
    assert_eq!(max_age.max_age(), Some(Duration::hours(1)));
    let expires = max_age.expires_datetime().expect("Max-Age gets a matching Expires");
    let delta = (expires - (before + Duration::hours(1))).whole_seconds();
    assert!(delta.abs() <= 2, "Expires is {delta}s away from now + Max-Age");

    let fixed = get("expires");
    assert_eq!(fixed.expires_datetime().map(|e| e.unix_timestamp()), Some(FIXED_EXPIRES));
    assert_eq!(fixed.max_age(), None);

    let scoped = get("scoped");
    assert_eq!((scoped.path(), scoped.domain()), (Some("/app"), Some("example.com")));

    let strict = get("strict");
    assert_eq!(strict.secure(), Some(true));
    assert_eq!(strict.http_only(), Some(true));
    assert_eq!(strict.same_site(), Some(SameSite::Strict));

    let lax = get("lax");
    assert_eq!(lax.same_site(), Some(SameSite::Lax));
    assert_eq!(lax.http_only(), None, "HttpOnly was turned off explicitly");

    let none = get("none");
    assert_eq!((none.same_site(), none.secure()), (Some(SameSite::None), Some(true)));

    let partitioned = get("partitioned");
    assert_eq!((partitioned.partitioned(), partitioned.secure()), (Some(true), Some(true)));

    // Over http://, the jar keeps what it may: not the Secure ones, nor another Domain's.
    assert_eq!(client.cookie("max_age").as_deref(), Some("1"));
    assert_eq!(client.cookie("lax").as_deref(), Some("5"));
    assert_eq!(client.cookie_for("scoped", "/app"), None);
}

#[tokio::test]
async fn a_cookie_set_without_attributes_gets_the_secure_defaults() {
    let res = client().get("/set").send().await;
    let cookie = res.set_cookie("username").expect("the cookie is set");
    assert_eq!(cookie.value(), "JohnDoe");
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(SameSite::Lax));
    assert_eq!(cookie.secure(), None);
    assert_eq!(cookie.domain(), None);
    assert_eq!((cookie.max_age(), cookie.expires()), (None, None), "a session cookie stays one");
}

#[tokio::test]
async fn a_value_with_a_space_goes_quoted_and_reads_back_unquoted() {
    let client = client();
    let res = client.get("/quoted").send().await;
    let raw: Vec<&str> =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(raw.len(), 2, "{raw:?}");
    assert!(raw[0].starts_with(r#"greeting="Hello World";"#), "{}", raw[0]);
    assert!(raw[1].starts_with(r#"escaped="say \"hi\" \\o/";"#), "{}", raw[1]);

    for (name, expected) in [("greeting", "Hello World"), ("escaped", r#"say "hi" \o/"#)] {
        let res = client.get(&format!("/cookie/{name}")).send().await;
        assert_eq!(res.json::<Value>(), json!({ "value": expected }), "cookie {name}");
    }
}

#[tokio::test]
async fn refused_cookies_return_their_rule_and_no_set_cookie_leaves() {
    let client = client();
    for (case, rule) in REFUSALS {
        let res = client.get(&format!("/refuse/{case}")).send().await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{case} was not refused: {}", res.text());
        assert!(res.header("set-cookie").is_none(), "{case} let a Set-Cookie leave");
        let body = res.json::<Value>();
        let got = body["rule"].as_str().unwrap();
        assert!(got.starts_with(rule), "{case}: expected rule {rule}, got {got}");
        let message = body["message"].as_str().unwrap();
        assert!(message.starts_with("cannot set cookie"), "{case}: {message}");
    }
    for name in ["a", "", "a b", "__Host-sid", "__Secure-sid"] {
        assert_eq!(client.cookie(name), None, "the jar received a refused cookie {name:?}");
    }
}

#[tokio::test]
async fn every_cookie_header_is_read_malformed_pairs_skipped_first_duplicate_wins() {
    let client = client();
    let res = client
        .get("/cookies")
        .header("cookie", "a=1; junk; b=2")
        .header("cookie", "=empty; a=dup; c=\"x y\"")
        .header("cookie", "d=4")
        .send()
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>(), json!([["a", "1"], ["b", "2"], ["c", "x y"], ["d", "4"]]));

    let res = client
        .get("/cookie/a")
        .header("cookie", "junk")
        .header("cookie", "a=first")
        .header("cookie", "a=second")
        .send()
        .await;
    assert_eq!(res.json::<Value>(), json!({ "value": "first" }));
}

#[tokio::test]
async fn explicit_cookie_headers_are_sent_besides_the_jar() {
    let client = client();
    client.set_cookie("jar", "1");
    let res =
        client.get("/cookies").header("cookie", "explicit=2").cookie("extra", "3").send().await;
    let cookies = res.json::<Vec<(String, String)>>();
    for name in ["jar", "explicit", "extra"] {
        assert!(cookies.iter().any(|(n, _)| n == name), "{name} was not sent: {cookies:?}");
    }
}

// --- Routing errors and HEAD ---------------------------------------------------------------

#[tokio::test]
async fn unknown_paths_answer_404_in_fastapi_shape() {
    let res = client().get("/nope").send().await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.text(), r#"{"detail":"Not Found"}"#);
}

#[tokio::test]
async fn wrong_methods_answer_405_with_allow() {
    let client = client();
    let res = client.put("/set").send().await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.header("allow"), Some("GET, HEAD"));
    assert_eq!(res.text(), r#"{"detail":"Method Not Allowed"}"#);
    assert_eq!(client.cookie("username"), None, "the GET handler did not run");

    let res = client.delete("/items").send().await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.header("allow"), Some("GET, HEAD, POST"));
    assert_eq!(res.text(), r#"{"detail":"Method Not Allowed"}"#);
    assert_eq!(client.post("/items").send().await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn head_on_a_get_route_sends_the_headers_and_no_body() {
    let client = client();
    let res = client.head("/hello").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.header("content-length"), Some(HELLO.len().to_string().as_str()));
    assert_eq!(res.header("content-type"), Some("text/plain; charset=utf-8"));
    assert!(res.bytes().is_empty(), "HEAD sent a body: {:?}", res.text());

    let res = client.head("/set").send().await;
    assert!(res.bytes().is_empty());
    assert_eq!(client.cookie("username").as_deref(), Some("JohnDoe"), "HEAD runs the GET handler");
}

// --- Bodies and validation -----------------------------------------------------------------

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let client = client();
    let res = client.post("/echo").body(vec![b'x'; BODY_LIMIT]).send().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text(), BODY_LIMIT.to_string(), "a body at the limit is read");

    let res = client.post("/echo").body(vec![b'x'; BODY_LIMIT + 1]).send().await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(first_detail(&res.json::<Value>())["type"], "too_large");

    // A declared Content-Length over the limit is refused before the body is read.
    let res = client
        .post("/echo")
        .header("content-length", &(BODY_LIMIT + 1).to_string())
        .body(vec![b'x'; BODY_LIMIT + 1])
        .send()
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn bad_input_answers_422_and_400_in_fastapi_shape() {
    let client = client();
    assert_eq!(client.get("/users/42").send().await.json::<Value>(), json!({ "id": 42 }));

    let res = client.get("/users/abc").send().await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.json::<Value>();
    let detail = first_detail(&body);
    assert_eq!(detail["type"], "int_parsing");
    assert_eq!(detail["loc"], json!(["path", "id"]));
    assert_eq!(detail["input"], "abc");

    let user = json!({ "username": "a", "email": "a@example.com" });
    let res = client.post("/users").json(&user).send().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>(), user);

    let res = client.post("/users").json(&json!({ "username": "a" })).send().await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.json::<Value>();
    let detail = first_detail(&body);
    assert_eq!(detail["type"], "missing");
    assert_eq!(detail["loc"], json!(["body", "email"]));

    let res = client
        .post("/users")
        .header("content-type", "application/json")
        .body(r#"{"username": "#)
        .send()
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(first_detail(&res.json::<Value>())["type"], "json_invalid");
}

// --- Failures ------------------------------------------------------------------------------

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_app_goes_on() {
    let client = client();
    for path in ["/panic", "/panic-sync"] {
        let res = client.get(path).send().await;
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert_eq!(res.text(), "Internal Server Error");
        let res = client.get("/hello").send().await;
        assert_eq!((res.status(), res.text().as_str()), (StatusCode::OK, HELLO));
    }
}
