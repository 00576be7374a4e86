//! Route groups (`App::nest`): a group's routes under its prefix, its middleware around
//! them only, its state joining the app's, and its mistakes (a conflicting route, a bad
//! prefix, settings only an app has) stopping `App::build` with both places named.
#![cfg(feature = "test-client")]

use cookie_route::prelude::*;
use cookie_route::{Keys, Next, StartError, TestServer};

/// Marks what passes through it.
async fn api_header(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.set_header("x-group", "api").expect("a header");
    response
}

/// The app-wide middleware, around every route (groups' too).
async fn app_header(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.set_header("x-app", "1").expect("a header");
    response
}

struct Prefix(&'static str);

fn api() -> App {
    App::new()
        .get("/items/{id}", |request: Request| async move {
            format!("item {}", request.param("id").unwrap_or_default())
        })
        .get("/", |request: Request| async move {
            Ok::<_, Error>(request.state::<Prefix>()?.0.to_owned())
        })
        .state(Prefix("api root"))
        .middleware(api_header)
}

fn app() -> App {
    App::new()
        .get("/items/{id}", |_: Request| async { "top-level item" })
        .nest("/api", api())
        .nest("/v2", App::new().nest("/api", api_nested()))
        .middleware(app_header)
}

fn api_nested() -> App {
    App::new().get("/ping", |_: Request| async { "pong" }).middleware(api_header)
}

#[tokio::test]
async fn a_groups_routes_answer_under_its_prefix_with_its_middleware_only() {
    let server = TestServer::start(app()).await;
    let client = server.client();
    let item = client.get("/api/items/7").send().await;
    assert_eq!(item.text(), "item 7", "path parameters under the prefix");
    assert_eq!((item.header("x-group"), item.header("x-app")), (Some("api"), Some("1")));
    let root = client.get("/api").send().await;
    assert_eq!(root.text(), "api root", "the group's `/` is the prefix; its state is there");
    let top = client.get("/items/7").send().await;
    assert_eq!(top.text(), "top-level item");
    assert_eq!((top.header("x-group"), top.header("x-app")), (None, Some("1")));
    let nested = client.get("/v2/api/ping").send().await;
    assert_eq!((nested.text(), nested.header("x-group")), ("pong".to_owned(), Some("api")));
    assert_eq!(client.get("/ping").send().await.status(), 404);
}

#[test]
fn a_group_route_that_conflicts_with_another_fails_the_build_naming_both() {
    let app = App::new().get("/api/items/{item_id}", |_: Request| async { "" }).nest("/api", api());
    let Err(StartError::Routes(errors)) = app.build() else { panic!("conflicting routes built") };
    assert_eq!(errors.len(), 1, "{errors:?}");
    let error = &errors[0];
    assert!(error.contains("GET /api/items/{item_id}") && error.contains("GET /api/items/{id}"));
    assert_eq!(error.matches("runtime/tests/groups.rs:").count(), 2, "both places: {error}");
}

#[test]
fn a_bad_prefix_or_an_apps_setting_in_a_group_fails_the_build() {
    for prefix in ["api", "/api/", "/files/{*rest}", "/a//b"] {
        let Err(StartError::Routes(errors)) = App::new().nest(prefix, api()).build() else {
            panic!("`{prefix}` accepted")
        };
        assert!(errors[0].contains("is not a group prefix"), "{prefix}: {errors:?}");
        assert!(errors[0].contains("runtime/tests/groups.rs:"), "{errors:?}");
    }
    let group = api().keys(Keys::ephemeral());
    let Err(StartError::Routes(errors)) = App::new().nest("/api", group).build() else {
        panic!("a group's keys were accepted")
    };
    assert!(errors[0].contains("sets keys, which are the app's"), "{errors:?}");
    let twice = App::new().state(Prefix("app")).nest("/api", api());
    let Err(StartError::Routes(errors)) = twice.build() else { panic!("two Prefix states") };
    assert!(errors[0].contains("registered twice"), "{errors:?}");
}

#[tokio::test]
async fn a_groups_error_pages_answer_under_its_prefix_inside_its_middleware() {
    let api = App::new()
        .get("/items", |_: Request| async { "items" })
        .nest("/v1", App::new().get("/ping", |_: Request| async { "pong" }))
        .not_found(|request: Request| async move {
            Json(serde_json::json!({"error": "no such API", "path": request.path()}))
        })
        .method_not_allowed(|_: Request| async { "wrong method for the API" })
        .middleware(api_header);
    let app = App::new()
        .get("/items", |_: Request| async { "top-level items" })
        .nest("/api", api)
        .middleware(app_header);
    let server = TestServer::start(app).await;
    let client = server.client();

    let missing = client.get("/api/nothing").send().await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<serde_json::Value>()["error"], "no such API");
    assert_eq!((missing.header("x-group"), missing.header("x-app")), (Some("api"), Some("1")));
    // A nested group without pages of its own has its parent's.
    let nested = client.get("/api/v1/nothing").send().await;
    assert_eq!(nested.json::<serde_json::Value>()["path"], "/api/v1/nothing");
    assert_eq!(client.get("/api/").send().await.status(), 404, "`/api/` is under the prefix");

    let wrong = client.delete("/api/items").send().await;
    assert_eq!((wrong.status().as_u16(), wrong.text()), (405, "wrong method for the API".into()));
    assert_eq!(wrong.header("allow"), Some("GET, HEAD"));

    // Outside the prefix, the app's own (default) pages.
    let outside = client.get("/nothing").send().await;
    assert_eq!(
        (outside.status().as_u16(), outside.text()),
        (404, r#"{"detail":"Not Found"}"#.into())
    );
    assert_eq!(outside.header("x-group"), None);
    let outside = client.delete("/items").send().await;
    assert_eq!(outside.text(), r#"{"detail":"Method Not Allowed"}"#);
}
