mod handlers {
    use cookie_route::State;

    pub(crate) struct Visits;

    pub(crate) async fn visits(_visits: State<Visits>) -> &'static str {
        "counted"
    }
}

cookie_route::routes!("tests/ui/toml/state_undeclared.toml");

fn main() {}
