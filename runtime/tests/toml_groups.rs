//! Route groups declared in routes.toml (`[groups.<name>]`, `group = "name"` on a route):
//! served under their prefixes by `app()`, changed one group at a time with `app_with`, and
//! joined by the `#[cookie_route(..., group = "name")]` routes of the same name; over HTTP.
#![cfg(feature = "test-client")]

use cookie_route::prelude::*;
use cookie_route::{Next, StartError, TestServer};

mod handlers {
    pub(crate) async fn home() -> &'static str {
        "home"
    }

    pub(crate) async fn item(item_id: u32) -> String {
        format!("item {item_id}")
    }

    /// `user_id` comes from the group's prefix, `/users/{user_id}`.
    pub(crate) async fn posts(user_id: u32, limit: Option<u8>) -> String {
        format!("posts of {user_id}, {} at most", limit.unwrap_or(10))
    }
}

/// Declared with an attribute, in the file's group `api`: served under `/api` with it.
#[cookie_route(GET "/status", group = "api")]
async fn status() -> &'static str {
    "ok"
}

cookie_route::routes!("tests/fixtures/group_routes.toml");

/// Marks the responses of the routes it is around.
async fn api_header(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.set_header("x-api", "1").expect("a header");
    response
}

#[tokio::test]
async fn a_files_groups_answer_under_their_prefixes_only() {
    let server = TestServer::start(app()).await;
    let client = server.client();
    for (path, status, text) in [
        ("/", 200, "home"),
        ("/api/items/7", 200, "item 7"),
        ("/api/status", 200, "ok"),
        ("/users/5/posts?limit=3", 200, "posts of 5, 3 at most"),
        // Without the prefix, a group's paths are not served.
        ("/items/7", 404, r#"{"detail":"Not Found"}"#),
        ("/status", 404, r#"{"detail":"Not Found"}"#),
        ("/posts", 404, r#"{"detail":"Not Found"}"#),
    ] {
        let response = client.get(path).send().await;
        assert_eq!(
            (response.status().as_u16(), response.text()),
            (status, text.to_owned()),
            "{path}"
        );
    }
    // The prefix's parameter is converted as the file types it, with FastAPI's 422.
    let response = client.get("/users/ann/posts").send().await;
    assert_eq!(response.status(), 422);
    assert!(response.text().contains(r#""loc":["path","user_id"]"#), "{}", response.text());
}

#[tokio::test]
async fn app_with_adds_middleware_to_one_group_only() {
    let app = app_with(|mut groups| {
        groups.api = groups.api.middleware(api_header);
        groups
    });
    let server = TestServer::start(app).await;
    let client = server.client();
    for (path, marked) in
        [("/api/items/1", true), ("/api/status", true), ("/", false), ("/users/1/posts", false)]
    {
        let response = client.get(path).send().await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.header("x-api").is_some(), marked, "{path}");
    }
}

#[test]
fn a_group_left_out_by_app_with_fails_the_build_rather_than_drop_its_routes() {
    // The file's `api` routes go with the replaced group; its attribute route is noticed.
    let app = app_with(|mut groups| {
        groups.api = App::new();
        groups
    });
    let Err(StartError::Routes(errors)) = app.build() else { panic!("built without `api`") };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .contains(r#"`group = "api"` (such as `GET /status` at runtime/tests/toml_groups.rs:"#),
        "{errors:?}"
    );
}

#[test]
fn every_route_is_listed_under_its_prefix() {
    let service = app().build().expect("the app builds");
    let mut routes: Vec<String> =
        service.routes().map(|(method, path, at)| format!("{method} {path} {at}")).collect();
    routes.sort();
    let status = routes.iter().position(|r| r.starts_with("GET /api/status ")).expect("status");
    assert!(routes[status].contains("runtime/tests/toml_groups.rs:"), "{routes:?}");
    routes.remove(status);
    assert_eq!(
        routes,
        [
            "GET / tests/fixtures/group_routes.toml:9:1",
            "GET /api/items/{item_id} tests/fixtures/group_routes.toml:14:1",
            "GET /users/{user_id}/posts tests/fixtures/group_routes.toml:21:1",
        ]
    );
}
