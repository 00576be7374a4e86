//! tower-http's own layers through `App::layer`, over real HTTP: CORS preflight, gzip
//! compression, a timeout, a response header; each sees the response after the pipeline
//! (its cookies), and the app without layers is called directly.
#![cfg(feature = "test-client")]

use std::io::Read as _;
use std::time::Duration;

use cookie_route::http::{HeaderValue, Method, StatusCode, header};
use cookie_route::{App, Cookie, Error, IntoResponse, Request, Response, TestServer};
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

#[test]
fn a_group_with_layers_is_refused() {
    let group = App::new().get("/x", text).layer(CompressionLayer::new());
    let Err(cookie_route::StartError::Routes(errors)) = App::new().nest("/api", group).build()
    else {
        panic!("a group's layers were accepted")
    };
    assert!(errors[0].contains("tower layers"), "{errors:?}");
}
