use cookie_route::prelude::*;

struct NotAResponse;

#[cookie_route(GET "/a")]
async fn a() -> NotAResponse {
    NotAResponse
}

fn main() {}
