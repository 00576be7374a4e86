//! Cross-origin protection over real HTTP, on by default: unsafe requests a browser sends
//! for another site (`Sec-Fetch-Site: cross-site` or `same-site`, a foreign `Origin`,
//! `Origin: null`) are refused with 403; same-origin ones, trusted origins, clients that send
//! neither header, safe methods and routes that opt out pass. Configured in code and in a
//! routes file.
#![cfg(feature = "test-client")]

use cookie_route::http::Method;
use cookie_route::prelude::*;
use cookie_route::{CrossOrigin, StartError, TestServer};

mod handlers {
    pub(crate) async fn save() -> &'static str {
        "saved"
    }
    pub(crate) async fn webhook() -> &'static str {
        "hooked"
    }
}

mod file {
    use super::handlers;
    cookie_route::routes!("tests/fixtures/cross_origin_routes.toml");
}

#[cookie_route(POST "/notes")]
async fn save_note() -> &'static str {
    "saved"
}

#[cookie_route(GET "/notes")]
async fn list_notes() -> &'static str {
    "notes"
}

#[cookie_route(POST "/hooks/payment", cross_origin = false)]
async fn payment_hook() -> &'static str {
    "hooked"
}

fn app() -> App {
    file::app()
        .route(Method::DELETE, "/notes/{id}", |_: Request| async { "deleted" })
        .put("/notes/{id}", |_: Request| async { "put" })
        .nest(
            "/partners",
            App::new().post("/ping", |_: Request| async { "pong" }).skip_cross_origin_check(),
        )
}

/// `method path` with `headers`: the status and body.
async fn send(
    server: &TestServer,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let client = server.client();
    let mut request = client.request(method, path);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().await;
    (response.status().as_u16(), response.text())
}

#[tokio::test]
async fn requests_a_browser_sends_for_another_site_are_refused() {
    let server = TestServer::start(app()).await;
    let own = format!("http://{}", server.local_addr());
    let refused: &[&[(&str, &str)]] = &[
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")],
        &[("origin", "https://evil.example")],
        &[("origin", "null")],
        &[("origin", "http://127.0.0.1:1")],
    ];
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let path = if method == Method::POST { "/notes" } else { "/notes/7" };
        for headers in refused {
            let (status, body) = send(&server, method.clone(), path, headers).await;
            assert_eq!(status, 403, "{method} {path} {headers:?}: {body}");
            assert_eq!(body, r#"{"detail":"Cross-origin request refused"}"#);
        }
        let allowed: &[&[(&str, &str)]] = &[
            &[("sec-fetch-site", "same-origin")],
            &[("sec-fetch-site", "none")],
            &[("origin", own.as_str())],
            &[("sec-fetch-site", "same-origin"), ("origin", own.as_str())],
            &[],
        ];
        for headers in allowed {
            let (status, body) = send(&server, method.clone(), path, headers).await;
            assert_eq!(status, 200, "{method} {path} {headers:?}: {body}");
        }
    }
    // Safe methods always pass, from anywhere.
    let (status, body) = send(
        &server,
        Method::GET,
        "/notes",
        &[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")],
    )
    .await;
    assert_eq!((status, body.as_str()), (200, "notes"));
}

#[tokio::test]
async fn a_browser_asking_for_a_page_gets_a_page() {
    let server = TestServer::start(app()).await;
    let client = server.client();
    let response = client
        .post("/notes")
        .header("sec-fetch-site", "cross-site")
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(response.text().contains("<h1>Forbidden</h1>"), "{}", response.text());
}

#[tokio::test]
async fn trusted_origins_and_routes_that_opt_out_pass() {
    let server = TestServer::start(app()).await;
    let cross = [("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")];
    // Declared with `cross_origin = false`, in an attribute and in the file; a group that skips.
    for path in ["/hooks/payment", "/file/webhook", "/partners/ping"] {
        let (status, body) = send(&server, Method::POST, path, &cross).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    // The file's trusted origin, and only it.
    let partner = [("sec-fetch-site", "cross-site"), ("origin", "https://partner.example")];
    assert_eq!(send(&server, Method::POST, "/file/notes", &partner).await.0, 200);
    assert_eq!(send(&server, Method::POST, "/file/notes", &cross).await.0, 403);
    assert_eq!(send(&server, Method::POST, "/notes", &partner).await.0, 200, "app-wide");
}

#[tokio::test]
async fn protection_configured_in_code_or_off() {
    let trusting = App::declared().cross_origin(CrossOrigin::new().trust("https://admin.example"));
    let server = TestServer::start(trusting).await;
    let admin = [("sec-fetch-site", "same-site"), ("origin", "https://admin.example")];
    assert_eq!(send(&server, Method::POST, "/notes", &admin).await.0, 200);
    let other = [("sec-fetch-site", "same-site"), ("origin", "https://other.example")];
    assert_eq!(send(&server, Method::POST, "/notes", &other).await.0, 403);

    let off = TestServer::start(App::declared().cross_origin(CrossOrigin::off())).await;
    assert_eq!(
        send(&off, Method::POST, "/notes", &[("sec-fetch-site", "cross-site")]).await.0,
        200
    );
}

#[test]
fn a_malformed_trusted_origin_stops_the_build() {
    let app = App::new().cross_origin(CrossOrigin::new().trust("admin.example/path"));
    let Err(StartError::Config(message)) = app.build() else { panic!("built") };
    assert!(message.contains("admin.example/path"), "{message}");
}
