//! The rules every route follows, whichever way it is declared (tests/ui/toml/shared_rules
//! has the same mistakes in a routes file, reported by the same checks).
use cookie_route::prelude::*;

#[cookie_route(GET | GET "/twice")]
async fn twice() -> &'static str {
    "twice"
}

#[cookie_route(GET "/status", status = 700)]
async fn status() -> &'static str {
    "status"
}

#[cookie_route(GET "/filter", response_model_exclude_unset)]
async fn filter() -> &'static str {
    "filter"
}

#[cookie_route(GET "/cookie")]
async fn cookie(#[cookie(name = "bad name")] value: Option<String>) -> String {
    value.unwrap_or_default()
}

fn main() {}
