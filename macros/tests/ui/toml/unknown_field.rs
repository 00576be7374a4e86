mod handlers {
    use cookie_route::prelude::*;

    #[derive(Serialize, ResponseModel)]
    pub(crate) struct UserOut {
        pub(crate) username: String,
        pub(crate) email: String,
    }

    fn ann() -> Json<UserOut> {
        Json(UserOut { username: "ann".into(), email: "ann@example.com".into() })
    }

    pub(crate) async fn include() -> Json<UserOut> {
        ann()
    }

    pub(crate) async fn exclude() -> Json<UserOut> {
        ann()
    }

    pub(crate) async fn fine() -> Json<UserOut> {
        ann()
    }
}

cookie_route::routes!("tests/ui/toml/unknown_field.toml");

fn main() {}
