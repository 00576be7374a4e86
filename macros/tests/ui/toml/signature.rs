mod handlers {
    pub(crate) async fn read_user(user_id: String) -> String {
        user_id
    }
}

cookie_route::routes!("tests/ui/toml/signature.toml");

fn main() {}
