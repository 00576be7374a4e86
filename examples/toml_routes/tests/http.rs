//! `toml_routes` over HTTP: the program itself, started on a free port, with a client that
//! keeps cookies as a browser does.

use std::process::Command;
use std::time::Duration;

use cookie_route::TestClient;
use cookie_route_test_support::program::Program;
use serde_json::{Value, json};

fn start() -> Program {
    let mut command = Command::new(env!("CARGO_BIN_EXE_toml_routes"));
    command.env("HOST", "127.0.0.1").env("PORT", "0");
    Program::start(command, Duration::from_secs(10))
}

#[tokio::test]
async fn the_declared_cookie_carries_its_attributes_and_type() {
    let program = start();
    let browser = TestClient::http(program.base_url());

    let home = browser.get("/").send().await;
    assert_eq!(home.json::<Value>(), json!({ "theme": "light", "last_item": null }));

    let response = browser.post("/theme").form(&[("theme", "dark")]).send().await;
    assert_eq!((response.status().as_u16(), response.text()), (200, "theme set to dark".into()));
    let header = response.header("set-cookie").expect("the theme cookie");
    assert!(
        header.starts_with("theme=dark; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000; Expires="),
        "{header}"
    );
    assert_eq!(browser.get("/").send().await.json::<Value>()["theme"], "dark");

    // The form's value is a `Theme`: anything else is a 422 naming the field.
    let response = browser.post("/theme").form(&[("theme", "purple")]).send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>()["detail"][0]["loc"], json!(["body", "theme"]));
    // ...and so is a cookie that is not one (sent by a browser of its own: this one's jar
    // would send its `theme=dark` first, and the first cookie of a name wins).
    let other = TestClient::http(program.base_url());
    let response = other.get("/").cookie("theme", "purple").send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>()["detail"][0]["loc"], json!(["cookie", "theme"]));

    let response = browser.delete("/theme").send().await;
    assert_eq!(response.text(), "theme forgotten");
    assert!(response.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(browser.cookie("theme"), None, "the browser forgot it");
    assert_eq!(browser.get("/").send().await.json::<Value>()["theme"], "light");

    program.stop();
}

#[tokio::test]
async fn the_api_group_is_served_under_its_prefix_through_the_response_model() {
    let program = start();
    let browser = TestClient::http(program.base_url());

    let response = browser.get("/api/items/1").send().await;
    assert_eq!(response.status(), 200);
    // The handler returns an `Item`; `ItemOut` leaves out what it cost.
    assert_eq!(response.json::<Value>(), json!({ "id": 1, "name": "Teapot", "price": 25.0 }));
    assert_eq!(browser.cookie("last_item").as_deref(), Some("1"));
    assert_eq!(browser.get("/").send().await.json::<Value>()["last_item"], 1);

    assert_eq!(browser.get("/api/items/9").send().await.status(), 404);
    assert_eq!(browser.get("/items/1").send().await.status(), 404, "only under /api");
    let response = browser.get("/api/items/one").send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>()["detail"][0]["type"], "int_parsing");

    program.stop();
}
