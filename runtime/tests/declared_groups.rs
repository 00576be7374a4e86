//! Groups of attribute routes (`#[cookie_route(..., group = "name")]`): `App::declared()`
//! leaves them out, `App::declared_group(name)` gives them to be nested under a prefix the
//! app chooses, and an app that never mounts one fails `App::build`, naming it; over HTTP.
#![cfg(feature = "test-client")]

use cookie_route::prelude::*;
use cookie_route::{Next, StartError, TestServer};

#[cookie_route(GET "/")]
async fn home() -> &'static str {
    "home"
}

#[cookie_route(GET "/items/{item_id}", group = "api")]
async fn item(item_id: u32) -> String {
    format!("item {item_id}")
}

#[cookie_route(GET | POST "/users", group = "admin")]
async fn users() -> &'static str {
    "users"
}

#[cookie_route(GET "/", group = "admin")]
async fn admin_home() -> &'static str {
    "admin"
}

async fn admin_only(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.set_header("x-admin", "1").expect("a header");
    response
}

fn app() -> App {
    App::declared()
        .nest("/api", App::declared_group("api"))
        .nest("/admin", App::declared_group("admin").middleware(admin_only))
}

#[tokio::test]
async fn declared_groups_answer_under_the_prefix_the_app_gives_them() {
    let server = TestServer::start(app()).await;
    let client = server.client();
    for (path, status, text, admin) in [
        ("/", 200, "home", false),
        ("/api/items/3", 200, "item 3", false),
        ("/admin", 200, "admin", true),
        ("/admin/users", 200, "users", true),
        // Without the prefix, a group's paths are not served.
        ("/items/3", 404, r#"{"detail":"Not Found"}"#, false),
        ("/users", 404, r#"{"detail":"Not Found"}"#, false),
    ] {
        let response = client.get(path).send().await;
        assert_eq!(
            (response.status().as_u16(), response.text()),
            (status, text.to_owned()),
            "{path}"
        );
        assert_eq!(response.header("x-admin").is_some(), admin, "{path}");
    }
    assert_eq!(client.post("/admin/users").send().await.text(), "users");
}

#[test]
fn declared_takes_only_the_routes_without_a_group() {
    let service = App::new().with_declared().nest("/api", App::declared_group("api"));
    let Err(StartError::Routes(errors)) = service.build() else { panic!("admin left out") };
    assert_eq!(errors.len(), 1, "{errors:?}");
    let group = App::declared_group("admin").build().expect("a group builds on its own");
    let mut routes: Vec<String> =
        group.routes().map(|(m, path, _)| format!("{m} {path}")).collect();
    routes.sort();
    assert_eq!(routes, ["GET /", "GET /users", "POST /users"], "unprefixed, its own only");
}

#[test]
fn an_app_that_does_not_mount_a_declared_group_fails_the_build_naming_it() {
    let Err(StartError::Routes(errors)) = App::declared().build() else {
        panic!("built without its groups")
    };
    assert_eq!(errors.len(), 2, "{errors:?}");
    for (error, group, route) in
        [(&errors[0], "admin", "`GET /`"), (&errors[1], "api", "`GET /items/{item_id}`")]
    {
        assert!(
            error.starts_with(&format!(
                "the routes declared with `group = \"{group}\"` (such as {route} at \
                 runtime/tests/declared_groups.rs:"
            )),
            "{error}"
        );
        assert!(
            error.ends_with(&format!(
                "nest them under their prefix with `.nest(\"/prefix\", \
                 App::declared_group(\"{group}\"))`"
            )),
            "{error}"
        );
    }
    let one = App::declared().nest("/api", App::declared_group("api"));
    let Err(StartError::Routes(errors)) = one.build() else { panic!("built without admin") };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains(r#"`group = "admin"`"#), "{errors:?}");
}

#[test]
fn a_group_nested_at_any_depth_is_mounted() {
    let v1 = App::new()
        .nest("/api", App::declared_group("api"))
        .nest("/admin", App::declared_group("admin"));
    let service = App::declared().nest("/v1", v1).build().expect("every group mounted");
    assert!(service.routes().any(|(_, path, _)| path == "/v1/admin/users"));
}

#[test]
fn a_group_no_route_declares_fails_the_build() {
    let app = App::declared()
        .nest("/api", App::declared_group("api"))
        .nest("/admin", App::declared_group("admin"))
        .nest("/apii", App::declared_group("apii"));
    let Err(StartError::Routes(errors)) = app.build() else { panic!("an empty group mounted") };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("App::declared_group at runtime/tests/declared_groups.rs:"));
    assert!(
        errors[0].ends_with(
            "no `#[cookie_route]` declares `group = \"apii\"`; the program's groups are `admin`, `api`"
        ),
        "{errors:?}"
    );
}
