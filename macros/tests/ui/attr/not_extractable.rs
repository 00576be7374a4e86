use cookie_route::prelude::*;

struct Unknown;

// Neither a dependency nor a value read with `FromStr`.
struct Opaque;

#[cookie_route(GET "/a")]
async fn a(thing: Unknown, #[cookie] c: Option<Opaque>) -> &'static str {
    let _ = (thing, c);
    "a"
}

fn main() {}
