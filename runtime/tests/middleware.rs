//! Function middleware (`App::middleware`, as FastAPI's `@app.middleware("http")` and axum's
//! `from_fn`) over real HTTP: one that answers at once, one that changes the response and
//! its cookies, their order, and the pipeline still running inside them.
#![cfg(feature = "test-client")]

use cookie_route::prelude::*;
use cookie_route::{Keys, Next, Session, SessionConfig, TestServer};

#[cookie_route(GET "/mw/hello")]
async fn hello() -> &'static str {
    "hello"
}

#[cookie_route(GET "/mw/login")]
async fn login(session: Session) -> Result<&'static str, Error> {
    session.insert("user", "ann")?;
    Ok("logged in")
}

async fn whoami(request: Request) -> Result<String, Error> {
    Ok(request.session().await?.get::<String>("user").unwrap_or_default())
}

/// Refuses requests without the API key, before any handler runs.
async fn api_key(request: Request, next: Next) -> Response {
    if request.header("x-api-key") != Some("secret") {
        return Error::http(StatusCode::UNAUTHORIZED, "Not authenticated").into_response();
    }
    next.run(request).await
}

/// Marks every response: a header and a cookie, after the handler.
async fn mark(request: Request, next: Next) -> Response {
    let path = request.path().to_owned();
    let mut response = next.run(request).await;
    response.set_header("x-seen-path", &path).expect("a path is a header value");
    response.set_cookie(Cookie::new("visited", "1")).expect("a valid cookie");
    response
}

fn app() -> App {
    App::declared()
        .keys(Keys::ephemeral())
        .sessions(SessionConfig::signed_cookie())
        .get("/mw/whoami", whoami)
        .middleware(api_key)
        .middleware(mark)
}

#[tokio::test]
async fn a_middleware_answers_at_once_and_another_changes_the_response() {
    let server = TestServer::start(app()).await;
    let browser = server.client();
    // Refused by the first middleware: neither the handler nor the later middleware ran.
    let refused = browser.get("/mw/hello").send().await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json::<serde_json::Value>()["detail"], "Not authenticated");
    assert_eq!(refused.header("x-seen-path"), None);
    assert!(refused.set_cookie("visited").is_none());
    // Let through: the handler's answer, with what the later middleware added.
    let hello = browser.get("/mw/hello").header("x-api-key", "secret").send().await;
    assert_eq!((hello.status().as_u16(), hello.text()), (200, "hello".to_owned()));
    assert_eq!(hello.header("x-seen-path"), Some("/mw/hello"));
    assert_eq!(browser.cookie("visited").as_deref(), Some("1"));
}

#[tokio::test]
async fn the_pipeline_runs_inside_middleware_for_every_kind_of_handler() {
    let server = TestServer::start(app()).await;
    let browser = server.client();
    let login = browser.get("/mw/login").header("x-api-key", "secret").send().await;
    assert_eq!(login.status(), 200);
    assert!(login.set_cookie("session").is_some(), "the session is saved inside the chain");
    assert!(login.set_cookie("visited").is_some(), "and the middleware's cookie is added");
    let me = browser.get("/mw/whoami").header("x-api-key", "secret").send().await;
    assert_eq!(me.text(), "ann", "a hand-written handler reads the session back");
}
