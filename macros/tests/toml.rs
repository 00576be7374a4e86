//! `routes!("routes.toml")` end to end: the shared suite (`suite/mod.rs`) run against the
//! routes of `attr.rs`, declared in `tests/fixtures/routes.toml` instead.

mod suite;

use cookie_route::prelude::*;

cookie_route::routes!("tests/fixtures/routes.toml");

mod models {
    use cookie_route::prelude::*;

    #[derive(Serialize, Deserialize)]
    pub(crate) struct UserIn {
        pub(crate) username: String,
        pub(crate) password: String,
        pub(crate) email: String,
        pub(crate) full_name: Option<String>,
    }

    #[derive(Serialize, ResponseModel)]
    pub(crate) struct UserOut {
        pub(crate) username: String,
        pub(crate) email: String,
        pub(crate) full_name: Option<String>,
    }

    #[derive(Deserialize)]
    pub(crate) struct Login {
        pub(crate) user: String,
    }

    #[derive(Serialize, ResponseModel)]
    pub(crate) struct Item {
        pub(crate) name: String,
        pub(crate) description: Option<String>,
        pub(crate) price: f64,
        #[serde(default = "default_tax")]
        pub(crate) tax: f64,
        #[serde(default)]
        pub(crate) tags: Vec<String>,
    }

    fn default_tax() -> f64 {
        10.5
    }
}

mod handlers {
    use cookie_route::Form;
    use cookie_route::prelude::*;
    use serde_json::{Value, json};

    use crate::cookies;
    use crate::models::{Login, UserIn};

    pub(crate) async fn create_cookie(response: &mut Response) -> Result<Json<Value>, Error> {
        cookies::fakesession::set(response, "fake-cookie-session-value")?;
        Ok(Json(json!({ "message": "Come to the dark side, we have cookies" })))
    }

    pub(crate) async fn read_items(ads_id: Option<String>) -> Json<Value> {
        Json(json!({ "ads_id": ads_id }))
    }

    pub(crate) async fn required_cookie(sid: u64) -> Json<Value> {
        Json(json!({ "sid": sid }))
    }

    pub(crate) async fn read_user(
        user_id: i64,
        q: Option<String>,
        limit: Option<u32>,
    ) -> Json<Value> {
        Json(json!({ "user_id": user_id, "q": q, "limit": limit.unwrap_or(10) }))
    }

    pub(crate) async fn read_headers(user_agent: Option<String>, token: String) -> Json<Value> {
        Json(json!({ "user_agent": user_agent, "token": token }))
    }

    pub(crate) async fn create_user(user: Json<UserIn>) -> Json<UserIn> {
        user
    }

    pub(crate) async fn form(Form(login): Form<Login>) -> String {
        login.user
    }

    fn items(id: &str) -> Option<Value> {
        match id {
            "foo" => Some(json!({"name": "Foo", "price": 50.2})),
            "bar" => Some(
                json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}),
            ),
            "baz" => Some(
                json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []}),
            ),
            _ => None,
        }
    }

    pub(crate) async fn read_item(item_id: String) -> Result<Json<Value>, Error> {
        items(&item_id).map(Json).ok_or_else(Error::not_found)
    }

    pub(crate) async fn invalid_item() -> Json<Value> {
        Json(json!({"name": "Oops", "secret": "do-not-leak"}))
    }

    pub(crate) struct Tracking {
        id: String,
        new: bool,
    }

    impl FromRequest for Tracking {
        type Rejection = Error;

        async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
            if let Some(id) = cookies::tracking_id::get(request)? {
                return Ok(Tracking { id, new: false });
            }
            cookies::tracking_id::set(response, "visitor-1")?;
            Ok(Tracking { id: "visitor-1".to_owned(), new: true })
        }
    }

    pub(crate) async fn dep_cookie(
        tracking: Tracking,
        response: &mut Response,
    ) -> Result<Json<Value>, Error> {
        response.set_cookie(Cookie::new("handler_cookie", "from-handler"))?;
        Ok(Json(json!({ "tracking_id": tracking.id, "new_visitor": tracking.new })))
    }

    #[derive(Serialize)]
    pub(crate) struct ProfileIn {
        username: String,
        email: String,
        full_name: Option<String>,
        password: String,
        is_admin: bool,
    }

    pub(crate) async fn profile(
        user_id: i64,
        response: &mut Response,
    ) -> Result<Json<ProfileIn>, Error> {
        cookies::last_user::set(response, user_id)?;
        response.set_status(StatusCode::ACCEPTED);
        Ok(Json(ProfileIn {
            username: format!("user{user_id}"),
            email: format!("user{user_id}@example.com"),
            full_name: None,
            password: "secret".to_owned(),
            is_admin: true,
        }))
    }

    pub(crate) async fn direct(response: &mut Response) -> Result<Response, Error> {
        response.set_cookie(Cookie::new("fakesession", "x"))?;
        Ok(Json(json!({"message": "bypasses the model"})).into_response())
    }

    pub(crate) async fn set_pref(
        value: u32,
        request: &Request,
        response: &mut Response,
    ) -> Result<&'static str, Error> {
        let keys = request.keys().ok_or_else(|| Error::other("no keys"))?;
        cookies::pref::set(response, keys, value)?;
        Ok("set")
    }

    pub(crate) async fn get_pref(pref: Option<u32>) -> Json<Value> {
        Json(json!({ "pref": pref }))
    }

    pub(crate) async fn multi(request: &Request) -> String {
        request.method().to_string()
    }
}

suite::tests!(app());

#[test]
fn declared_cookies_carry_their_attributes() {
    let cookie = cookies::tracking_id::cookie("v");
    assert_eq!(cookie.max_age(), Some(cookie_route::time::Duration::minutes(10)));
    assert_eq!(cookie.same_site(), Some(SameSite::Strict));
    assert_eq!(cookies::last_user::NAME, "last_user");
}

#[test]
fn limits_come_from_the_file() {
    let service = app().build().expect("the app builds");
    assert_eq!(service.limits().max_body_bytes(), 65536);
    let routes: Vec<String> = service.routes().map(|(m, p, _)| format!("{m} {p}")).collect();
    assert!(routes.contains(&"GET /items/{item_id}/name".to_owned()), "{routes:?}");
    let (_, _, location) = service.routes().find(|(_, p, _)| *p == "/form/").expect("declared");
    assert_eq!(location, "tests/fixtures/routes.toml:56:1");
}

#[tokio::test]
async fn declared_signed_cookies_are_typed_and_checked() {
    let keys =
        cookie_route::Keys::from_secret("a secret for the TOML app's signed cookie").unwrap();
    let client = cookie_route::TestClient::new(app().keys(keys));
    assert_eq!(
        client.get("/pref").send().await.json::<serde_json::Value>(),
        serde_json::json!({"pref": null})
    );
    let res = client.get("/pref/7").send().await;
    let cookie = res.set_cookie("pref").expect("the pref cookie");
    assert_ne!(cookie.value(), "7", "signed, not plain");
    assert_eq!(cookie.max_age(), Some(cookie_route::time::Duration::hours(1)));
    assert_eq!(
        client.get("/pref").send().await.json::<serde_json::Value>(),
        serde_json::json!({"pref": 7})
    );
    // A value changed by the client reads as absent.
    let forged = cookie.value().replace("|7", "|9");
    client.clear_cookies();
    let res = client.get("/pref").cookie("pref", &forged).send().await;
    assert_eq!(res.json::<serde_json::Value>(), serde_json::json!({"pref": null}));
}
