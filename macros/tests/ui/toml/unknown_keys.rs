cookie_route::routes!("tests/ui/toml/unknown_keys.toml");

fn main() {}
