cookie_route::routes!("tests/ui/toml/cookie_rules.toml");

fn main() {}
