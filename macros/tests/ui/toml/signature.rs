mod handlers {
    use cookie_route::Response;

    pub(crate) async fn read_user(user_id: String) -> String {
        user_id
    }

    // The route passes the temporal response too.
    pub(crate) async fn forget(_username: Option<String>) -> &'static str {
        "forgotten"
    }

    pub(crate) async fn fits(item_id: u32, response: &mut Response) -> String {
        response.delete_cookie("last_item");
        item_id.to_string()
    }
}

cookie_route::routes!("tests/ui/toml/signature.toml");

fn main() {}
