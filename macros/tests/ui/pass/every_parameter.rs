use cookie_route::prelude::*;

struct Dep;

impl FromRequest for Dep {
    type Rejection = Error;
    async fn from_request(_: &Request, _: &mut Response) -> Result<Self, Error> {
        Ok(Dep)
    }
}

#[derive(Serialize, ResponseModel)]
struct Out {
    id: u32,
}

#[cookie_route(GET | HEAD "/a/{id}", response_model = Out, status = 200, name = "a")]
async fn a(
    id: u32,
    #[cookie] c: Option<String>,
    #[query(default = 3)] q: u8,
    #[header(name = "X-H")] h: Option<String>,
    _dep: Dep,
    response: &mut Response,
    request: &Request,
) -> Json<serde_json::Value> {
    let _ = (c, q, h, response, request);
    Json(serde_json::json!({ "id": id }))
}

fn main() {}
