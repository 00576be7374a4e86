//! `#[cookie_route]` end to end: the shared suite (`suite/mod.rs`) run against an app
//! declared with attributes. `toml.rs` runs the same suite against the same routes declared
//! in `routes.toml`.

mod suite;

use cookie_route::Form;
use cookie_route::prelude::*;
use serde_json::{Value, json};

#[derive(Serialize)]
struct Message {
    message: &'static str,
}

#[cookie_route(POST "/cookie-and-object/")]
async fn create_cookie(response: &mut Response) -> Result<Json<Message>, Error> {
    response.set_cookie(Cookie::new("fakesession", "fake-cookie-session-value"))?;
    Ok(Json(Message { message: "Come to the dark side, we have cookies" }))
}

#[cookie_route(GET "/items-cookie/")]
async fn read_items(#[cookie] ads_id: Option<String>) -> Json<Value> {
    Json(json!({ "ads_id": ads_id }))
}

#[cookie_route(GET "/required-cookie/")]
async fn required_cookie(#[cookie(name = "__Host-sid")] sid: u64) -> Json<Value> {
    Json(json!({ "sid": sid }))
}

#[cookie_route(GET "/users/{user_id}")]
async fn read_user(
    user_id: i64,
    #[query] q: Option<String>,
    #[query(default = 10)] limit: u32,
) -> Json<Value> {
    Json(json!({ "user_id": user_id, "q": q, "limit": limit }))
}

#[cookie_route(GET "/headers/")]
async fn read_headers(
    #[header] user_agent: Option<String>,
    #[header(name = "X-Token")] token: String,
) -> Json<Value> {
    Json(json!({ "user_agent": user_agent, "token": token }))
}

#[derive(Serialize, Deserialize)]
struct UserIn {
    username: String,
    password: String,
    email: String,
    full_name: Option<String>,
}

#[derive(Serialize, ResponseModel)]
struct UserOut {
    username: String,
    email: String,
    full_name: Option<String>,
}

#[cookie_route(POST "/user/", response_model = UserOut)]
async fn create_user(#[body] user: Json<UserIn>) -> Json<UserIn> {
    user
}

#[derive(Deserialize)]
struct Login {
    user: String,
}

#[cookie_route(POST "/form/", status = 201)]
async fn form(#[body] Form(login): Form<Login>) -> String {
    login.user
}

#[derive(Serialize, ResponseModel)]
struct Item {
    name: String,
    description: Option<String>,
    price: f64,
    #[serde(default = "default_tax")]
    tax: f64,
    #[serde(default)]
    tags: Vec<String>,
}

fn default_tax() -> f64 {
    10.5
}

fn items(id: &str) -> Option<Value> {
    match id {
        "foo" => Some(json!({"name": "Foo", "price": 50.2})),
        "bar" => {
            Some(json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}))
        }
        "baz" => Some(
            json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []}),
        ),
        _ => None,
    }
}

#[cookie_route(GET "/items/{item_id}", response_model = Item, response_model_exclude_unset)]
async fn read_item(item_id: String) -> Result<Json<Value>, Error> {
    items(&item_id).map(Json).ok_or_else(Error::not_found)
}

#[cookie_route(GET "/items/{item_id}/name", response_model = Item, response_model_include = ["name", "description"])]
async fn read_item_name(item_id: String) -> Result<Json<Value>, Error> {
    items(&item_id).map(Json).ok_or_else(Error::not_found)
}

#[cookie_route(GET "/items/{item_id}/public", response_model = Item, response_model_exclude = ["tax"])]
async fn read_item_public(item_id: String) -> Result<Json<Value>, Error> {
    items(&item_id).map(Json).ok_or_else(Error::not_found)
}

#[cookie_route(GET "/invalid-item/", response_model = Item)]
async fn invalid_item() -> Json<Value> {
    Json(json!({"name": "Oops", "secret": "do-not-leak"}))
}

/// A dependency that reads a cookie and sets one on the temporal response.
struct Tracking {
    id: String,
    new: bool,
}

impl FromRequest for Tracking {
    type Rejection = Error;

    async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
        if let Some(id) = request.cookie("tracking_id") {
            return Ok(Tracking { id: id.into_owned(), new: false });
        }
        let cookie = Cookie::build(("tracking_id", "visitor-1"))
            .max_age(cookie_route::time::Duration::seconds(600))
            .same_site(SameSite::Strict);
        response.set_cookie(cookie.build())?;
        Ok(Tracking { id: "visitor-1".to_owned(), new: true })
    }
}

#[cookie_route(GET "/dep-cookie/")]
async fn dep_cookie(tracking: Tracking, response: &mut Response) -> Result<Json<Value>, Error> {
    response.set_cookie(Cookie::new("handler_cookie", "from-handler"))?;
    Ok(Json(json!({ "tracking_id": tracking.id, "new_visitor": tracking.new })))
}

#[derive(Serialize)]
struct ProfileIn {
    username: String,
    email: String,
    full_name: Option<String>,
    password: String,
    is_admin: bool,
}

#[cookie_route(GET "/profiles/{user_id}", response_model = UserOut)]
async fn profile(user_id: i64, response: &mut Response) -> Result<Json<ProfileIn>, Error> {
    response.set_cookie(Cookie::new("last_user", user_id.to_string()))?;
    response.set_status(StatusCode::ACCEPTED);
    Ok(Json(ProfileIn {
        username: format!("user{user_id}"),
        email: format!("user{user_id}@example.com"),
        full_name: None,
        password: "secret".to_owned(),
        is_admin: true,
    }))
}

#[cookie_route(POST "/direct/", response_model = UserOut)]
async fn direct(response: &mut Response) -> Result<Response, Error> {
    response.set_cookie(Cookie::new("fakesession", "x"))?;
    Ok(Json(json!({"message": "bypasses the model"})).into_response())
}

#[cookie_route(GET | HEAD "/multi/")]
async fn multi(request: &Request) -> String {
    request.method().to_string()
}

suite::tests!(App::declared());

mod nested_models {
    use cookie_route::TestClient;
    use cookie_route::prelude::*;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;

    #[derive(Serialize, ResponseModel)]
    struct Image {
        url: String,
        #[serde(rename = "imageName")]
        name: String,
    }

    #[derive(Serialize, ResponseModel)]
    #[serde(rename_all = "camelCase")]
    struct Product {
        product_name: String,
        images: Vec<Image>,
        main_image: Option<Image>,
        scores: BTreeMap<String, f64>,
        #[serde(skip)]
        #[allow(dead_code)] // never serialized: the point is that the model leaves it out
        internal: String,
        #[model(any)]
        extra: Value,
    }

    #[cookie_route(GET "/nested/", response_model = Product)]
    async fn nested() -> Json<Value> {
        Json(json!({
            "productName": "Lamp",
            "secret": "dropped",
            "images": [
                {"url": "a.png", "imageName": "A", "exif": {"iso": 100}},
                {"url": "b.png", "imageName": "B"}
            ],
            "mainImage": null,
            "scores": {"x": 1.5, "y": 2},
            "internal": "never listed",
            "extra": {"anything": [1, 2, 3]}
        }))
    }

    #[cookie_route(GET "/nested-bad/", response_model = Product)]
    async fn nested_bad() -> Json<Value> {
        Json(json!({
            "productName": "Lamp",
            "images": [{"url": "a.png"}],
            "mainImage": null,
            "scores": {},
            "extra": null
        }))
    }

    #[tokio::test]
    async fn nested_models_are_filtered_at_every_depth() {
        let client = TestClient::new(App::declared());
        let res = client.get("/nested/").send().await;
        assert_eq!(
            res.json::<Value>(),
            json!({
                "productName": "Lamp",
                "images": [{"url": "a.png", "imageName": "A"}, {"url": "b.png", "imageName": "B"}],
                "mainImage": null,
                "scores": {"x": 1.5, "y": 2},
                "extra": {"anything": [1, 2, 3]}
            })
        );
        let res = client.get("/nested-bad/").send().await;
        assert_eq!(res.status(), 500, "a nested required field is missing");
    }
}

/// Two declarations that match the same requests make the app fail to build, naming both.
#[test]
fn conflicting_routes_are_refused_with_both_locations() {
    async fn a(_: Request) -> &'static str {
        "a"
    }
    let error = App::new().get("/x/{a}", a).get("/x/{b}", a).build().expect_err("a conflict");
    let message = error.to_string();
    assert!(message.contains("`GET /x/{a}`") && message.contains("`GET /x/{b}`"), "{message}");
    assert_eq!(message.matches("macros/tests/attr.rs:").count(), 2, "{message}");
}
