use cookie_route::prelude::*;

// Tags would only matter to an OpenAPI document, which cookie-route does not make yet: a
// declaration that says them is refused rather than silently ignored.
#[cookie_route(GET "/items", tags = ["items"])]
async fn items() -> &'static str {
    "items"
}

fn main() {}
