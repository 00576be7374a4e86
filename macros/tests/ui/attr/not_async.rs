use cookie_route::prelude::*;

#[cookie_route(GET "/a")]
fn a() -> &'static str {
    "a"
}

fn main() {}
