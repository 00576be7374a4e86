cookie_route::routes!("tests/ui/toml/syntax.toml");

fn main() {}
