//! Mounted services (`App::nest_service`) over real HTTP: tower-http's `ServeDir` under
//! `/static` serves files with their type, validators, 304s and ranges; a path out of the
//! directory, however it is spelled, never reaches a file; routes beside it answer as usual;
//! a route under the mount's prefix fails `App::build` naming both.
#![cfg(feature = "test-client")]

use cookie_route::{App, Next, Request, StartError, TestServer};
use cookie_route_test_support::raw::raw_request;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/static")
}

fn app() -> App {
    App::new()
        .get("/", |_: Request| async { "home" })
        .get("/staticky", |_: Request| async { "a route whose path starts like the mount" })
        .nest_service("/static", ServeDir::new(fixtures()))
        .middleware(|request: Request, next: Next| async move {
            let mut response = next.run(request).await;
            response.set_header("x-middleware", "1").expect("a header");
            response
        })
        .layer(SetResponseHeaderLayer::overriding(
            cookie_route::http::header::X_CONTENT_TYPE_OPTIONS,
            cookie_route::http::HeaderValue::from_static("nosniff"),
        ))
}

#[tokio::test]
async fn serve_dir_serves_files_with_types_validators_and_ranges() {
    let server = TestServer::start(app()).await;
    let client = server.client();

    let css = client.get("/static/css/site.css").send().await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.text(), "body { color: #333; }\n");
    assert_eq!(css.header("content-type"), Some("text/css"));
    assert_eq!(css.header("x-content-type-options"), Some("nosniff"), "the app's layers");
    assert_eq!(css.header("x-middleware"), None, "route middleware is not around a service");
    let modified = css.header("last-modified").expect("Last-Modified").to_owned();

    // A conditional request with the validator it was given: 304, no body.
    let again =
        client.get("/static/css/site.css").header("if-modified-since", &modified).send().await;
    assert_eq!(again.status(), 304);
    assert!(again.bytes().is_empty());

    // A range.
    let part = client.get("/static/alphabet.txt").header("range", "bytes=10-15").send().await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.text(), "abcdef");
    assert_eq!(part.header("content-range"), Some("bytes 10-15/36"));

    // The prefix alone is the directory, whose index.html is served.
    let index = client.get("/static/").send().await;
    assert_eq!(index.status(), 200);
    assert!(index.text().contains("static index"), "{}", index.text());
    assert_eq!(index.header("content-type"), Some("text/html"));

    // The query is passed on, the prefix is not.
    let queried = client.get("/static/alphabet.txt?v=3").send().await;
    assert_eq!((queried.status().as_u16(), queried.text().len()), (200, 36));

    // A missing file is the service's 404; routes beside the mount answer as routes.
    assert_eq!(client.get("/static/missing.css").send().await.status(), 404);
    let route = client.get("/staticky").send().await;
    assert_eq!(route.text(), "a route whose path starts like the mount");
    assert_eq!(route.header("x-middleware"), Some("1"));
    assert_eq!(client.get("/").send().await.text(), "home");
}

#[tokio::test]
async fn a_path_out_of_the_directory_never_reaches_a_file() {
    let server = TestServer::start(app()).await;
    // Sent byte for byte, so that no client tidies the path first. The fixtures directory
    // is runtime/tests/fixtures/static: each of these would name runtime/Cargo.toml or
    // tests/static_files.rs if the service followed it.
    for path in [
        "/static/../../../Cargo.toml",
        "/static/../../static_files.rs",
        "/static/%2e%2e/%2e%2e/%2e%2e/Cargo.toml",
        "/static/%2E%2E%2F%2E%2E%2F%2E%2E%2FCargo.toml",
        "/static/..%2f..%2f..%2fCargo.toml",
        "/static/css/..%5c..%5c..%5c..%5cCargo.toml",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
    ] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let response = raw_request(server.local_addr(), request.as_bytes()).await;
        let body = String::from_utf8_lossy(&response.body);
        assert!(
            response.status == 404 || response.status == 400,
            "{path}: {} {body}",
            response.status
        );
        assert!(!body.contains("[package]") && !body.contains("root:"), "{path}: {body}");
    }
}

#[test]
fn a_route_under_a_mounted_service_fails_the_build_naming_both() {
    let app = App::new()
        .get("/static/app.js", |_: Request| async { "shadowed" })
        .nest_service("/static", ServeDir::new(fixtures()));
    let Err(StartError::Routes(errors)) = app.build() else { panic!("a shadowed route built") };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("`GET /static/app.js`"), "{errors:?}");
    assert!(errors[0].contains("a service is mounted"), "{errors:?}");
    assert_eq!(errors[0].matches("runtime/tests/static_files.rs:").count(), 2, "{errors:?}");

    let twice = App::new()
        .nest_service("/static", ServeDir::new(fixtures()))
        .nest_service("/static", ServeDir::new(fixtures()));
    let Err(StartError::Routes(errors)) = twice.build() else { panic!("two mounts built") };
    assert!(errors[0].contains("both take the paths under `/static`"), "{errors:?}");

    let Err(StartError::Routes(errors)) =
        App::new().nest_service("static", ServeDir::new(fixtures())).build()
    else {
        panic!("a bad prefix built")
    };
    assert!(errors[0].contains("App::nest_service at"), "{errors:?}");
}

#[tokio::test]
async fn a_service_mounted_in_a_group_is_under_both_prefixes() {
    let group = App::new()
        .get("/", |_: Request| async { "docs home" })
        .nest_service("/files", ServeDir::new(fixtures()));
    let server = TestServer::start(App::new().nest("/manual", group)).await;
    let client = server.client();
    assert_eq!(client.get("/manual").send().await.text(), "docs home");
    let file = client.get("/manual/files/alphabet.txt").send().await;
    assert_eq!((file.status().as_u16(), file.text().len()), (200, 36));
    assert_eq!(client.get("/files/alphabet.txt").send().await.status(), 404);
}
