cookie_route::routes!("tests/ui/toml/cross_origin.toml");

fn main() {}
