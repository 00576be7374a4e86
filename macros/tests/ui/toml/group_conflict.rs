//! A group's route and a route of the app that match the same requests once the group is
//! under its prefix: both named.
cookie_route::routes!("tests/ui/toml/group_conflict.toml");

fn main() {}
