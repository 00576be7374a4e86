use cookie_route::prelude::*;

#[cookie_route(GET "/a")]
async fn a(#[cookie(name = "session id")] sid: Option<String>) -> String {
    sid.unwrap_or_default()
}

fn main() {}
