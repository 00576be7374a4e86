use cookie_route::prelude::*;

#[cookie_route(FETCH "/a")]
async fn a() -> &'static str {
    "a"
}

#[cookie_route(get "/b")]
async fn b() -> &'static str {
    "b"
}

fn main() {}
