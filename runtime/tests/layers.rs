//! tower-http's own layers through `App::layer`, over real HTTP: CORS preflight, gzip
//! compression, a timeout, a response header, tracing; each sees the response after the
//! pipeline (its cookies). A group's layers see the requests under its prefix only.
#![cfg(feature = "test-client")]

use std::io::Read as _;
use std::time::Duration;

use cookie_route::http::{HeaderValue, Method, StatusCode, header};
use cookie_route::{App, Cookie, Error, IntoResponse, Request, Response, TestServer};
use cookie_route_test_support::logs::Captured;
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

const TEXT: &str = "cookie-route sets cookies; cookie-route reads cookies; over and over again";

async fn text(_: Request) -> Result<Response, Error> {
    let mut response = TEXT.repeat(20).into_response();
    response.set_cookie(Cookie::new("seen", "1"))?;
    Ok(response)
}

async fn slow(_: Request) -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "too late"
}

fn app() -> App {
    App::new()
        .get("/text", text)
        .post("/text", text)
        .get("/slow", slow)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_millis(200),
        ))
        .layer(
            CorsLayer::new()
                .allow_origin(HeaderValue::from_static("https://app.example"))
                .allow_methods([Method::GET, Method::POST])
                .allow_credentials(true),
        )
}

#[tokio::test]
async fn tower_http_layers_wrap_the_app() {
    let server = TestServer::start(app()).await;
    let client = server.client();

    // CORS: a preflight answered by the layer, before routing (no OPTIONS route exists).
    let preflight = client
        .request(Method::OPTIONS, "/text")
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .send()
        .await;
    assert_eq!(preflight.status(), 200);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("https://app.example"));
    assert_eq!(preflight.header("access-control-allow-credentials"), Some("true"));

    // Compression: gzip when asked, the cookie the handler set still there, and the header
    // layer's value too.
    let zipped = client.get("/text").header("accept-encoding", "gzip").send().await;
    assert_eq!(zipped.status(), 200);
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert_eq!(zipped.header("cache-control"), Some("no-store"));
    assert!(zipped.set_cookie("seen").is_some(), "the pipeline's cookies pass the layers");
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(zipped.bytes()).read_to_string(&mut unzipped).unwrap();
    assert_eq!(unzipped, TEXT.repeat(20));
    let plain = client.get("/text").send().await;
    assert_eq!((plain.header("content-encoding"), plain.text()), (None, TEXT.repeat(20)));

    // Timeout: the layer answers 408 for the slow handler.
    let late = client.get("/slow").send().await;
    assert_eq!(late.status(), 408);

    // Routing still answers behind the layers: 404 and 405 as without them.
    assert_eq!(client.get("/nowhere").send().await.status(), 404);
    assert_eq!(client.request(Method::PUT, "/text").send().await.status(), 405);
}

#[tokio::test]
async fn the_in_process_client_goes_through_the_layers_too() {
    let client = cookie_route::TestClient::new(app());
    let response = client.get("/text").send().await;
    assert_eq!(response.header("cache-control"), Some("no-store"));
}

/// A response header layer that appends `value` to `x-layers`, to see which layers a
/// response went through, and in which order.
fn mark(value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::appending(
        header::HeaderName::from_static("x-layers"),
        HeaderValue::from_static(value),
    )
}

fn grouped() -> App {
    let api = App::new().get("/items", text).layer(mark("api")).layer(
        CorsLayer::new()
            .allow_origin(HeaderValue::from_static("https://app.example"))
            .allow_methods([Method::GET]),
    );
    let v1 = App::new().get("/stats", |_: Request| async { "stats" }).layer(mark("v1"));
    let admin = App::new().nest("/v1", v1).layer(mark("admin"));
    App::new().get("/items", text).nest("/api", api).nest("/admin", admin).layer(mark("app"))
}

/// The values of `x-layers`, in order.
fn layers(response: &cookie_route::TestResponse) -> Vec<&str> {
    response.headers().get_all("x-layers").iter().map(|v| v.to_str().unwrap()).collect()
}

#[tokio::test]
async fn a_groups_layers_see_the_requests_under_its_prefix_only() {
    let server = TestServer::start(grouped()).await;
    let client = server.client();

    let grouped = client.get("/api/items").send().await;
    assert_eq!(grouped.status(), 200);
    assert_eq!(layers(&grouped), ["api", "app"], "the group's layer inside the app's");
    assert!(grouped.set_cookie("seen").is_some(), "the pipeline's cookies pass them");
    let top = client.get("/items").send().await;
    assert_eq!(layers(&top), ["app"], "not the group's");

    // The group's CORS layer answers preflights for its paths (no OPTIONS route exists);
    // outside the group there is no CORS layer, so the same preflight is a 405.
    let preflight = |path: &'static str| {
        client
            .request(Method::OPTIONS, path)
            .header("origin", "https://app.example")
            .header("access-control-request-method", "GET")
            .send()
    };
    let inside = preflight("/api/items").await;
    assert_eq!(inside.status(), 200);
    assert_eq!(inside.header("access-control-allow-origin"), Some("https://app.example"));
    let outside = preflight("/items").await;
    assert_eq!(outside.status(), 405);
    assert_eq!(outside.header("access-control-allow-origin"), None);

    // 404s and 405s under the prefix went through the group's layers too.
    let missing = client.get("/api/nowhere").send().await;
    assert_eq!((missing.status().as_u16(), layers(&missing)), (404, vec!["api", "app"]));
    let wrong = client.post("/api/items").send().await;
    assert_eq!((wrong.status().as_u16(), layers(&wrong)), (405, vec!["api", "app"]));
    assert_eq!(layers(&client.get("/apix").send().await), ["app"], "a prefix is whole segments");

    // Nested groups: the inner group's layers inside the outer group's, inside the app's.
    let stats = client.get("/admin/v1/stats").send().await;
    assert_eq!((stats.text(), layers(&stats)), ("stats".to_owned(), vec!["v1", "admin", "app"]));
    let admin_missing = client.get("/admin/other").send().await;
    assert_eq!(layers(&admin_missing), ["admin", "app"]);
}

#[tokio::test]
async fn trace_layer_logs_each_request_with_its_status() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("tower_http=debug"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The in-process client runs the app on this (current-thread) runtime's thread.
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = cookie_route::TestClient::new(
        App::new().get("/text", text).layer(tower_http::trace::TraceLayer::new_for_http()),
    );
    assert_eq!(client.get("/text").send().await.status(), 200);
    assert_eq!(client.get("/nowhere").send().await.status(), 404);
    let logs = captured.text();
    let finished: Vec<&str> =
        logs.lines().filter(|l| l.contains("finished processing request")).collect();
    assert_eq!(finished.len(), 2, "{logs}");
    assert!(finished[0].contains("status=200") && finished[0].contains("uri=/text"), "{logs}");
    assert!(finished[1].contains("status=404") && finished[1].contains("uri=/nowhere"), "{logs}");
}
