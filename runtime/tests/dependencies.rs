//! Dependencies as a real app uses them, over real HTTP: a "current user" that reads the
//! session and loads the user from state; `Depends<T>` made once per request however many
//! ask for it (counted), and again for each plain `T`; a failing dependency answering with
//! its rejection without calling the handler; cookies set before a rejection or a 422 kept;
//! and errors of any type answered once for the app by `App::on_error`.
#![cfg(feature = "test-client")]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use cookie_route::prelude::*;
use cookie_route::{Keys, Next, Requirements, Session, SessionConfig, TestServer};

/// How many times each thing ran, by name; the test keeps a clone.
#[derive(Clone, Default)]
struct Counts(std::sync::Arc<std::sync::Mutex<HashMap<&'static str, usize>>>);

impl Counts {
    fn bump(&self, what: &'static str) {
        *self.0.lock().unwrap().entry(what).or_default() += 1;
    }

    fn take(&self, what: &'static str) -> usize {
        self.0.lock().unwrap().remove(what).unwrap_or_default()
    }
}

/// The users, as a database would hold them.
struct Users(HashMap<u64, &'static str>);

/// A connection to the "database": opening one is counted.
struct Db {
    opened: usize,
}

static OPENED: AtomicUsize = AtomicUsize::new(0);

impl FromRequest for Db {
    type Rejection = Error;

    async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
        let counts = State::<Counts>::from_request(request, response).await?;
        counts.bump("db");
        Ok(Db { opened: OPENED.fetch_add(1, Ordering::Relaxed) })
    }

    fn requires(requirements: &mut Requirements) {
        requirements.state::<Counts>();
    }
}

/// The signed-in user: the session's `user_id`, loaded from `Users` with the request's one
/// `Db`; 401 without one.
struct CurrentUser {
    name: &'static str,
    db: Depends<Db>,
}

impl FromRequest for CurrentUser {
    type Rejection = Error;

    async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
        let db = Depends::<Db>::from_request(request, response).await?;
        let session = Session::from_request(request, response).await?;
        let users = State::<Users>::from_request(request, response).await?;
        let name = session
            .get::<u64>("user_id")
            .and_then(|id| users.0.get(&id).copied())
            .ok_or_else(|| Error::http(StatusCode::UNAUTHORIZED, "Not signed in"))?;
        Ok(CurrentUser { name, db })
    }

    fn requires(requirements: &mut Requirements) {
        requirements.dependency::<Depends<Db>>();
        requirements.state::<Users>();
    }
}

/// Sets a cookie, then succeeds: to see what stays when something after it fails.
struct Visitor;

impl FromRequest for Visitor {
    type Rejection = Error;

    async fn from_request(_: &Request, response: &mut Response) -> Result<Self, Error> {
        response.set_cookie(Cookie::new("visitor", "v-1"))?;
        response.set_header("x-visitor", "1")?;
        Ok(Visitor)
    }
}

#[cookie_route(GET "/login/{user_id}")]
async fn login(user_id: u64, session: Session) -> Result<&'static str, Error> {
    session.insert("user_id", user_id)?;
    Ok("signed in")
}

/// The handler and its `CurrentUser` both take `Depends<Db>`: one `Db`.
#[cookie_route(GET "/me")]
async fn me(user: CurrentUser, db: Depends<Db>, counts: State<Counts>) -> String {
    counts.bump("me");
    let shared = Depends::shared(&user.db);
    assert!(std::sync::Arc::ptr_eq(shared, Depends::shared(&db)), "one Db per request");
    format!("{} (db {})", user.name, db.opened)
}

/// A plain `Db` is not shared: a second one is opened.
#[cookie_route(GET "/me-uncached")]
async fn me_uncached(user: CurrentUser, db: Db) -> String {
    format!("{} (db {} and {})", user.name, user.db.opened, db.opened)
}

/// The visitor cookie is set before `CurrentUser` fails, or before the query fails to parse.
#[cookie_route(GET "/visit")]
async fn visit(_visitor: Visitor, user: CurrentUser, counts: State<Counts>) -> &'static str {
    counts.bump("visit");
    user.name
}

#[cookie_route(GET "/page")]
async fn page(_visitor: Visitor, #[query] page: u32) -> String {
    format!("page {page}")
}

/// An error type of the service's own, answered once for the app by `App::on_error`.
#[derive(Debug)]
enum NotesError {
    NoSuchNote(u64),
    Forbidden,
}

impl std::fmt::Display for NotesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotesError::NoSuchNote(id) => write!(f, "no note {id}"),
            NotesError::Forbidden => f.write_str("not yours"),
        }
    }
}

impl std::error::Error for NotesError {}

#[cookie_route(GET "/notes/{id}")]
async fn note(id: u64, response: &mut Response) -> Result<&'static str, Raised> {
    response.set_cookie(Cookie::new("last_note", id.to_string()))?;
    match id {
        1 => Ok("the first note"),
        2 => Err(NotesError::Forbidden)?,
        _ => Err(NotesError::NoSuchNote(id))?,
    }
}

/// An error without a handler: a logged 500, the cookie set before it kept.
#[cookie_route(GET "/broken")]
async fn broken(response: &mut Response) -> Result<String, Raised> {
    response.set_cookie(Cookie::new("tried", "1"))?;
    Ok(std::fs::read_to_string("/no/such/file/anywhere")?)
}

/// cookie-route's own error through `Raised` keeps its response.
#[cookie_route(GET "/own-error")]
async fn own_error() -> Result<String, Raised> {
    Err(Error::http(StatusCode::IM_A_TEAPOT, "short and stout"))?
}

/// A dependency whose rejection is `Raised`.
struct Owner;

impl FromRequest for Owner {
    type Rejection = Raised;

    async fn from_request(_: &Request, _: &mut Response) -> Result<Self, Raised> {
        Err(NotesError::Forbidden)?
    }
}

#[cookie_route(GET "/owned")]
async fn owned(_owner: Owner, counts: State<Counts>) -> &'static str {
    counts.bump("owned");
    "never"
}

fn app(counts: &Counts) -> App {
    App::declared()
        .keys(Keys::ephemeral())
        .sessions(SessionConfig::signed_cookie())
        .state(counts.clone())
        .state(Users(HashMap::from([(7, "ann"), (8, "bob")])))
        .get("/by-hand", |_: Request| async {
            Err::<&str, Raised>(NotesError::NoSuchNote(99).into())
        })
        .on_error(|error: &NotesError| match error {
            NotesError::NoSuchNote(_) => {
                (StatusCode::NOT_FOUND, Json(serde_json::json!({ "detail": error.to_string() })))
                    .into_response()
            }
            NotesError::Forbidden => Html("<p>not yours</p>").into_response(),
        })
}

#[tokio::test]
async fn a_current_user_from_the_session_and_state_with_one_db_per_request() {
    let counts = Counts::default();
    let server = TestServer::start(app(&counts)).await;
    let client = server.client();

    let anonymous = client.get("/me").send().await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.text(), r#"{"detail":"Not signed in"}"#);
    assert_eq!(counts.take("me"), 0, "a failing dependency: the handler is not called");
    assert_eq!(counts.take("db"), 1);

    assert_eq!(client.get("/login/7").send().await.text(), "signed in");
    let me = client.get("/me").send().await;
    assert_eq!(me.status(), 200);
    assert!(me.text().starts_with("ann (db "), "{}", me.text());
    assert_eq!(counts.take("me"), 1);
    assert_eq!(counts.take("db"), 1, "CurrentUser's Depends<Db> and the handler's: one Db");

    // A plain `Db` next to `CurrentUser`'s `Depends<Db>` is a second one.
    let uncached = client.get("/me-uncached").send().await;
    assert_eq!(counts.take("db"), 2, "{}", uncached.text());
    let text = uncached.text();
    let opened: Vec<&str> =
        text.split(['(', ')', ' ']).filter(|w| w.parse::<u64>().is_ok()).collect();
    assert_eq!(opened.len(), 2);
    assert_ne!(opened[0], opened[1], "two Db: {text}");

    // Each request makes its own.
    client.get("/me").send().await;
    client.get("/me").send().await;
    assert_eq!(counts.take("db"), 2);
}

#[tokio::test]
async fn cookies_set_before_a_rejection_or_a_422_are_kept() {
    let counts = Counts::default();
    let server = TestServer::start(app(&counts)).await;
    let client = server.client();

    let rejected = client.get("/visit").send().await;
    assert_eq!(rejected.status(), 401);
    assert_eq!(counts.take("visit"), 0);
    assert_eq!(rejected.set_cookie("visitor").map(|c| c.value().to_owned()), Some("v-1".into()));
    assert_eq!(rejected.header("x-visitor"), Some("1"));

    let invalid = client.get("/page?page=x").send().await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(
        invalid.json::<serde_json::Value>()["detail"][0]["loc"],
        serde_json::json!(["query", "page"])
    );
    assert!(invalid.set_cookie("visitor").is_some(), "the visitor cookie stays on the 422");
    assert_eq!(client.get("/page?page=2").send().await.text(), "page 2");
}

#[tokio::test]
async fn errors_of_any_type_are_answered_once_for_the_app() {
    let counts = Counts::default();
    let server = TestServer::start(app(&counts)).await;
    let client = server.client();

    assert_eq!(client.get("/notes/1").send().await.text(), "the first note");
    let missing = client.get("/notes/5").send().await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.header("content-type"), Some("application/json"));
    assert_eq!(missing.text(), r#"{"detail":"no note 5"}"#);
    assert_eq!(missing.set_cookie("last_note").map(|c| c.value().to_owned()), Some("5".into()));
    let forbidden = client.get("/notes/2").send().await;
    assert_eq!(forbidden.status(), 500, "the handler set no status: 500");
    assert_eq!(forbidden.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(forbidden.text(), "<p>not yours</p>");

    let broken = client.get("/broken").send().await;
    assert_eq!((broken.status().as_u16(), broken.text()), (500, "Internal Server Error".into()));
    assert!(broken.set_cookie("tried").is_some(), "cookies set before the error stay");

    let own = client.get("/own-error").send().await;
    assert_eq!(
        (own.status().as_u16(), own.text()),
        (418, r#"{"detail":"short and stout"}"#.into())
    );

    let owned = client.get("/owned").send().await;
    assert_eq!(owned.text(), "<p>not yours</p>", "a dependency's Raised rejection");
    assert_eq!(counts.take("owned"), 0);

    let by_hand = client.get("/by-hand").send().await;
    assert_eq!(
        (by_hand.status().as_u16(), by_hand.text()),
        (404, r#"{"detail":"no note 99"}"#.into())
    );
}

#[tokio::test]
async fn a_middlewares_raised_error_is_a_bare_500() {
    let counts = Counts::default();
    let app = app(&counts).middleware(|request: Request, next: Next| async move {
        if request.path() == "/notes/1" {
            return Raised::from(NotesError::Forbidden).into_response();
        }
        next.run(request).await
    });
    let server = TestServer::start(app).await;
    let response = server.client().get("/notes/1").send().await;
    assert_eq!(
        (response.status().as_u16(), response.text()),
        (500, "Internal Server Error".into())
    );
}

#[test]
fn two_handlers_for_one_error_type_or_a_groups_handler_fail_the_build() {
    let twice = App::new().on_error(|_: &NotesError| "a").on_error(|_: &NotesError| "b");
    let Err(cookie_route::StartError::Routes(errors)) = twice.build() else { panic!("built") };
    assert!(errors[0].contains("`dependencies::NotesError` have two handlers"), "{errors:?}");
    let group = App::new().on_error(|_: &NotesError| "a");
    let Err(cookie_route::StartError::Routes(errors)) = App::new().nest("/g", group).build() else {
        panic!("built")
    };
    assert!(errors[0].contains("error handlers (App::on_error)"), "{errors:?}");
}
