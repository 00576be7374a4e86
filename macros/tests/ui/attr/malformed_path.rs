use cookie_route::prelude::*;

#[cookie_route(GET "/items//{id")]
async fn a() -> &'static str {
    "a"
}

fn main() {}
