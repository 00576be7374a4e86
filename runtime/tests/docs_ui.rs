//! The API docs over real HTTP, for an app of three routes: its document at `/openapi.json`
//! (the one `App::openapi` makes, without the docs' own routes), Swagger UI at `/docs` and
//! ReDoc at `/redoc` with their files from the binary, each with its type, a strong `ETag`
//! and `304` to it; the pages reference nothing but the app's own files (each fetched here),
//! escape the title and the URLs, and follow the configured paths, or are not there.
//! `tests/browser/docs_ui.py` (at the workspace's root) looks at the pages in Chromium.
#![cfg(all(feature = "openapi", feature = "test-client"))]

use cookie_route::http::Method;
use cookie_route::{App, DocsConfig, StartError, TestClient, TestResponse, TestServer};
use cookie_route_test_support::assert_stops;
use url::Url;

/// Three routes for the docs to describe.
fn routes() -> App {
    App::new()
        .get("/items/{item_id}", |_: cookie_route::Request| async { "item" })
        .post("/login", |_: cookie_route::Request| async { "in" })
        .get("/me", |_: cookie_route::Request| async { "me" })
}

fn docs(config: &DocsConfig) -> App {
    routes().docs(config.clone())
}

/// The document `docs(config)` serves.
fn document(config: &DocsConfig) -> Vec<u8> {
    serde_json::to_vec(&docs(config).openapi()).unwrap()
}

/// A vendored file, as the runtime embeds it.
fn vendored(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/docs-ui").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a page asks the browser to load: the values of `src`, `href` and `spec-url`
/// (HTML-unescaped), and the string literals given to `new URL(...)` in its scripts.
fn references(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" src=\"", " href=\"", " spec-url=\""] {
        for (at, _) in page.match_indices(attribute) {
            let rest = &page[at + attribute.len()..];
            let value = &rest[..rest.find('"').expect("a closed attribute")];
            found.push(html_unescape(value));
        }
    }
    for (at, _) in page.match_indices("new URL(") {
        let rest = &page[at + "new URL(".len()..];
        let literal = &rest[..rest.find(", document.baseURI)").expect("a URL and the base")];
        found.push(serde_json::from_str(literal).expect("a JSON string literal"));
    }
    found
}

fn html_unescape(value: &str) -> String {
    value
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// GETs what `page_url` references at `reference`, as a browser resolves it.
async fn fetch_from(client: &TestClient, page_url: &str, reference: &str) -> TestResponse {
    assert!(
        !reference.contains("//") && !reference.contains(':') && !reference.starts_with('/'),
        "`{reference}` on {page_url} is not a relative URL of the app"
    );
    let url = Url::parse(page_url).unwrap().join(reference).unwrap();
    client.get(url.as_str()).send().await
}

fn content_type_of(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("png") => "image/png",
        Some("html") => "text/html; charset=utf-8",
        _ => panic!("no type for {name}"),
    }
}

#[tokio::test]
async fn the_document_the_pages_and_their_files_are_served() {
    let server = TestServer::start(docs(&DocsConfig::new().with_title("Stub API"))).await;
    let client = server.client();

    let document = client.get("/openapi.json").send().await;
    assert_eq!(document.status(), 200);
    assert_eq!(document.header("content-type"), Some("application/json"));
    assert_eq!(document.bytes(), self::document(&DocsConfig::new().with_title("Stub API")));
    let parsed: serde_json::Value = serde_json::from_slice(document.bytes()).unwrap();
    assert_eq!(parsed["info"]["title"], "Stub API");
    let paths: Vec<&String> = parsed["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths, ["/items/{item_id}", "/login", "/me"], "not the docs' own routes");
    assert_eq!(document.header("cache-control"), Some("no-cache"));

    let mut served = Vec::new();
    for (page, title) in [("/docs", "Stub API - Swagger UI"), ("/redoc", "Stub API - ReDoc")] {
        let response = client.get(page).send().await;
        assert_eq!(response.status(), 200, "{page}");
        assert_eq!(response.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(response.header("cache-control"), Some("no-cache"));
        let html = response.text();
        assert!(html.contains(&format!("<title>{title}</title>")), "{html}");
        let page_url = server.url(page);
        for reference in references(&html) {
            let file = fetch_from(&client, &page_url, &reference).await;
            assert_eq!(file.status(), 200, "{reference} on {page}");
            let path = reference.split('?').next().unwrap();
            if path == "openapi.json" {
                assert_eq!(file.bytes(), self::document(&DocsConfig::new().with_title("Stub API")));
                continue;
            }
            let name = path.rsplit('/').next().unwrap();
            assert_eq!(file.header("content-type"), Some(content_type_of(name)), "{reference}");
            assert_eq!(file.header("cache-control"), Some("public, max-age=604800"));
            assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
            assert_eq!(file.bytes(), vendored(name), "{name} is served as vendored");
            // The query asks for this version: the digits of its ETag.
            if let Some(version) = reference.split("?v=").nth(1) {
                assert_eq!(file.header("etag"), Some(format!("\"{version}\"").as_str()));
            }
            served.push(name.to_owned());
        }
    }
    served.sort();
    assert_eq!(
        served,
        [
            "favicon-32x32.png",
            "oauth2-redirect.html",
            "redoc.standalone.js",
            "swagger-ui-bundle.js",
            "swagger-ui.css"
        ]
    );

    // The OAuth2 redirect page loads its script relatively, from beside it.
    let redirect_url = server.url("/docs/oauth2-redirect.html");
    let redirect = client.get(&redirect_url).send().await.text();
    assert_eq!(references(&redirect), ["oauth2-redirect.js"]);
    let script = fetch_from(&client, &redirect_url, "oauth2-redirect.js").await;
    assert_eq!(script.status(), 200);
    assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(script.bytes(), vendored("oauth2-redirect.js"));
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn each_answer_has_a_strong_etag_and_is_304_to_it() {
    let server = TestServer::start(docs(&DocsConfig::new())).await;
    let client = server.client();
    let paths = [
        "/openapi.json",
        "/docs",
        "/redoc",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-ui.css",
        "/docs/favicon-32x32.png",
        "/docs/oauth2-redirect.html",
        "/docs/oauth2-redirect.js",
        "/redoc/redoc.standalone.js",
    ];
    for path in paths {
        let first = client.get(path).send().await;
        assert_eq!(first.status(), 200, "{path}");
        let etag = first.header("etag").expect("an ETag").to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "a strong tag: {etag}");
        let cache_control = first.header("cache-control").expect("Cache-Control").to_owned();

        for if_none_match in
            [etag.clone(), format!("W/{etag}"), format!("\"other\", {etag}"), "*".to_owned()]
        {
            let again = client.get(path).header("if-none-match", &if_none_match).send().await;
            assert_eq!(again.status(), 304, "{path} with If-None-Match: {if_none_match}");
            assert!(again.bytes().is_empty(), "{path}: a 304 has no body");
            assert_eq!(again.header("etag"), Some(etag.as_str()));
            assert_eq!(again.header("cache-control"), Some(cache_control.as_str()));
        }
        let changed = client.get(path).header("if-none-match", "\"other\"").send().await;
        assert_eq!(changed.status(), 200, "{path}: another tag");
        assert_eq!(changed.bytes(), first.bytes());

        let head = client.request(Method::HEAD, path).send().await;
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert!(head.bytes().is_empty());
        assert_eq!(head.header("content-length"), Some(first.bytes().len().to_string().as_str()));
        assert_eq!(head.header("etag"), Some(etag.as_str()));
    }
    // Another server of the same build tags the same bytes alike (instances behind a load
    // balancer agree).
    let other = TestServer::start(docs(&DocsConfig::new())).await;
    for path in paths {
        let a = client.get(path).send().await;
        let b = other.client().get(path).send().await;
        assert_eq!(a.header("etag"), b.header("etag"), "{path}");
    }
    assert_stops(other.stop()).await;
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn the_pages_load_nothing_from_elsewhere_and_send_cookies() {
    let server = TestServer::start(docs(&DocsConfig::new())).await;
    let client = server.client();
    for page in ["/docs", "/redoc"] {
        let html = client.get(page).send().await.text();
        for outside in ["http:", "https:", "//", "cdn", "fonts.googleapis"] {
            assert!(!html.contains(outside), "{page} has `{outside}`:\n{html}");
        }
        for reference in references(&html) {
            assert!(
                !reference.contains(':') && !reference.starts_with('/'),
                "{page}: {reference} is not relative"
            );
        }
    }
    let swagger = client.get("/docs").send().await.text();
    for option in [
        // "Try it out" sends the browser's cookies (and keeps those it is sent).
        "withCredentials: true,",
        "persistAuthorization: true,",
        // No badge from the online validator.
        "validatorUrl: null,",
        "url: new URL(\"openapi.json\", document.baseURI).href,",
        "oauth2RedirectUrl: new URL(\"docs/oauth2-redirect.html\", document.baseURI).href,",
    ] {
        assert!(swagger.contains(option), "{option} is not in:\n{swagger}");
    }
    assert!(!swagger.contains("requestInterceptor"), "nothing rewrites the requests");
    let redoc = client.get("/redoc").send().await.text();
    assert!(redoc.contains("<redoc spec-url=\"openapi.json\"></redoc>"), "{redoc}");
    // ReDoc's bundle loads its footer logo from Redocly's CDN: the page's policy refuses it.
    assert!(
        redoc.contains(
            r#"<meta http-equiv="Content-Security-Policy" content="img-src 'self' data: blob:">"#
        ),
        "{redoc}"
    );
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn the_title_and_the_urls_are_escaped() {
    let title = "</title><script>alert(\"x\")</script> & 'q'";
    let config = DocsConfig::new().with_title(title).with_openapi_path("/api/o'&penapi.json");
    let server = TestServer::start(docs(&config)).await;
    let client = server.client();
    let escaped =
        "&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;";

    let swagger = client.get("/docs").send().await.text();
    assert!(swagger.contains(&format!("<title>{escaped} - Swagger UI</title>")), "{swagger}");
    assert!(!swagger.contains("<script>alert"), "{swagger}");
    assert_eq!(swagger.matches("<script").count(), 2, "the bundle and the setup only");
    assert!(swagger.contains(r#"url: new URL("api/o'\u0026penapi.json", document.baseURI)"#));

    let redoc = client.get("/redoc").send().await.text();
    assert!(redoc.contains(&format!("<title>{escaped} - ReDoc</title>")), "{redoc}");
    assert!(!redoc.contains("<script>alert"), "{redoc}");
    assert!(redoc.contains(r#"<redoc spec-url="api/o&#39;&amp;penapi.json"></redoc>"#));

    // And they lead to the document.
    for (page, html) in [("/docs", &swagger), ("/redoc", &redoc)] {
        let reference = references(html)
            .into_iter()
            .find(|r| r.contains("penapi"))
            .expect("the document's URL");
        assert_eq!(reference, "api/o'&penapi.json");
        let document = fetch_from(&client, &server.url(page), &reference).await;
        assert_eq!(document.status(), 200);
        assert_eq!(document.bytes(), self::document(&config));
    }
    assert_stops(server.stop()).await;
}

#[tokio::test]
async fn the_paths_are_configurable_and_the_pages_can_be_turned_off() {
    let config = DocsConfig::new()
        .with_openapi_path("/api/v1/openapi.json")
        .with_swagger_ui_path("/api/docs")
        .without_redoc();
    let server = TestServer::start(docs(&config)).await;
    let client = server.client();
    for gone in
        ["/openapi.json", "/docs", "/redoc", "/docs/swagger-ui.css", "/redoc/redoc.standalone.js"]
    {
        assert_eq!(client.get(gone).send().await.status(), 404, "{gone}");
    }
    let page = client.get("/api/docs").send().await;
    assert_eq!(page.status(), 200);
    let html = page.text();
    assert!(html.contains("new URL(\"v1/openapi.json\", document.baseURI)"), "{html}");
    for reference in references(&html) {
        let file = fetch_from(&client, &server.url("/api/docs"), &reference).await;
        assert_eq!(file.status(), 200, "{reference}");
    }
    assert_stops(server.stop()).await;

    let server = TestServer::start(docs(&DocsConfig::new().without_swagger_ui())).await;
    let client = server.client();
    assert_eq!(client.get("/docs").send().await.status(), 404);
    assert_eq!(client.get("/docs/swagger-ui-bundle.js").send().await.status(), 404);
    assert_eq!(client.get("/redoc").send().await.status(), 200);
    assert_eq!(client.get("/openapi.json").send().await.status(), 200);
    assert_stops(server.stop()).await;

    let server = TestServer::start(docs(&DocsConfig::disabled())).await;
    let client = server.client();
    for gone in ["/openapi.json", "/docs", "/redoc", "/docs/swagger-ui-bundle.js"] {
        assert_eq!(client.get(gone).send().await.status(), 404, "{gone}");
    }
    assert_stops(server.stop()).await;

    // Served at the root, its files beside it.
    let config = DocsConfig::new().with_swagger_ui_path("/").without_redoc();
    let server = TestServer::start(docs(&config)).await;
    let client = server.client();
    let html = client.get("/").send().await.text();
    let references = references(&html);
    assert!(references.iter().any(|r| r.starts_with("swagger-ui-bundle.js?v=")), "{references:?}");
    for reference in references {
        let file = fetch_from(&client, &server.url("/"), &reference).await;
        assert_eq!(file.status(), 200, "{reference}");
    }
    assert_stops(server.stop()).await;
}

fn build_errors(config: &DocsConfig) -> Vec<String> {
    match docs(config).build() {
        Err(StartError::Routes(errors)) => errors,
        Err(other) => panic!("another error: {other}"),
        Ok(_) => panic!("{config:?} built"),
    }
}

#[test]
fn invalid_or_repeated_docs_paths_fail_the_build_naming_them() {
    assert_eq!(
        build_errors(&DocsConfig::new().with_swagger_ui_path("docs")),
        ["DocsConfig: the Swagger UI path `docs` is not a plain path: it does not start with `/`"]
    );
    let errors =
        build_errors(&DocsConfig::new().with_redoc_path("/redoc/").with_openapi_path("/{x}"));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("DocsConfig: the OpenAPI document path `/{x}` is not a plain"));
    assert_eq!(
        errors[1],
        "DocsConfig: the ReDoc path `/redoc/` is not a plain path: it ends with `/`"
    );

    let errors = build_errors(&DocsConfig::new().with_redoc_path("/docs"));
    assert_eq!(
        errors,
        ["`GET /docs` at DocsConfig's Swagger UI path and `GET /docs` at DocsConfig's ReDoc path \
          match the same requests"]
    );
    let errors = build_errors(&DocsConfig::new().with_openapi_path("/docs/swagger-ui.css"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("DocsConfig's OpenAPI document path"), "{errors:?}");
    assert!(errors[0].contains("DocsConfig's Swagger UI files"), "{errors:?}");
}

#[test]
fn docs_are_the_apps_not_a_groups() {
    let group = App::new().docs(DocsConfig::new());
    match App::new().nest("/api", group).build() {
        Err(StartError::Routes(errors)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].contains("sets API docs (App::docs)"), "{errors:?}");
        }
        other => panic!("{other:?}"),
    }
    App::new().docs(DocsConfig::new()).build().expect("the app's own docs");
}
