use cookie_route::prelude::*;

#[derive(Serialize, ResponseModel)]
struct UserOut {
    username: String,
    #[serde(rename = "fullName")]
    full_name: Option<String>,
}

// A misspelt field would be silently ignored by FastAPI; here it stops the build, at the name.
#[cookie_route(GET "/include", response_model = UserOut, response_model_include = ["username", "emial"])]
async fn include() -> Json<UserOut> {
    Json(UserOut { username: "ann".into(), full_name: None })
}

// Fields are named as in JSON, after serde's renames.
#[cookie_route(GET "/exclude", response_model = UserOut, response_model_exclude = ["full_name"])]
async fn exclude() -> Json<UserOut> {
    Json(UserOut { username: "ann".into(), full_name: None })
}

// Every name that is a field passes.
#[cookie_route(GET "/fine", response_model = UserOut, response_model_include = ["username"], response_model_exclude = ["fullName"])]
async fn fine() -> Json<UserOut> {
    Json(UserOut { username: "ann".into(), full_name: None })
}

fn main() {}
