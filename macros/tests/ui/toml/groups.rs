//! Group mistakes in a routes file: prefixes that are not one, a group name that is not one,
//! a key a group does not take, a route naming a group the file does not declare.
cookie_route::routes!("tests/ui/toml/groups.toml");

fn main() {}
