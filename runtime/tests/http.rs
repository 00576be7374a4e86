//! End-to-end tests of the runtime over real sockets: reqwest with its cookie store, raw
//! HTTP/1.1 over `TcpStream` for what reqwest cannot express, hyper's HTTP/2 client for h2c,
//! and the app called as a `tower_service::Service`.

mod common;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cookie_route::cookie::{Cookie, SameSite};
use cookie_route::http::{self, StatusCode, Version};
use cookie_route::time::OffsetDateTime;
use cookie_route::{App, Request, StartError};
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use reqwest::cookie::{CookieStore, Jar};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use common::{ATTRIBUTE_COOKIES, BODY_LIMIT, FIXED_EXPIRES, HELLO, REFUSALS};

/// How long any single step may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

/// A server running on a port of its own, stopped through its graceful shutdown signal.
struct TestServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<Result<(), StartError>>,
}

impl TestServer {
    async fn start(app: App) -> Self {
        let server = app.bind("127.0.0.1:0").await.expect("the app binds");
        let addr = server.local_addr().expect("a local address");
        let (tx, rx) = oneshot::channel::<()>();
        let server = server.with_graceful_shutdown(async {
            rx.await.ok();
        });
        let handle = tokio::spawn(server.into_future());
        Self { addr, shutdown: Some(tx), handle }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Signals the shutdown and waits for the server future to complete.
    async fn stop(mut self) -> Result<(), StartError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        timeout(PATIENCE, self.handle)
            .await
            .expect("the server completes after the shutdown signal")
            .expect("the server task does not panic")
    }
}

/// A client with a cookie jar the test can look into.
fn client() -> (reqwest::Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .timeout(PATIENCE)
        .build()
        .expect("a reqwest client");
    (client, jar)
}

/// What the jar would send to `url`, as one `Cookie` header value.
fn jar_header(jar: &Jar, url: &str) -> String {
    let url = url.parse::<reqwest::Url>().expect("a valid URL");
    jar.cookies(&url).map(|v| v.to_str().expect("ASCII cookies").to_owned()).unwrap_or_default()
}

/// Every `Set-Cookie` header value of a response.
fn set_cookie_values(headers: &http::HeaderMap) -> Vec<String> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().expect("an ASCII Set-Cookie").to_owned())
        .collect()
}

/// A response read off a raw socket.
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn headers_named(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends `request` as it is (it should say `Connection: close`) and reads the response to
/// the end of the connection. Bodies are expected with a `Content-Length`, or none.
async fn raw_request(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    stream.write_all(request).await.expect("the request is written");
    let mut bytes = Vec::new();
    timeout(PATIENCE, stream.read_to_end(&mut bytes))
        .await
        .expect("the server closes the connection")
        .expect("the response is read");
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of head in {:?}", String::from_utf8_lossy(&bytes)));
    let head = std::str::from_utf8(&bytes[..split]).expect("an ASCII head");
    let body = bytes[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("a status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status in {status_line:?}"));
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').expect("a header line");
            (n.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    RawResponse { status, headers, body }
}

/// The first entry of the `detail` list of a FastAPI-shaped error body.
fn first_detail(body: &Value) -> &Value {
    body["detail"].get(0).unwrap_or_else(|| panic!("no detail list in {body}"))
}

// --- Cookies ------------------------------------------------------------------------------

#[tokio::test]
async fn a_cookie_is_set_read_back_and_deleted_from_the_jar() {
    let server = TestServer::start(common::app()).await;
    let (client, jar) = client();

    let res = client.get(server.url("/set")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(set_cookie_values(res.headers()).len(), 1);
    assert!(jar_header(&jar, &server.url("/")).contains("username=JohnDoe"));

    let body: Value = client.get(server.url("/get")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body, json!({ "username": "JohnDoe" }));

    let res = client.get(server.url("/delete")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let removal = set_cookie_values(res.headers());
    assert_eq!(removal.len(), 1, "{removal:?}");
    let removal = Cookie::parse(removal[0].clone()).unwrap();
    assert_eq!((removal.name(), removal.value()), ("username", ""));
    assert_eq!(removal.max_age(), Some(cookie_route::time::Duration::ZERO));
    assert_eq!(removal.expires_datetime(), Some(OffsetDateTime::UNIX_EPOCH));
    assert_eq!(removal.path(), Some("/"));

    assert!(
        !jar_header(&jar, &server.url("/")).contains("username"),
        "the jar still holds the cookie: {}",
        jar_header(&jar, &server.url("/"))
    );
    let body: Value = client.get(server.url("/get")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body, json!({ "username": null }), "the deleted cookie was sent again");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn cookie_attributes_parse_back_as_they_were_set() {
    let server = TestServer::start(common::app()).await;
    let res = reqwest::get(server.url("/attributes")).await.unwrap();
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
        server.addr,
        b"GET /attributes HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(res.headers_named("set-cookie"), ATTRIBUTE_COOKIES);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_cookie_set_without_attributes_gets_the_secure_defaults() {
    let server = TestServer::start(common::app()).await;
    let res = reqwest::get(server.url("/set")).await.unwrap();
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
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_value_with_a_space_goes_quoted_and_reads_back_unquoted() {
    let server = TestServer::start(common::app()).await;
    let (client, _jar) = client();
    let res = client.get(server.url("/quoted")).send().await.unwrap();
    let raw = set_cookie_values(res.headers());
    assert_eq!(raw.len(), 2, "{raw:?}");
    assert!(raw[0].starts_with(r#"greeting="Hello World";"#), "{}", raw[0]);
    assert!(raw[1].starts_with(r#"escaped="say \"hi\" \\o/";"#), "{}", raw[1]);

    for (name, expected) in [("greeting", "Hello World"), ("escaped", r#"say "hi" \o/"#)] {
        let body: Value = client
            .get(server.url(&format!("/cookie/{name}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body, json!({ "value": expected }), "cookie {name}");
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn refused_cookies_return_their_rule_and_no_set_cookie_leaves() {
    let server = TestServer::start(common::app()).await;
    let (client, jar) = client();
    for (case, rule) in REFUSALS {
        let res = client.get(server.url(&format!("/refuse/{case}"))).send().await.unwrap();
        let status = res.status();
        let set_cookies = set_cookie_values(res.headers());
        let body = res.text().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case} was not refused: {body}");
        assert!(set_cookies.is_empty(), "{case} let a Set-Cookie leave: {set_cookies:?}");
        let body: Value = serde_json::from_str(&body).unwrap();
        let got = body["rule"].as_str().unwrap();
        assert!(got.starts_with(rule), "{case}: expected rule {rule}, got {got}");
        let message = body["message"].as_str().unwrap();
        assert!(message.starts_with("cannot set cookie"), "{case}: {message}");
    }
    assert_eq!(jar_header(&jar, &server.url("/")), "", "the jar received a refused cookie");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn every_cookie_header_is_read_malformed_pairs_skipped_first_duplicate_wins() {
    let server = TestServer::start(common::app()).await;
    let request = b"GET /cookies HTTP/1.1\r\nHost: localhost\r\n\
        Cookie: a=1; junk; b=2\r\n\
        Cookie: =empty; a=dup; c=\"x y\"\r\n\
        Cookie: d=4\r\n\
        Connection: close\r\n\r\n";
    let res = raw_request(server.addr, request).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json(), json!([["a", "1"], ["b", "2"], ["c", "x y"], ["d", "4"]]));

    let request = b"GET /cookie/a HTTP/1.1\r\nHost: localhost\r\n\
        Cookie: junk\r\n\
        Cookie: a=first\r\n\
        Cookie: a=second\r\n\
        Connection: close\r\n\r\n";
    let res = raw_request(server.addr, request).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json(), json!({ "value": "first" }));
    server.stop().await.unwrap();
}

// --- Routing errors and HEAD ---------------------------------------------------------------

#[tokio::test]
async fn unknown_paths_answer_404_in_fastapi_shape() {
    let server = TestServer::start(common::app()).await;
    let res = reqwest::get(server.url("/nope")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()[http::header::CONTENT_TYPE], "application/json");
    assert_eq!(res.text().await.unwrap(), r#"{"detail":"Not Found"}"#);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn wrong_methods_answer_405_with_allow() {
    let server = TestServer::start(common::app()).await;
    let client = reqwest::Client::new();
    for (method, path, allow) in [
        (http::Method::PUT, "/set", "GET, HEAD"),
        (http::Method::DELETE, "/items", "GET, HEAD, POST"),
    ] {
        let res = client.request(method.clone(), server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(res.headers()[http::header::ALLOW], allow, "{method} {path}");
        assert!(res.headers().get(http::header::SET_COOKIE).is_none());
        assert_eq!(res.text().await.unwrap(), r#"{"detail":"Method Not Allowed"}"#);
    }
    let res = client.post(server.url("/items")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "the other method of the path is served");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn head_on_a_get_route_sends_the_headers_and_no_body() {
    let server = TestServer::start(common::app()).await;
    let res = reqwest::Client::new().head(server.url("/hello")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[http::header::CONTENT_LENGTH], HELLO.len().to_string().as_str());
    assert_eq!(res.headers()[http::header::CONTENT_TYPE], "text/plain; charset=utf-8");

    // On the wire: nothing after the head, though the GET body has 13 bytes.
    let res = raw_request(
        server.addr,
        b"HEAD /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-length"), Some(HELLO.len().to_string().as_str()));
    assert!(res.body.is_empty(), "HEAD sent a body: {:?}", String::from_utf8_lossy(&res.body));

    // HEAD runs the GET handler: its cookies come along.
    let res = reqwest::Client::new().head(server.url("/set")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(set_cookie_values(res.headers()).len(), 1);
    server.stop().await.unwrap();
}

// --- Bodies and validation -----------------------------------------------------------------

#[tokio::test]
async fn a_body_over_the_limit_with_a_content_length_is_413() {
    let server = TestServer::start(common::app()).await;
    let client = reqwest::Client::new();
    let res = client.post(server.url("/echo")).body(vec![b'x'; BODY_LIMIT]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), BODY_LIMIT.to_string(), "a body at the limit is read");

    let res =
        client.post(server.url("/echo")).body(vec![b'x'; BODY_LIMIT + 1]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(first_detail(&body)["type"], "too_large");
    server.stop().await.unwrap();
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
    let res = raw_request(server.addr, &chunked(BODY_LIMIT)).await;
    assert_eq!(res.status, 200, "a chunked body at the limit is read");
    assert_eq!(res.body, BODY_LIMIT.to_string().as_bytes());

    let res = raw_request(server.addr, &chunked(BODY_LIMIT + 200)).await;
    assert_eq!(res.status, 413);
    assert_eq!(first_detail(&res.json())["type"], "too_large");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn bad_input_answers_422_and_400_in_fastapi_shape() {
    let server = TestServer::start(common::app()).await;
    let client = reqwest::Client::new();

    let res = client.get(server.url("/users/42")).send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), json!({ "id": 42 }));

    let res = client.get(server.url("/users/abc")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let detail = first_detail(&body);
    assert_eq!(detail["type"], "int_parsing");
    assert_eq!(detail["loc"], json!(["path", "id"]));
    assert_eq!(detail["input"], "abc");

    let res = client
        .post(server.url("/users"))
        .json(&json!({ "username": "a", "email": "a@example.com" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({ "username": "a", "email": "a@example.com" })
    );

    let res =
        client.post(server.url("/users")).json(&json!({ "username": "a" })).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let detail = first_detail(&body);
    assert_eq!(detail["type"], "missing");
    assert_eq!(detail["loc"], json!(["body", "email"]));

    let res = client
        .post(server.url("/users"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(r#"{"username": "#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(first_detail(&body)["type"], "json_invalid");
    server.stop().await.unwrap();
}

// --- Failures, shutdown, protocols ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_answers_500_and_the_server_goes_on() {
    let server = TestServer::start(common::app()).await;
    let client = reqwest::Client::new();
    for path in ["/panic", "/panic-sync"] {
        let res = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert_eq!(res.text().await.unwrap(), "Internal Server Error");
        // The same client (and its kept-alive connection), then a fresh one.
        let res = client.get(server.url("/hello")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.text().await.unwrap(), HELLO);
        let res = reqwest::get(server.url("/hello")).await.unwrap();
        assert_eq!(res.text().await.unwrap(), HELLO);
    }
    server.stop().await.unwrap();
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
    let addr = server.addr;
    let url = server.url("/slow-started");
    let in_flight = tokio::spawn(async move {
        let res = reqwest::Client::new().get(url).timeout(PATIENCE).send().await?;
        let status = res.status();
        Ok::<_, reqwest::Error>((status, res.text().await?))
    });
    timeout(PATIENCE, started.notified()).await.expect("the slow handler starts");

    server.stop().await.expect("the server completes cleanly");

    let (status, body) = timeout(PATIENCE, in_flight)
        .await
        .expect("the in-flight request ends")
        .expect("the client task does not panic")
        .expect("the in-flight request gets its whole response");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "slow done");

    let refused = TcpStream::connect(addr).await;
    assert!(refused.is_err(), "a new connection was accepted after the shutdown");
}

/// Reads until the peer closes the connection (EOF or a reset), within the test's patience.
async fn closed_by_peer(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match timeout(PATIENCE, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_closes_idle_connections() {
    let server = TestServer::start(common::app()).await;
    // Accepted in order: `silent` (which never sends a byte) before `kept_alive`.
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    let mut kept_alive = TcpStream::connect(server.addr).await.unwrap();
    kept_alive.write_all(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut response = Vec::new();
    while !response.ends_with(HELLO.as_bytes()) {
        let mut buf = [0u8; 512];
        let n = timeout(PATIENCE, kept_alive.read(&mut buf)).await.unwrap().unwrap();
        assert_ne!(n, 0, "closed before the response: {:?}", String::from_utf8_lossy(&response));
        response.extend_from_slice(&buf[..n]);
    }
    assert!(response.starts_with(b"HTTP/1.1 200 OK\r\n"));

    server.stop().await.expect("the server completes with idle connections open");
    assert!(closed_by_peer(&mut kept_alive).await, "the kept-alive connection stays open");
    assert!(closed_by_peer(&mut silent).await, "the silent connection stays open");
}

#[tokio::test]
async fn http2_prior_knowledge_is_served() {
    let server = TestServer::start(common::app()).await;
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("an HTTP/2 handshake");
    let connection = tokio::spawn(connection);

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
    server.stop().await.unwrap();
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
    let body = reqwest::get(server.url("/peer")).await.unwrap().text().await.unwrap();
    assert_eq!(body, "127.0.0.1");
    server.stop().await.expect("stops");
    let mut service = App::new().get("/peer", peer).build().unwrap();
    let request =
        http::Request::get("/peer").body(http_body_util::Full::new(bytes::Bytes::new())).unwrap();
    let response = tower_service::Service::call(&mut service, request).await.unwrap();
    let body = response.into_body().collect().await.unwrap();
    assert_eq!(&body[..], b"none");
}
