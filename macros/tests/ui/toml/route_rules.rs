cookie_route::routes!("tests/ui/toml/route_rules.toml");

fn main() {}
