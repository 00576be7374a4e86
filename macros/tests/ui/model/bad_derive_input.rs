use cookie_route::prelude::*;

#[derive(ResponseModel)]
struct Model {
    #[model(anything)]
    other: u32,
}

#[derive(ResponseModel)]
enum NotAStruct {
    A,
}

fn main() {}
