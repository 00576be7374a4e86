#![cfg(feature = "test-client")]
//! Hostile input and load over real sockets: the limits (`Limits`) as a client meets them,
//! malformed and smuggling requests written byte for byte on a `TcpStream`, handlers that
//! panic under concurrent load, and the regressions the fuzz targets (`fuzz/`) found.
//!
//! Every wait is bounded by `PATIENCE`, so a broken limit fails a test instead of hanging it;
//! no test asserts how fast anything is.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[cfg(feature = "http2")]
use bytes::Bytes;
use cookie_route::cookie::{Cookie, Expiration};
#[cfg(feature = "http2")]
use cookie_route::http;
use cookie_route::http::header::SET_COOKIE;
use cookie_route::time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};
use cookie_route::{App, Error, Json, Keys, Limits, Request, Response, StatusCode, TestServer};
#[cfg(feature = "http2")]
use cookie_route_test_support::h2c;
use cookie_route_test_support::raw::{
    Exchange, Read, closed_by_peer, exchange, read_one, read_response, trickle,
};
use cookie_route_test_support::{PATIENCE, assert_stops, patiently};
#[cfg(feature = "http2")]
use http_body_util::{BodyExt, Empty};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// The body limit of the app under test.
const BODY_LIMIT: usize = 1024;
/// The smallest header limit `Limits` accepts, so that a modest request exceeds it.
const HEADER_LIMIT: usize = 8 * 1024;

// --- The server under test --------------------------------------------------------------------

/// The app under test with `limits`, served on a port of its own.
async fn start(limits: Limits) -> TestServer {
    TestServer::start(app().limits(limits)).await
}

/// The limits most tests use: small enough for a test to exceed, timeouts short enough for
/// the timeout tests (and long enough for the others not to meet them).
fn limits() -> Limits {
    Limits::default()
        .with_max_body_bytes(BODY_LIMIT)
        .with_max_header_bytes(HEADER_LIMIT)
        .with_max_headers(32)
}

fn app() -> App {
    App::new()
        .get("/hello", |_: Request| async { "Hello, World!" })
        .post("/echo", echo)
        .get("/cookies", cookies)
        .get("/cookie/{name}", cookie)
        .get("/query", query)
        .get("/p/{x}", param)
        .get("/n/{id}", number)
        .get("/panic", |_: Request| async { panicking() })
        .get("/panic-sync", panics_before_the_future)
        .get("/ok/{n}", |request: Request| async move {
            format!("ok {}", request.param("n").unwrap_or_default())
        })
        .keys(Keys::from_secret("hostile-tests-secret-of-at-least-32-bytes").expect("a secret"))
}

fn panicking() -> &'static str {
    panic!("a handler panicked on purpose")
}

fn panics_before_the_future(_: Request) -> std::future::Ready<&'static str> {
    panic!("a handler panicked on purpose, synchronously")
}

/// The length of the body it read.
async fn echo(request: Request) -> Result<String, Error> {
    Ok(request.bytes().await?.len().to_string())
}

/// Every cookie as JSON, and the names of those that open as signed or private cookies
/// (none of the garbage the tests send may).
async fn cookies(request: Request) -> Json<Value> {
    let all: Vec<Value> = request.cookies().map(|(n, v)| json!([n, v])).collect();
    let names: Vec<String> = request.cookies().map(|(n, _)| n.to_owned()).collect();
    let opened: Vec<&String> = names
        .iter()
        .filter(|n| request.signed_cookie(n).is_some() || request.private_cookie(n).is_some())
        .collect();
    Json(json!({ "cookies": all, "opened": opened }))
}

async fn cookie(request: Request) -> Json<Value> {
    let name = request.param("name").unwrap_or_default().into_owned();
    Json(json!({ "value": request.cookie(&name) }))
}

async fn query(request: Request) -> Json<Value> {
    Json(json!({ "q": request.query_value("q") }))
}

async fn param(request: Request) -> Json<Value> {
    Json(json!({ "x": request.param("x") }))
}

async fn number(request: Request) -> Result<Json<Value>, Error> {
    let id: i64 = request.path_param("id")?;
    Ok(Json(json!({ "id": id })))
}

/// `GET /hello` on a fresh connection: the server is still serving.
async fn still_serves(server: &TestServer) {
    let res = patiently("the server answers", server.client().get("/hello").send()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text(), "Hello, World!");
}

// --- Oversized heads: 431 ---------------------------------------------------------------------

#[tokio::test]
async fn a_head_over_max_header_bytes_is_431() {
    let server = start(limits()).await;
    // One header larger than the whole head may be.
    let big = "x".repeat(HEADER_LIMIT * 2);
    let request = format!("GET /hello HTTP/1.1\r\nHost: a\r\nX-Big: {big}\r\n\r\n");
    let ex = exchange(server.local_addr(), request.as_bytes()).await;
    assert_eq!(ex.responses.len(), 1, "one answer");
    assert_eq!(ex.responses[0].status, 431);
    assert!(ex.closed, "the connection closes after a 431");

    // A Cookie header of 40 KiB against the default limit (32 KiB).
    let server_default = start(Limits::default()).await;
    let jar = (0..2000).map(|i| format!("c{i}=v{i:012}")).collect::<Vec<_>>().join("; ");
    assert!(jar.len() > 32 * 1024);
    let request = format!("GET /cookies HTTP/1.1\r\nHost: a\r\nCookie: {jar}\r\n\r\n");
    let ex = exchange(server_default.local_addr(), request.as_bytes()).await;
    assert_eq!(ex.responses.len(), 1);
    assert_eq!(ex.responses[0].status, 431);
    assert!(ex.closed);

    still_serves(&server).await;
    still_serves(&server_default).await;
    assert_stops(server.stop()).await;
    assert_stops(server_default.stop()).await;
}

#[tokio::test]
async fn more_headers_than_max_headers_is_431() {
    let server = start(limits()).await;
    let mut request = String::from("GET /hello HTTP/1.1\r\nHost: a\r\n");
    for i in 0..40 {
        request.push_str(&format!("X-H{i}: {i}\r\n"));
    }
    request.push_str("\r\n");
    let ex = exchange(server.local_addr(), request.as_bytes()).await;
    assert_eq!(ex.responses.len(), 1);
    assert_eq!(ex.responses[0].status, 431);
    assert!(ex.closed);
    still_serves(&server).await;
    assert_stops(server.stop()).await;
}

// --- Oversized and lying bodies: 413, 400 -----------------------------------------------------

#[tokio::test]
async fn a_declared_body_over_the_limit_is_413_before_it_is_sent() {
    let server = start(limits()).await;
    // Declares 10 MB, sends none of it: the answer must not wait for the body.
    let request = "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10000000\r\n\r\n";
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let response = read_response(&mut stream, &mut buf).await;
    assert_eq!(response.status, 413);
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(body["detail"][0]["type"], "too_large");

    // And with an HTTP client, one byte over.
    let client = server.client();
    let res = client.post("/echo").body(vec![b'x'; BODY_LIMIT + 1]).send();
    assert_eq!(patiently("the 413", res).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let res = client.post("/echo").body(vec![b'x'; BODY_LIMIT]).send();
    assert_eq!(patiently("the echo", res).await.text(), BODY_LIMIT.to_string());
    assert_stops(server.stop()).await;
}

/// A chunked request head for `POST /echo`.
const CHUNKED_HEAD: &str = "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413_without_reading_it_all() {
    let server = start(limits()).await;
    // Honest chunks, 2x the limit in all, then the end.
    let mut request = CHUNKED_HEAD.as_bytes().to_vec();
    for _ in 0..8 {
        request.extend_from_slice(b"100\r\n");
        request.extend(std::iter::repeat_n(b'x', 0x100));
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let ex = exchange(server.local_addr(), &request).await;
    assert_eq!(ex.responses.len(), 1, "one answer to a chunked body over the limit");
    assert_eq!(ex.responses[0].status, 413);

    // One chunk that announces a gigabyte, 2 KiB of it sent, then the client stalls with
    // the connection open: the server answers 413 once the limit is crossed.
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream.write_all(CHUNKED_HEAD.as_bytes()).await.unwrap();
    stream.write_all(b"40000000\r\n").await.unwrap();
    stream.write_all(&[b'x'; 2 * BODY_LIMIT]).await.unwrap();
    let mut buf = Vec::new();
    let response = read_response(&mut stream, &mut buf).await; // while the client stalls
    assert_eq!(response.status, 413);
    still_serves(&server).await;
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn chunks_that_lie_about_their_size_are_a_client_error() {
    let server = start(limits()).await;
    let cases: &[(&str, &[u8])] = &[
        // Says 16 bytes, sends 32 before the CRLF.
        ("longer than announced", b"10\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n0\r\n\r\n"),
        // A size that overflows 64 bits.
        ("overflowing size", b"fffffffffffffffffffff\r\nx\r\n0\r\n\r\n"),
        // Not hexadecimal.
        ("not a size", b"zz\r\nxx\r\n0\r\n\r\n"),
        // Negative.
        ("negative size", b"-5\r\nxxxxx\r\n0\r\n\r\n"),
        // A size, then the connection is half-closed before the data.
        ("shorter than announced", b"400\r\nxxxx"),
    ];
    for (what, chunks) in cases {
        let mut request = CHUNKED_HEAD.as_bytes().to_vec();
        request.extend_from_slice(chunks);
        let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
        stream.write_all(&request).await.unwrap();
        stream.shutdown().await.unwrap(); // no more bytes will come
        let mut buf = Vec::new();
        let mut responses = Vec::new();
        let mut closed = false;
        while !closed {
            match read_one(&mut stream, &mut buf).await {
                Read::Response(r) => responses.push(r),
                Read::Closed => closed = true,
                Read::Silent => break,
            }
        }
        assert!(closed, "{what}: the connection stays open after a broken body");
        // Either a 400 or the connection closed without an answer: never a 200 that took
        // a lie for a body.
        assert!(responses.len() <= 1, "{what}: {responses:?}");
        if let Some(r) = responses.first() {
            assert_eq!(r.status, 400, "{what}: {r:?}");
        }
    }
    still_serves(&server).await;
    assert_stops(server.stop()).await;
}

// --- Slow clients -----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_sending_its_head_byte_by_byte_is_disconnected_while_others_are_served() {
    let read_timeout = Duration::from_secs(1);
    let server = start(limits().with_header_read_timeout(read_timeout)).await;
    let addr = server.local_addr();
    // 30 s of head at one byte every 100 ms, unless the server hangs up first.
    let slow = tokio::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let head = format!("GET /hello HTTP/1.1\r\nHost: a\r\nX-Slow: {}\r\n\r\n", "s".repeat(300));
        trickle(&mut stream, head.as_bytes(), Duration::from_millis(100)).await
    });
    // Meanwhile, another client is served, more than once.
    for _ in 0..5 {
        still_serves(&server).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ended = timeout(Duration::from_secs(60), slow).await.unwrap().unwrap();
    let after = ended.expect("the slow client sent its whole head");
    // Not a speed check: only that it was the header read timeout (1 s), neither an
    // immediate refusal nor the end of the 30 s head, that ended it.
    assert!(after >= read_timeout / 2 && after < PATIENCE, "disconnected after {after:?}");
    still_serves(&server).await;
    assert_stops(server.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_read_timeout_also_holds_for_the_next_request_on_a_kept_alive_connection() {
    let read_timeout = Duration::from_secs(1);
    let limits =
        limits().with_header_read_timeout(read_timeout).with_idle_timeout(Duration::from_secs(30));
    let server = start(limits).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream.write_all(b"GET /hello HTTP/1.1\r\nHost: a\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    assert_eq!(read_response(&mut stream, &mut buf).await.status, 200);
    // The second head, one byte every 100 ms: 30 s in all unless cut off.
    let head = format!("GET /hello HTTP/1.1\r\nHost: a\r\nX-Slow: {}\r\n\r\n", "s".repeat(300));
    let ended = trickle(&mut stream, head.as_bytes(), Duration::from_millis(100)).await;
    let after = ended.expect("the slow second head was read to the end");
    assert!(after < PATIENCE, "disconnected only after {after:?}");
    assert_stops(server.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_no_handler_reads_cannot_hold_the_connection_by_trickling() {
    // `GET /hello` does not read its body; the client declares 100 kB and sends a byte every
    // 100 ms. The server answers, and must not keep reading (and so keep the connection
    // "active" for the idle timeout) for as long as the client cares to trickle.
    let limits = limits()
        .with_idle_timeout(Duration::from_secs(1))
        .with_body_read_timeout(Duration::from_secs(2))
        .with_max_body_bytes(1_000_000);
    let server = start(limits).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream
        .write_all(b"GET /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let response = read_response(&mut stream, &mut buf).await;
    assert_eq!(response.status, 200);
    let ended = trickle(&mut stream, &[b'x'; 300], Duration::from_millis(100)).await;
    let after = ended.expect("the connection stayed open through 30 s of trickled body");
    assert!(after < PATIENCE, "disconnected only after {after:?}");
    still_serves(&server).await;
    assert_stops(server.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_a_large_response_is_disconnected() {
    // 32 MiB that the client never reads: once the socket buffers are full nothing moves, and
    // the idle timeout (1 s) closes the connection rather than holding it (and the 32 MiB)
    // for as long as the client likes.
    const SIZE: usize = 32 * 1024 * 1024;
    let app = app().get("/large", |_: Request| async { vec![b'x'; SIZE] });
    let server =
        TestServer::start(app.limits(limits().with_idle_timeout(Duration::from_secs(1)))).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream.write_all(b"GET /large HTTP/1.1\r\nHost: a\r\n\r\n").await.unwrap();
    // Not reading for 4 s: four idle timeouts.
    tokio::time::sleep(Duration::from_secs(4)).await;
    // Now read what the buffers hold: the connection must end well before 32 MiB.
    let mut total = 0usize;
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match timeout(PATIENCE, stream.read(&mut chunk)).await {
            Err(_) => panic!("the connection is silent but open after {total} bytes"),
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => total += n,
        }
    }
    assert!(total < SIZE, "the whole response ({total} bytes) was kept for a stalled client");
    assert_stops(server.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_over_max_connections_wait_are_closed_and_the_server_goes_on() {
    let idle = Duration::from_secs(1);
    let limits = limits()
        .with_max_connections(8)
        .with_idle_timeout(idle)
        // Long, so that it is the idle timeout that closes silent connections.
        .with_header_read_timeout(Duration::from_secs(60));
    let server = start(limits).await;

    // 20 connections that never send a byte: 8 are served, 12 wait in the backlog.
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(TcpStream::connect(server.local_addr()).await.expect("the backlog takes it"));
    }
    // While the first 8 hold every permit, a 21st client is not answered (the idle timeout
    // is 1 s away, so 300 ms is far from it).
    let mut waiting = TcpStream::connect(server.local_addr()).await.unwrap();
    waiting.write_all(b"GET /hello HTTP/1.1\r\nHost: a\r\n\r\n").await.unwrap();
    let mut probe = [0u8; 64];
    let early = timeout(Duration::from_millis(300), waiting.read(&mut probe)).await;
    assert!(early.is_err(), "answered beyond max_connections: {early:?}");

    // Once idle connections are closed by the idle timeout, it is served.
    let mut buf = Vec::new();
    let response = read_response(&mut waiting, &mut buf).await; // served in the end
    assert_eq!(response.status, 200);
    drop(waiting);
    // And every silent connection is closed by the server.
    for (i, stream) in silent.iter_mut().enumerate() {
        assert!(closed_by_peer(stream).await, "silent connection {i} is still open");
    }

    // 20 more that the clients close themselves: the permits come back at once.
    let mut more = Vec::new();
    for _ in 0..20 {
        more.push(TcpStream::connect(server.local_addr()).await.unwrap());
    }
    drop(more);
    for _ in 0..3 {
        still_serves(&server).await;
    }
    assert_stops(server.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_alive_connection_is_closed_after_the_idle_timeout() {
    let server = start(limits().with_idle_timeout(Duration::from_secs(1))).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream.write_all(b"GET /hello HTTP/1.1\r\nHost: a\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    let response = read_response(&mut stream, &mut buf).await;
    assert_eq!(response.status, 200);
    assert_ne!(response.header("connection"), Some("close"));
    assert!(closed_by_peer(&mut stream).await, "the idle kept-alive connection stays open");
    assert_stops(server.stop()).await;
}

#[cfg(feature = "http2")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_connection_between_requests_is_not_held_to_the_header_read_timeout() {
    // The header read timeout is HTTP/1's (a head trickled byte by byte); an HTTP/2
    // connection waiting between requests is governed by the idle timeout only.
    let limits = limits()
        .with_header_read_timeout(Duration::from_secs(1))
        .with_idle_timeout(Duration::from_secs(30));
    let server = start(limits).await;
    let (mut sender, connection) = h2c::connect(server.local_addr()).await;
    for round in 0..2 {
        if round > 0 {
            tokio::time::sleep(Duration::from_millis(2500)).await;
        }
        let request = http::Request::get(server.url("/hello")).body(Empty::<Bytes>::new());
        let res = timeout(PATIENCE, sender.send_request(request.unwrap())).await.unwrap();
        let res = res.unwrap_or_else(|e| panic!("request {round} on the connection failed: {e}"));
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert!(!connection.is_finished(), "the connection was closed");
    drop(sender);
    assert_stops(server.stop()).await;
}

#[cfg(feature = "http2")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_http2_connections_are_closed_after_the_idle_timeout_and_free_their_slots() {
    // `Limits::idle_timeout`: no request in flight, none started or finished, and nothing
    // written to the client (HTTP/1.1 keep-alive and HTTP/2 alike). The server sends no
    // keep-alive PINGs; frames a client sends by itself must not keep it open.
    let limits = limits().with_max_connections(4).with_idle_timeout(Duration::from_secs(1));
    let server = start(limits).await;
    let mut connections = Vec::new();
    let mut senders = Vec::new();
    for i in 0..4 {
        let (mut sender, connection) = h2c::connect(server.local_addr()).await;
        connections.push(connection);
        if i == 0 {
            // One of them makes a request first; the others only shake hands.
            let request = http::Request::get(server.url("/hello")).body(Empty::<Bytes>::new());
            let res = timeout(PATIENCE, sender.send_request(request.unwrap())).await.unwrap();
            let res = res.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            let body = res.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(body, "Hello, World!".as_bytes());
        }
        senders.push(sender); // kept: only the server can end these connections
    }
    // Every slot is taken by an idle HTTP/2 connection: an HTTP/1.1 client waits in the
    // backlog until the idle timeout frees one.
    let mut waiting = TcpStream::connect(server.local_addr()).await.unwrap();
    waiting
        .write_all(b"GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    match read_one(&mut waiting, &mut buf).await {
        Read::Response(r) => assert_eq!(r.status, 200),
        other => panic!(
            "an HTTP/1.1 client is not served while idle HTTP/2 connections hold every slot: {other:?}"
        ),
    }
    for (i, connection) in connections.into_iter().enumerate() {
        let ended = timeout(PATIENCE, connection).await;
        assert!(ended.is_ok(), "idle HTTP/2 connection {i} is still open after {PATIENCE:?}");
    }
    drop(senders);
    assert_stops(server.stop()).await;
}

// --- Bytes that are not what they should be ----------------------------------------------------

#[tokio::test]
async fn invalid_utf8_and_non_ascii_never_panic_and_answer_4xx_or_a_handled_response() {
    let server = start(limits()).await;
    let cases: &[(&str, &[u8])] = &[
        (
            "invalid UTF-8 cookie",
            b"GET /cookies HTTP/1.1\r\nHost: a\r\nCookie: a=\xff\xfe; b=1\r\n\r\n",
        ),
        (
            "UTF-8 cookie",
            "GET /cookies HTTP/1.1\r\nHost: a\r\nCookie: caf\u{e9}=cr\u{e8}me; b=1\r\n\r\n"
                .as_bytes(),
        ),
        (
            "invalid UTF-8 cookie name",
            b"GET /cookie/b HTTP/1.1\r\nHost: a\r\nCookie: \xc3\x28=1; b=\x80\x80\r\n\r\n",
        ),
        (
            "control characters in a cookie",
            b"GET /cookies HTTP/1.1\r\nHost: a\r\nCookie: a=\x01\x02; b=\x7f; c=1\r\n\r\n",
        ),
        ("raw UTF-8 in the path", "GET /p/caf\u{e9} HTTP/1.1\r\nHost: a\r\n\r\n".as_bytes()),
        ("raw invalid UTF-8 in the path", b"GET /p/\xff\xfe HTTP/1.1\r\nHost: a\r\n\r\n"),
        (
            "percent-encoded invalid UTF-8 in a parameter",
            b"GET /p/%ff%fe%00 HTTP/1.1\r\nHost: a\r\n\r\n",
        ),
        ("percent-encoded invalid UTF-8 as a number", b"GET /n/%ff HTTP/1.1\r\nHost: a\r\n\r\n"),
        (
            "percent-encoded invalid UTF-8 in the query",
            b"GET /query?q=%ff%c3%28 HTTP/1.1\r\nHost: a\r\n\r\n",
        ),
        (
            "raw non-ASCII in the query",
            "GET /query?q=\u{e9}\u{1f36a} HTTP/1.1\r\nHost: a\r\n\r\n".as_bytes(),
        ),
        ("a broken percent escape", b"GET /p/%zz%4 HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("non-ASCII in a header name", b"GET /hello HTTP/1.1\r\nHost: a\r\nX-\xff: 1\r\n\r\n"),
        ("a NUL in a header value", b"GET /hello HTTP/1.1\r\nHost: a\r\nX-A: a\x00b\r\n\r\n"),
        ("a bare LF line end", b"GET /hello HTTP/1.1\nHost: a\nConnection: close\n\n"),
        ("a bare CR in a header", b"GET /hello HTTP/1.1\r\nHost: a\rX-A: b\r\n\r\n"),
        ("not HTTP at all", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"),
    ];
    for (what, request) in cases {
        let mut with_close = request.to_vec();
        // Ask for the connection to close after the answer, where the head can carry it.
        if let Some(at) = with_close.windows(4).position(|w| w == b"\r\n\r\n") {
            with_close.splice(at..at, b"\r\nConnection: close".iter().copied());
        }
        let Exchange { responses, closed } = exchange(server.local_addr(), &with_close).await;
        assert!(responses.len() <= 1, "{what}: {responses:?}");
        assert!(closed, "{what}: the connection stays open");
        if let Some(r) = responses.first() {
            assert!(
                (200..300).contains(&r.status) || (400..500).contains(&r.status),
                "{what}: {r:?}"
            );
            if (200..300).contains(&r.status) {
                let body: Result<Value, _> = serde_json::from_slice(&r.body);
                assert!(body.is_ok() || r.body == b"Hello, World!", "{what}: {r:?}");
            }
        }
        still_serves(&server).await;
    }
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn bytes_a_handler_reads_come_back_as_documented() {
    let server = start(limits()).await;
    let read = |request: &'static [u8]| {
        let addr = server.local_addr();
        async move {
            let r = exchange(addr, request).await.responses.into_iter().next().expect("an answer");
            let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            (r.status, body)
        }
    };
    // A cookie with invalid UTF-8 is left out; the others are read.
    let (status, body) =
        read(b"GET /cookies HTTP/1.1\r\nConnection: close\r\nCookie: a=\xff; b=1\r\n\r\n").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({ "cookies": [["b", "1"]], "opened": [] }));
    // Values shaped like signed and private cookies, forged: they do not open.
    let (status, body) = read(
        b"GET /cookies HTTP/1.1\r\nConnection: close\r\nCookie: session=gRx08H10AAAA=session||1795512744.7b7d; \
          p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["cookies"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["opened"], json!([]));
    // Percent-encoded invalid UTF-8 in a parameter is decoded lossily.
    let (status, body) = read(b"GET /p/%ff%41 HTTP/1.1\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({ "x": "\u{fffd}A" }));
    // As a number it is a 422 at ["path", "id"].
    let (status, body) = read(b"GET /n/%ff HTTP/1.1\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["loc"], json!(["path", "id"]));
    // In the query, lossily too.
    let (status, body) = read(b"GET /query?q=%ff HTTP/1.1\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({ "q": "\u{fffd}" }));
    assert_stops(server.stop()).await;
}

// --- Request smuggling ------------------------------------------------------------------------

/// A request that a server reading the body one way, and a proxy the other, would split
/// differently: what follows the first body is a whole second request, `GET /hello`.
const SMUGGLED: &str = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";

/// Sends `head` + `body` + `SMUGGLED`, and checks the server answers at most one request on
/// the connection: a 400, or an answer followed by the connection's end.
async fn assert_not_smuggled(server: &TestServer, what: &str, head: &str, body: &str) {
    let request = format!("{head}\r\n{body}{SMUGGLED}");
    let Exchange { responses, closed } = exchange(server.local_addr(), request.as_bytes()).await;
    assert!(
        responses.len() <= 1,
        "{what}: {} responses on one connection: {:?}",
        responses.len(),
        responses.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    if let Some(r) = responses.first() {
        assert!(r.status == 400 || r.status == 413, "{what}: {r:?}");
    }
    assert!(closed, "{what}: the connection stays open after a refused request");
}

#[tokio::test]
async fn conflicting_length_headers_are_refused() {
    let server = start(limits()).await;
    let post = "POST /echo HTTP/1.1\r\nHost: a\r\n";
    // Two different lengths: neither can be trusted.
    assert_not_smuggled(
        &server,
        "double Content-Length",
        &format!("{post}Content-Length: 3\r\nContent-Length: 40\r\n"),
        "abc",
    )
    .await;
    assert_not_smuggled(
        &server,
        "Content-Length list",
        &format!("{post}Content-Length: 3, 40\r\n"),
        "abc",
    )
    .await;
    assert_not_smuggled(
        &server,
        "signed Content-Length",
        &format!("{post}Content-Length: +3\r\n"),
        "abc",
    )
    .await;
    // A transfer coding the server does not know (chunked is not the last).
    assert_not_smuggled(
        &server,
        "chunked, then identity",
        &format!("{post}Transfer-Encoding: chunked, identity\r\n"),
        "0\r\n\r\n",
    )
    .await;
    assert_not_smuggled(
        &server,
        "an unknown coding",
        &format!("{post}Transfer-Encoding: xchunked\r\n"),
        "0\r\n\r\n",
    )
    .await;
    // Whitespace between the field name and the colon (RFC 9112 §5.1: 400).
    assert_not_smuggled(
        &server,
        "space before the colon",
        &format!("{post}Transfer-Encoding : chunked\r\nContent-Length: 5\r\n"),
        "0\r\n\r\n",
    )
    .await;
    // HTTP/1.0 has no chunked coding.
    assert_not_smuggled(
        &server,
        "chunked in HTTP/1.0",
        "POST /echo HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n",
        "0\r\n\r\n",
    )
    .await;
    still_serves(&server).await;
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn content_length_with_transfer_encoding_closes_after_one_answer() {
    let server = start(limits()).await;
    // RFC 9112 §6.3: with both, Transfer-Encoding wins and the server must close the
    // connection after answering, whichever header comes first. Read as chunked, the body
    // is "0\r\n\r\n" and `GET /hello` would be a second request.
    for (what, head) in [
        (
            "CL then TE",
            "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        ),
        (
            "TE then CL",
            "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        ),
    ] {
        let request = format!("{head}\r\n0\r\n\r\n{SMUGGLED}");
        let Exchange { responses, closed } =
            exchange(server.local_addr(), request.as_bytes()).await;
        assert!(
            responses.len() <= 1,
            "{what}: {} responses on one connection: {:?}",
            responses.len(),
            responses
                .iter()
                .map(|r| (r.status, String::from_utf8_lossy(&r.body)))
                .collect::<Vec<_>>()
        );
        assert!(closed, "{what}: the connection stays open after the answer");
    }
    still_serves(&server).await;
    assert_stops(server.stop()).await;
}

// --- Panics under load ------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handlers_panicking_under_concurrent_load_answer_500_and_the_rest_200() {
    const CONNECTIONS: usize = 20;
    const PER_CONNECTION: usize = 10;
    let server = start(limits()).await;
    let ok = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let addr = server.local_addr();
        let (ok, failed) = (ok.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            // Every request on one kept-alive connection, one after the other.
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let mut buf = Vec::new();
            for r in 0..PER_CONNECTION {
                let n = c * PER_CONNECTION + r;
                let panics = n.is_multiple_of(3);
                let path = match (panics, n.is_multiple_of(2)) {
                    (true, true) => "/panic".to_owned(),
                    (true, false) => "/panic-sync".to_owned(),
                    (false, _) => format!("/ok/{n}"),
                };
                let request = format!("GET {path} HTTP/1.1\r\nHost: a\r\n\r\n");
                stream.write_all(request.as_bytes()).await.unwrap();
                let response = match read_one(&mut stream, &mut buf).await {
                    Read::Response(response) => response,
                    other => panic!("connection {c}, request {r} ({path}): {other:?}"),
                };
                if panics {
                    assert_eq!(response.status, 500, "{path}");
                    assert_eq!(response.body, b"Internal Server Error");
                    failed.fetch_add(1, Ordering::Relaxed);
                } else {
                    assert_eq!(response.status, 200, "{path}");
                    assert_eq!(response.body, format!("ok {n}").as_bytes());
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for task in tasks {
        timeout(PATIENCE * 3, task).await.expect("the load finishes").expect("no client failed");
    }
    let total = CONNECTIONS * PER_CONNECTION;
    assert_eq!(failed.load(Ordering::Relaxed), total.div_ceil(3));
    assert_eq!(ok.load(Ordering::Relaxed), total - total.div_ceil(3));
    still_serves(&server).await;
    assert_stops(server.stop()).await;
}

// --- Regressions found by the fuzz targets -----------------------------------------------------
//
// `fuzz/fuzz_targets/set_cookie.rs` checks that whatever `Response::set_cookie` accepts parses
// back (with the `cookie` crate, as a browser would read it) to what was asked. These are the
// cases it found that did not; each was fixed in the runtime, and each is a test here so that
// it stays fixed.

/// The one `Set-Cookie` header `cookie` gives, or the refusal.
fn rendered(cookie: Cookie<'static>) -> Option<String> {
    let mut response = Response::new();
    response.set_cookie(cookie).ok()?;
    let value = response.headers().get(SET_COOKIE).expect("a Set-Cookie header");
    Some(value.to_str().expect("visible ASCII").to_owned())
}

#[test]
fn a_domain_that_is_not_a_host_name_is_refused() {
    // Found by the set_cookie fuzz target: Domain="" renders `...; Domain=`, read back as no
    // Domain at all. "." and "..x" are the same family (one dot is dropped when rendering, one
    // more when parsing).
    for domain in ["", ".", "..example.com"] {
        let cookie = Cookie::build(("a", "b")).domain(domain).build();
        if let Some(header) = rendered(cookie) {
            let parsed = Cookie::parse(header.clone()).unwrap();
            let asked = domain.strip_prefix('.').unwrap_or(domain);
            assert_eq!(parsed.domain(), Some(asked), "Domain {domain:?} sent as {header:?}");
        }
    }
}

#[test]
fn attribute_values_with_outer_whitespace_are_refused() {
    // Found by the set_cookie fuzz target: Path="      " renders `Path=      `, which every
    // parser (RFC 6265 §5.2) trims to an empty path, i.e. the request's default path.
    for path in ["      ", " /admin", "/app "] {
        let cookie = Cookie::build(("a", "b")).path(path).build();
        if let Some(header) = rendered(cookie) {
            let parsed = Cookie::parse(header.clone()).unwrap();
            assert_eq!(parsed.path(), Some(path), "Path {path:?} sent as {header:?}");
        }
    }
    let cookie = Cookie::build(("a", "b")).domain(" example.com ").build();
    if let Some(header) = rendered(cookie) {
        let parsed = Cookie::parse(header.clone()).unwrap();
        assert_eq!(parsed.domain(), Some(" example.com "), "sent as {header:?}");
    }
}

#[test]
fn an_expires_before_1601_is_not_sent_as_a_future_date() {
    // Found by the set_cookie fuzz target: Expires in the year 64 renders
    // `Expires=Sun, 27 Jul 64 05:24:15 GMT`, which clients read as 2064: a cookie meant to be
    // long expired lives for decades. Refusing it, or sending the epoch instead (still in the
    // past), would both do.
    let now = OffsetDateTime::now_utc();
    for year in [64, 99, 1000, 1600] {
        let date = Date::from_calendar_date(year, Month::July, 27).unwrap();
        let at = PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc();
        let cookie = Cookie::build(("a", "b")).expires(Expiration::DateTime(at)).build();
        if let Some(header) = rendered(cookie) {
            let parsed = Cookie::parse(header.clone()).unwrap();
            let read = parsed.expires_datetime();
            assert!(
                read.is_some_and(|t| t < now),
                "Expires in {year} sent as {header:?}, read back as {read:?}"
            );
        }
    }
}
