use cookie_route::prelude::*;

#[cookie_route(GET "/a", respons_model = String)]
async fn a() -> &'static str {
    "a"
}

fn main() {}
