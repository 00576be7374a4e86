use cookie_route::prelude::*;

#[cookie_route(GET "/items/{item_id}")]
async fn missing_argument() -> &'static str {
    "a"
}

#[cookie_route(GET "/users")]
async fn not_in_pattern(#[path] user_id: u32) -> String {
    user_id.to_string()
}

fn main() {}
