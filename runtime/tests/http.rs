#![cfg(feature = "test-client")]
//! End-to-end tests of the runtime over real sockets: `TestServer` and its HTTP client with a
//! browser-like cookie jar, raw HTTP/1.1 over `TcpStream` for what a client cannot express,
//! hyper's HTTP/2 client for h2c, and the app called as a `tower_service::Service`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cookie_route::cookie::{Cookie, SameSite};
#[cfg(feature = "http2")]
use cookie_route::http::Version;
use cookie_route::http::{self, StatusCode};
use cookie_route::time::OffsetDateTime;
use cookie_route::{App, Request, TestServer};
#[cfg(feature = "http2")]
use cookie_route_test_support::h2c;
use cookie_route_test_support::raw::{closed_by_peer, raw_request};
use cookie_route_test_support::{PATIENCE, assert_stops, patiently};
use http_body_util::Full;
#[cfg(feature = "http2")]
use http_body_util::{BodyExt, Empty};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::time::timeout;

use common::{ATTRIBUTE_COOKIES, BODY_LIMIT, FIXED_EXPIRES, HELLO, REFUSALS, first_detail};

/// Every `Set-Cookie` header value of a response.
fn set_cookie_values(headers: &http::HeaderMap) -> Vec<String> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().expect("an ASCII Set-Cookie").to_owned())
        .collect()
}

// --- Cookies ------------------------------------------------------------------------------

#[tokio::test]
async fn a_cookie_is_set_read_back_and_deleted_from_the_jar() {
    let server = TestServer::start(common::app()).await;
    let client = server.client();

    let res = client.get("/set").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(set_cookie_values(res.headers()).len(), 1);
    assert_eq!(client.cookie("username").as_deref(), Some("JohnDoe"));

    let body: Value = client.get("/get").send().await.json();
    assert_eq!(body, json!({ "username": "JohnDoe" }));

    let res = client.get("/delete").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    let removal = set_cookie_values(res.headers());
    assert_eq!(removal.len(), 1, "{removal:?}");
    let removal = Cookie::parse(removal[0].clone()).unwrap();
    assert_eq!((removal.name(), removal.value()), ("username", ""));
    assert_eq!(removal.max_age(), Some(cookie_route::time::Duration::ZERO));
    assert_eq!(removal.expires_datetime(), Some(OffsetDateTime::UNIX_EPOCH));
    assert_eq!(removal.path(), Some("/"));

    assert!(
        client.cookie("username").is_none(),
        "the jar still holds the cookie: {:?}",
        client.cookies()
    );
    let body: Value = client.get("/get").send().await.json();
    assert_eq!(body, json!({ "username": null }), "the deleted cookie was sent again");
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn cookie_attributes_parse_back_as_they_were_set() {
    let server = TestServer::start(common::app()).await;
    let res = server.client().get("/attributes").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    let before = OffsetDateTime::now_utc();
    let raw = set_cookie_values(res.headers());
    assert_eq!(raw.len(), ATTRIBUTE_COOKIES, "one Set-Cookie header per cookie: {raw:?}");
    let cookies: Vec<Cookie<'static>> =
        raw.iter().map(|v| Cookie::parse(v.clone()).unwrap()).collect();
    let get = |name: &str| {
        cookies.iter().find(|c| c.name() == name).unwrap_or_else(|| panic!("no {name} in {raw:?}"))
    };

    let max_age = get("max_age");
    assert_eq!(max_age.max_age(), Some(cookie_route::time::Duration::hours(1)));
    let expires = max_age.expires_datetime().expect("Max-Age gets a matching Expires");
    let delta = (expires - (before + cookie_route::time::Duration::hours(1))).whole_seconds();
    assert!(delta.abs() <= 2, "Expires is {delta}s away from now + Max-Age");

    let fixed = get("expires");
    assert_eq!(fixed.expires_datetime().map(|e| e.unix_timestamp()), Some(FIXED_EXPIRES));
    assert_eq!(fixed.max_age(), None);

    let scoped = get("scoped");
    assert_eq!(scoped.path(), Some("/app"));
    assert_eq!(scoped.domain(), Some("example.com"));

    let strict = get("strict");
    assert_eq!(strict.secure(), Some(true));
    assert_eq!(strict.http_only(), Some(true));
    assert_eq!(strict.same_site(), Some(SameSite::Strict));

    let lax = get("lax");
    assert_eq!(lax.same_site(), Some(SameSite::Lax));
    assert_eq!(lax.http_only(), None, "HttpOnly was turned off explicitly");
    assert_eq!(lax.secure(), None);

    let none = get("none");
    assert_eq!(none.same_site(), Some(SameSite::None));
    assert_eq!(none.secure(), Some(true));

    let partitioned = get("partitioned");
    assert_eq!(partitioned.partitioned(), Some(true));
    assert_eq!(partitioned.secure(), Some(true));

    // On the wire, too: one `Set-Cookie` line per cookie, none folded into another.
    let res = raw_request(
        server.local_addr(),
        b"GET /attributes HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(res.headers_named("set-cookie"), ATTRIBUTE_COOKIES);
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn a_cookie_set_without_attributes_gets_the_secure_defaults() {
    let server = TestServer::start(common::app()).await;
    let res = server.client().get("/set").send().await;
    let raw = set_cookie_values(res.headers());
    assert_eq!(raw.len(), 1);
    let cookie = Cookie::parse(raw[0].clone()).unwrap();
    assert_eq!((cookie.name(), cookie.value()), ("username", "JohnDoe"));
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(SameSite::Lax));
    assert_eq!(cookie.secure(), None);
    assert_eq!(cookie.domain(), None);
    assert_eq!(cookie.max_age(), None, "a session cookie stays one");
    assert_eq!(cookie.expires(), None, "a session cookie stays one");
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn a_value_with_a_space_goes_quoted_and_reads_back_unquoted() {
    let server = TestServer::start(common::app()).await;
    let client = server.client();
    let res = client.get("/quoted").send().await;
    let raw = set_cookie_values(res.headers());
    assert_eq!(raw.len(), 2, "{raw:?}");
    assert!(raw[0].starts_with(r#"greeting="Hello World";"#), "{}", raw[0]);
    assert!(raw[1].starts_with(r#"escaped="say \"hi\" \\o/";"#), "{}", raw[1]);

    for (name, expected) in [("greeting", "Hello World"), ("escaped", r#"say "hi" \o/"#)] {
        let body: Value = client.get(&format!("/cookie/{name}")).send().await.json();
        assert_eq!(body, json!({ "value": expected }), "cookie {name}");
    }
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn refused_cookies_return_their_rule_and_no_set_cookie_leaves() {
    let server = TestServer::start(common::app()).await;
    let client = server.client();
    for (case, rule) in REFUSALS {
        let res = client.get(&format!("/refuse/{case}")).send().await;
        let status = res.status();
        let set_cookies = set_cookie_values(res.headers());
        let body = res.text();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case} was not refused: {body}");
        assert!(set_cookies.is_empty(), "{case} let a Set-Cookie leave: {set_cookies:?}");
        let body: Value = serde_json::from_str(&body).unwrap();
        let got = body["rule"].as_str().unwrap();
        assert!(got.starts_with(rule), "{case}: expected rule {rule}, got {got}");
        let message = body["message"].as_str().unwrap();
        assert!(message.starts_with("cannot set cookie"), "{case}: {message}");
    }
    assert_eq!(client.cookies(), [], "the jar received a refused cookie");
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn every_cookie_header_is_read_malformed_pairs_skipped_first_duplicate_wins() {
    let server = TestServer::start(common::app()).await;
    let request = b"GET /cookies HTTP/1.1\r\nHost: localhost\r\n\
        Cookie: a=1; junk; b=2\r\n\
        Cookie: =empty; a=dup; c=\"x y\"\r\n\
        Cookie: d=4\r\n\
        Connection: close\r\n\r\n";
    let res = raw_request(server.local_addr(), request).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json(), json!([["a", "1"], ["b", "2"], ["c", "x y"], ["d", "4"]]));

    let request = b"GET /cookie/a HTTP/1.1\r\nHost: localhost\r\n\
        Cookie: junk\r\n\
        Cookie: a=first\r\n\
        Cookie: a=second\r\n\
        Connection: close\r\n\r\n";
    let res = raw_request(server.local_addr(), request).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json(), json!({ "value": "first" }));
    assert_stops(server.stop()).await;
}

// --- Routing errors and HEAD ---------------------------------------------------------------

#[tokio::test]
async fn unknown_paths_answer_404_in_fastapi_shape() {
    let server = TestServer::start(common::app()).await;
    let res = server.client().get("/nope").send().await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()[http::header::CONTENT_TYPE], "application/json");
    assert_eq!(res.text(), r#"{"detail":"Not Found"}"#);
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn wrong_methods_answer_405_with_allow() {
    let server = TestServer::start(common::app()).await;
    let client = server.client();
    for (method, path, allow) in [
        (http::Method::PUT, "/set", "GET, HEAD"),
        (http::Method::DELETE, "/items", "GET, HEAD, POST"),
    ] {
        let res = client.request(method.clone(), path).send().await;
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(res.headers()[http::header::ALLOW], allow, "{method} {path}");
        assert!(res.headers().get(http::header::SET_COOKIE).is_none());
        assert_eq!(res.text(), r#"{"detail":"Method Not Allowed"}"#);
    }
    let res = client.post("/items").send().await;
    assert_eq!(res.status(), StatusCode::CREATED, "the other method of the path is served");
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn head_on_a_get_route_sends_the_headers_and_no_body() {
    let server = TestServer::start(common::app()).await;
    let res = server.client().head("/hello").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[http::header::CONTENT_LENGTH], HELLO.len().to_string().as_str());
    assert_eq!(res.headers()[http::header::CONTENT_TYPE], "text/plain; charset=utf-8");

    // On the wire: nothing after the head, though the GET body has 13 bytes.
    let res = raw_request(
        server.local_addr(),
        b"HEAD /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-length"), Some(HELLO.len().to_string().as_str()));
    assert!(res.body.is_empty(), "HEAD sent a body: {:?}", String::from_utf8_lossy(&res.body));

    // HEAD runs the GET handler: its cookies come along.
    let res = server.client().head("/set").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(set_cookie_values(res.headers()).len(), 1);
    assert_stops(server.stop()).await;
}

// --- Bodies and validation -----------------------------------------------------------------

#[tokio::test]
async fn a_body_over_the_limit_with_a_content_length_is_413() {
    let server = TestServer::start(common::app()).await;
    let client = server.client();
    let res = client.post("/echo").body(vec![b'x'; BODY_LIMIT]).send().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text(), BODY_LIMIT.to_string(), "a body at the limit is read");

    let res = client.post("/echo").body(vec![b'x'; BODY_LIMIT + 1]).send().await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = res.json();
    assert_eq!(first_detail(&body)["type"], "too_large");
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413() {
    let server = TestServer::start(common::app()).await;
    let chunked = |total: usize| {
        let mut request =
            b"POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\
              Connection: close\r\n\r\n"
                .to_vec();
        let mut left = total;
        while left > 0 {
            let n = left.min(300);
            request.extend_from_slice(format!("{n:x}\r\n").as_bytes());
            request.extend(std::iter::repeat_n(b'x', n));
            request.extend_from_slice(b"\r\n");
            left -= n;
        }
        request.extend_from_slice(b"0\r\n\r\n");
        request
    };
    let res = raw_request(server.local_addr(), &chunked(BODY_LIMIT)).await;
    assert_eq!(res.status, 200, "a chunked body at the limit is read");
    assert_eq!(res.body, BODY_LIMIT.to_string().as_bytes());

    let res = raw_request(server.local_addr(), &chunked(BODY_LIMIT + 200)).await;
    assert_eq!(res.status, 413);
    assert_eq!(first_detail(&res.json())["type"], "too_large");
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn bad_input_answers_422_and_400_in_fastapi_shape() {
    let server = TestServer::start(common::app()).await;
    let client = server.client();

    let res = client.get("/users/42").send().await;
    assert_eq!(res.json::<Value>(), json!({ "id": 42 }));

    let res = client.get("/users/abc").send().await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json();
    let detail = first_detail(&body);
    assert_eq!(detail["type"], "int_parsing");
    assert_eq!(detail["loc"], json!(["path", "id"]));
    assert_eq!(detail["input"], "abc");

    let res =
        client.post("/users").json(&json!({ "username": "a", "email": "a@example.com" })).send();
    let res = res.await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>(), json!({ "username": "a", "email": "a@example.com" }));

    let res = client.post("/users").json(&json!({ "username": "a" })).send().await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json();
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
    let body: Value = res.json();
    assert_eq!(first_detail(&body)["type"], "json_invalid");
    assert_stops(server.stop()).await;
}

// --- Failures, shutdown, protocols ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_answers_500_and_the_server_goes_on() {
    let server = TestServer::start(common::app()).await;
    let client = server.client();
    for path in ["/panic", "/panic-sync"] {
        let res = client.get(path).send().await;
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert_eq!(res.text(), "Internal Server Error");
        // The same client (and its kept-alive connection), then a fresh one.
        let res = client.get("/hello").send().await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.text(), HELLO);
        let res = server.client().get("/hello").send().await;
        assert_eq!(res.text(), HELLO);
    }
    assert_stops(server.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_lets_an_in_flight_request_finish() {
    let started = Arc::new(Notify::new());
    let app = common::app().get("/slow-started", {
        let started = started.clone();
        move |_: Request| {
            let started = started.clone();
            async move {
                started.notify_one();
                tokio::time::sleep(Duration::from_millis(300)).await;
                "slow done"
            }
        }
    });
    let server = TestServer::start(app).await;
    let addr = server.local_addr();
    let client = server.client();
    // A failed request (no whole response) panics the client task.
    let in_flight = tokio::spawn(async move {
        let res = client.get("/slow-started").send().await;
        (res.status(), res.text())
    });
    timeout(PATIENCE, started.notified()).await.expect("the slow handler starts");

    assert_stops(server.stop()).await;

    let (status, body) = timeout(PATIENCE, in_flight)
        .await
        .expect("the in-flight request ends")
        .expect("the in-flight request gets its whole response");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "slow done");

    let refused = TcpStream::connect(addr).await;
    assert!(refused.is_err(), "a new connection was accepted after the shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_closes_idle_connections() {
    let server = TestServer::start(common::app()).await;
    // Accepted in order: `silent` (which never sends a byte) before `kept_alive`.
    let mut silent = TcpStream::connect(server.local_addr()).await.unwrap();
    let mut kept_alive = TcpStream::connect(server.local_addr()).await.unwrap();
    kept_alive.write_all(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut response = Vec::new();
    while !response.ends_with(HELLO.as_bytes()) {
        let mut buf = [0u8; 512];
        let n = timeout(PATIENCE, kept_alive.read(&mut buf)).await.unwrap().unwrap();
        assert_ne!(n, 0, "closed before the response: {:?}", String::from_utf8_lossy(&response));
        response.extend_from_slice(&buf[..n]);
    }
    assert!(response.starts_with(b"HTTP/1.1 200 OK\r\n"));

    patiently("the server completes with idle connections open", server.stop())
        .await
        .expect("the server completes cleanly");
    assert!(closed_by_peer(&mut kept_alive).await, "the kept-alive connection stays open");
    assert!(closed_by_peer(&mut silent).await, "the silent connection stays open");
}

#[cfg(feature = "http2")]
#[tokio::test]
async fn http2_prior_knowledge_is_served() {
    let server = TestServer::start(common::app()).await;
    let (mut sender, connection) = h2c::connect(server.local_addr()).await;

    let request = http::Request::get(server.url("/hello")).body(Empty::<Bytes>::new()).unwrap();
    let res = timeout(PATIENCE, sender.send_request(request)).await.unwrap().unwrap();
    assert_eq!(res.version(), Version::HTTP_2);
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, HELLO.as_bytes());

    // HTTP/2 clients send one `cookie` field per cookie: all are read.
    let request = http::Request::get(server.url("/cookies"))
        .header(http::header::COOKIE, "a=1")
        .header(http::header::COOKIE, "b=2")
        .header(http::header::COOKIE, "a=3")
        .body(Empty::<Bytes>::new())
        .unwrap();
    let res = timeout(PATIENCE, sender.send_request(request)).await.unwrap().unwrap();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body, json!([["a", "1"], ["b", "2"]]));

    let request = http::Request::get(server.url("/set")).body(Empty::<Bytes>::new()).unwrap();
    let res = timeout(PATIENCE, sender.send_request(request)).await.unwrap().unwrap();
    assert_eq!(set_cookie_values(res.headers()).len(), 1);

    drop(sender);
    let _ = timeout(PATIENCE, connection).await;
    assert_stops(server.stop()).await;
}

// --- The app as a tower service -------------------------------------------------------------

async fn call(
    service: &mut cookie_route::AppService,
    request: http::Request<Full<Bytes>>,
) -> (http::response::Parts, Bytes) {
    use tower_service::Service;
    std::future::poll_fn(|cx| Service::<http::Request<Full<Bytes>>>::poll_ready(service, cx))
        .await
        .unwrap();
    let res = service.call(request).await.unwrap();
    let (parts, body) = res.into_parts();
    (parts, body.collect().await.expect("the body is read"))
}

#[tokio::test]
async fn the_app_is_a_tower_service() {
    let mut service = common::app().build().expect("the app builds");
    let empty = || Full::new(Bytes::new());

    let (parts, body) =
        call(&mut service, http::Request::get("/hello").body(empty()).unwrap()).await;
    assert_eq!(parts.status, StatusCode::OK);
    assert_eq!(body, HELLO.as_bytes());

    let (parts, _) = call(&mut service, http::Request::get("/set").body(empty()).unwrap()).await;
    let raw = set_cookie_values(&parts.headers);
    assert_eq!(raw.len(), 1);
    assert!(raw[0].starts_with("username=JohnDoe;"), "{}", raw[0]);

    let request = http::Request::get("/get")
        .header(http::header::COOKIE, "username=Tower")
        .body(empty())
        .unwrap();
    let (_, body) = call(&mut service, request).await;
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), json!({ "username": "Tower" }));

    let request = http::Request::post("/users")
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(br#"{"username":"t","email":"t@example.com"}"#)))
        .unwrap();
    let (parts, body) = call(&mut service, request).await;
    assert_eq!(parts.status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({ "username": "t", "email": "t@example.com" })
    );

    let request = http::Request::post("/echo")
        .body(Full::new(Bytes::from(vec![0u8; BODY_LIMIT + 1])))
        .unwrap();
    let (parts, _) = call(&mut service, request).await;
    assert_eq!(parts.status, StatusCode::PAYLOAD_TOO_LARGE);

    let (parts, body) =
        call(&mut service, http::Request::get("/nope").body(empty()).unwrap()).await;
    assert_eq!(parts.status, StatusCode::NOT_FOUND);
    assert_eq!(body, &br#"{"detail":"Not Found"}"#[..]);
}

/// The handler sees the client's address; the tower path, without a connection, sees none.
#[tokio::test]
async fn the_remote_address_reaches_the_handler() {
    async fn peer(request: Request) -> String {
        request.remote_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "none".to_owned())
    }
    let server = TestServer::start(App::new().get("/peer", peer)).await;
    let body = server.client().get("/peer").send().await.text();
    assert_eq!(body, "127.0.0.1");
    assert_stops(server.stop()).await;
    let mut service = App::new().get("/peer", peer).build().unwrap();
    let request =
        http::Request::get("/peer").body(http_body_util::Full::new(bytes::Bytes::new())).unwrap();
    let response = tower_service::Service::call(&mut service, request).await.unwrap();
    let body = response.into_body().collect().await.unwrap();
    assert_eq!(&body[..], b"none");
}

// --- Over HTTP, to a server started elsewhere ------------------------------------------------

/// `TestClient::http` is the client of a server it did not start (a test's child process):
/// over a socket, with its own jar.
#[tokio::test]
async fn a_client_for_a_running_server_keeps_its_cookies_over_http() {
    let server = TestServer::start(common::app()).await;
    let client = cookie_route::TestClient::http(server.base_url());
    let res = client.get("/set").send().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(client.cookie("username").as_deref(), Some("JohnDoe"));
    let res = client.get(&server.url("/get")).send().await;
    assert_eq!(res.json::<Value>(), json!({ "username": "JohnDoe" }));
    assert_eq!(server.client().cookie("username"), None, "a jar per client");
    assert_stops(server.stop()).await;
}

#[test]
#[should_panic(expected = "plain HTTP")]
fn a_client_over_http_refuses_another_scheme() {
    let _ = cookie_route::TestClient::http("https://example.com");
}

/// Without the `http2` feature the server speaks HTTP/1 only: a client's HTTP/2 preface gets
/// no HTTP/2 answer, and the connection is closed.
#[cfg(not(feature = "http2"))]
#[tokio::test]
async fn without_the_http2_feature_an_http2_preface_is_refused() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let server = TestServer::start(common::app()).await;
    let mut stream = tokio::net::TcpStream::connect(server.local_addr()).await.unwrap();
    stream.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("the connection is closed")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 "), "{answer:?}");
    // HTTP/1.1 is served as ever.
    let mut stream = tokio::net::TcpStream::connect(server.local_addr()).await.unwrap();
    stream.write_all(b"GET /hello HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    timeout(PATIENCE, stream.read_to_end(&mut answer)).await.unwrap().unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"), "{}", String::from_utf8_lossy(&answer));
    assert_stops(server.stop()).await;
}
