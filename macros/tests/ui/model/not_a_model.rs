use cookie_route::prelude::*;

#[derive(Serialize)]
struct Plain {
    id: u32,
}

#[cookie_route(GET "/a", response_model = Plain)]
async fn a() -> Json<Plain> {
    Json(Plain { id: 1 })
}

fn main() {}
