mod absolute {
    cookie_route::routes!("/etc/routes.toml");
}

mod parent {
    cookie_route::routes!("../routes.toml");
}

mod missing {
    cookie_route::routes!("tests/ui/toml/does_not_exist.toml");
}

fn main() {}
