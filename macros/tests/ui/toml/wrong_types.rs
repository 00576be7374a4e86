cookie_route::routes!("tests/ui/toml/wrong_types.toml");

fn main() {}
