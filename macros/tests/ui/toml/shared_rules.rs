mod handlers {
    pub(crate) async fn twice() -> &'static str {
        "twice"
    }
    pub(crate) async fn status() -> &'static str {
        "status"
    }
    pub(crate) async fn filter() -> &'static str {
        "filter"
    }
    pub(crate) async fn cookie(value: Option<String>) -> String {
        value.unwrap_or_default()
    }
    pub(crate) async fn lowercase() -> &'static str {
        "lowercase"
    }
}

cookie_route::routes!("tests/ui/toml/shared_rules.toml");

fn main() {}
