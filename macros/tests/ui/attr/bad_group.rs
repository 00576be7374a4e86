//! An attribute's group is a lowercase identifier, given as a string.
use cookie_route::prelude::*;

#[cookie_route(GET "/a", group = "Admin-API")]
async fn a() -> &'static str {
    "a"
}

#[cookie_route(GET "/b", group = "type")]
async fn b() -> &'static str {
    "b"
}

#[cookie_route(GET "/c", group = api)]
async fn c() -> &'static str {
    "c"
}

fn main() {}
