use cookie_route::prelude::*;

struct Opaque;

#[derive(ResponseModel)]
struct Model {
    field: Opaque,
}

fn main() {}
