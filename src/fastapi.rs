//! The examples of FastAPI's documentation, declared with `#[cookie_route]`.

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
