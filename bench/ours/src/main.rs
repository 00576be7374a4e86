//! cookie-route: routes declared with `#[cookie_route]`, the user filtered through a
//! `response_model`. `bench-ours PORT` (or env `PORT`).

use cookie_route::prelude::*;
use cookie_route::time::Duration;
use serde_json::{Value, json};

#[derive(Serialize)]
struct UserIn {
    id: u32,
    username: String,
    email: String,
    full_name: String,
    password: String,
    disabled: bool,
}

#[derive(Serialize, ResponseModel)]
struct UserOut {
    id: u32,
    username: String,
    email: String,
    full_name: String,
}

fn load_user(id: u32) -> UserIn {
    UserIn {
        id,
        username: format!("user{id}"),
        email: format!("user{id}@example.com"),
        full_name: format!("User {id}"),
        password: "secret".to_owned(),
        disabled: false,
    }
}

#[cookie_route(GET "/plaintext")]
async fn plaintext() -> &'static str {
    "Hello, World!"
}

#[cookie_route(GET "/getcookie")]
async fn get_cookie(#[cookie] username: Option<String>) -> Json<Value> {
    Json(json!({ "username": username }))
}

// Path=/, HttpOnly and SameSite=Lax are the defaults.
#[cookie_route(POST "/cookie-and-object/")]
async fn cookie_and_object(response: &mut Response) -> Result<Json<Value>, Error> {
    response.set_cookie(Cookie::new("fakesession", "fake-cookie-session-value"))?;
    Ok(Json(json!({ "message": "Come to the dark side, we have cookies" })))
}

// The client sees UserOut: the password and `disabled` never leave.
#[cookie_route(GET "/users/{id}", response_model = UserOut)]
async fn user(id: u32, response: &mut Response) -> Result<Json<UserIn>, Error> {
    let cookie = Cookie::build(("last_user", id.to_string()))
        .max_age(Duration::hours(1))
        .secure(true)
        .same_site(SameSite::Strict);
    response.set_cookie(cookie.build())?;
    Ok(Json(load_user(id)))
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[tokio::main]
async fn main() -> Result<(), cookie_route::StartError> {
    App::declared().serve(format!("127.0.0.1:{}", port())).await
}
