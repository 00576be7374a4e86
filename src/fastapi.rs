//! The examples of FastAPI's documentation, declared with `#[cookie_route]`.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use cookie_route::prelude::*;
use serde_json::{Value, json};

const DARK_SIDE: &str = "Come to the dark side, we have cookies";

/// `def create_cookie(response: Response)`: the temporal response carries the cookie.
#[cookie_route(POST "/cookie-and-object/")]
async fn cookie_and_object(response: &mut Response) -> Result<Json<Value>, Error> {
    response.set_cookie(Cookie::new("fakesession", "fake-cookie-session-value"))?;
    Ok(Json(json!({ "message": DARK_SIDE })))
}

/// Returns a `JSONResponse` directly, with the cookie on it.
#[cookie_route(POST "/cookie/")]
async fn cookie_response() -> Result<Response, Error> {
    let mut response = Json(json!({ "message": DARK_SIDE })).into_response();
    response.set_cookie(Cookie::new("fakesession", "fake-cookie-session-value"))?;
    Ok(response)
}

#[cookie_route(GET "/cookie/")]
async fn read_fakesession(#[cookie] fakesession: Option<String>) -> Json<Value> {
    Json(json!({ "fakesession": fakesession }))
}

#[cookie_route(DELETE "/cookie/")]
async fn delete_fakesession(response: &mut Response) -> Result<Json<Value>, Error> {
    response.delete_cookie("fakesession")?;
    Ok(Json(json!({ "message": "Cookie deleted" })))
}

/// `def read_items(ads_id: Annotated[str | None, Cookie()] = None)`.
#[cookie_route(GET "/items-cookie/")]
async fn items_cookie(#[cookie] ads_id: Option<String>) -> Json<Value> {
    Json(json!({ "ads_id": ads_id }))
}

#[cookie_route(GET "/headers-and-object/")]
async fn headers_and_object(response: &mut Response) -> Result<Json<Value>, Error> {
    response.set_header("X-Cat-Dog", "alone in the world")?;
    Ok(Json(json!({ "message": "Hello World" })))
}

/// FastAPI's `UserIn`.
#[derive(Serialize, Deserialize, JsonSchema)]
struct UserIn {
    username: String,
    password: String,
    email: String,
    full_name: Option<String>,
}

/// FastAPI's `UserOut`: what leaves the service.
#[derive(Serialize, ResponseModel, JsonSchema)]
struct UserOut {
    username: String,
    email: String,
    full_name: Option<String>,
}

/// `@app.post("/user/", response_model=UserOut)`: the password never leaves.
#[cookie_route(POST "/user/", response_model = UserOut)]
async fn create_user(#[body] user: Json<UserIn>) -> Json<UserIn> {
    user
}

/// A stored profile, with what must not leave.
#[derive(Serialize)]
struct ProfileRecord {
    username: String,
    email: String,
    full_name: Option<String>,
    password: String,
    is_admin: bool,
    internal_notes: String,
}

#[cookie_route(GET "/profiles/{user_id}", response_model = UserOut)]
async fn profile(user_id: i64, response: &mut Response) -> Result<Json<ProfileRecord>, Error> {
    response.set_cookie(Cookie::new("last_user", user_id.to_string()))?;
    Ok(Json(ProfileRecord {
        username: format!("user{user_id}"),
        email: format!("user{user_id}@example.com"),
        full_name: None,
        password: "hunter2".to_owned(),
        is_admin: false,
        internal_notes: "internal use only".to_owned(),
    }))
}

fn default_tax() -> f64 {
    10.5
}

/// The `Item` of FastAPI's response-model page.
#[derive(Serialize, ResponseModel, JsonSchema)]
struct Item {
    name: String,
    description: Option<String>,
    price: f64,
    #[serde(default = "default_tax")]
    tax: f64,
    #[serde(default)]
    tags: Vec<String>,
}

/// The second `Item` of that page, without tags.
#[derive(Serialize, ResponseModel, JsonSchema)]
struct ItemWithoutTags {
    name: String,
    description: Option<String>,
    price: f64,
    #[serde(default = "default_tax")]
    tax: f64,
}

fn items(id: &str) -> Result<Json<Value>, Error> {
    match id {
        "foo" => Ok(json!({"name": "Foo", "price": 50.2})),
        "bar" => {
            Ok(json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}))
        }
        "baz" => {
            Ok(json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []}))
        }
        _ => Err(Error::not_found()),
    }
    .map(Json)
}

fn items_without_tags(id: &str) -> Result<Json<Value>, Error> {
    match id {
        "foo" => Ok(json!({"name": "Foo", "price": 50.2})),
        "bar" => {
            Ok(json!({"name": "Bar", "description": "The Bar fighters", "price": 62, "tax": 20.2}))
        }
        "baz" => Ok(
            json!({"name": "Baz", "description": "There goes my baz", "price": 50.2, "tax": 10.5}),
        ),
        _ => Err(Error::not_found()),
    }
    .map(Json)
}

#[cookie_route(GET "/items/{item_id}", response_model = Item, response_model_exclude_unset)]
async fn read_item(item_id: String) -> Result<Json<Value>, Error> {
    items(&item_id)
}

#[cookie_route(GET "/items/{item_id}/name", response_model = ItemWithoutTags,
               response_model_include = ["name", "description"])]
async fn read_item_name(item_id: String) -> Result<Json<Value>, Error> {
    items_without_tags(&item_id)
}

#[cookie_route(GET "/items/{item_id}/public", response_model = ItemWithoutTags,
               response_model_exclude = ["tax"])]
async fn read_item_public(item_id: String) -> Result<Json<Value>, Error> {
    items_without_tags(&item_id)
}

/// A value that does not fit its model: a 500, and nothing of the value leaves.
#[cookie_route(GET "/invalid-item/", response_model = Item)]
async fn invalid_item() -> Json<Value> {
    Json(json!({"name": "Portal Gun", "secret": "the cake is a lie"}))
}

/// A dependency that reads a cookie and, for a new visitor, sets it on the temporal response.
struct Tracking {
    id: String,
    new_visitor: bool,
}

impl FromRequest for Tracking {
    type Rejection = Error;

    async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
        if let Some(id) = request.cookie("tracking_id") {
            return Ok(Tracking { id: id.into_owned(), new_visitor: false });
        }
        let cookie = Cookie::build(("tracking_id", "visitor-1"))
            .max_age(cookie_route::time::Duration::seconds(600))
            .http_only(true)
            .same_site(SameSite::Strict);
        response.set_cookie(cookie.build())?;
        Ok(Tracking { id: "visitor-1".to_owned(), new_visitor: true })
    }
}

/// What `/dep-cookie/` answers. A struct, not `json!`: its keys stay in this order (a
/// `serde_json::Map` sorts them, unless serde_json's `preserve_order` feature is on).
#[derive(Serialize)]
struct TrackingOut {
    tracking_id: String,
    new_visitor: bool,
}

#[cookie_route(GET "/dep-cookie/")]
async fn dep_cookie(
    tracking: Tracking,
    response: &mut Response,
) -> Result<Json<TrackingOut>, Error> {
    response.set_cookie(Cookie::new("handler_cookie", "from-handler"))?;
    Ok(Json(TrackingOut { tracking_id: tracking.id, new_visitor: tracking.new_visitor }))
}

static TASKS: LazyLock<Mutex<HashMap<String, String>>> = LazyLock::new(|| {
    Mutex::new(HashMap::from([("foo".to_owned(), "Listen to the Bardo Thodol".to_owned())]))
});

/// FastAPI's change-status-code example: 201 when the task is created, 200 after.
#[cookie_route(PUT "/get-or-create-task/{task_id}")]
async fn get_or_create_task(task_id: String, response: &mut Response) -> Json<String> {
    let mut tasks = TASKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let task = tasks.entry(task_id).or_insert_with(|| {
        response.set_status(StatusCode::CREATED);
        "This didn't exist before".to_owned()
    });
    Json(task.clone())
}

/// The temporal response sets the status, a header and a cookie.
#[cookie_route(POST "/accepted/")]
async fn accepted(response: &mut Response) -> Result<Json<Value>, Error> {
    response.set_status(StatusCode::ACCEPTED);
    response.set_header("X-Request-State", "queued")?;
    let job = Cookie::build(("job", "42"))
        .max_age(cookie_route::time::Duration::seconds(60))
        .secure(true)
        .http_only(true)
        .same_site(SameSite::None);
    response.set_cookie(job.build())?;
    Ok(Json(json!({ "status": "queued" })))
}
