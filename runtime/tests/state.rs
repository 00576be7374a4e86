//! Application state (`App::state`, `State<T>`): reached from an attribute handler, a
//! routes.toml handler, a dependency and a handler written by hand, over real HTTP; a state
//! the app does not have stops `App::build`, naming the route.
#![cfg(feature = "test-client")]

use std::sync::atomic::{AtomicU64, Ordering};

use cookie_route::prelude::*;
use cookie_route::{Requirements, StartError, State, TestServer};

/// Visits counted across every route and every kind of handler.
#[derive(Debug, Default)]
pub struct Visits(AtomicU64);

impl Visits {
    fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// The app's users, as a database would hold them.
#[derive(Debug)]
pub struct Users(Vec<(&'static str, &'static str)>);

/// The user a `token` cookie names: a dependency that uses state.
struct CurrentUser(&'static str);

impl FromRequest for CurrentUser {
    type Rejection = Error;

    async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
        let users = State::<Users>::from_request(request, response).await?;
        let token = request.cookie("token").ok_or_else(unauthorized)?;
        let found = users.0.iter().find(|(t, _)| *t == token).ok_or_else(unauthorized)?;
        Ok(CurrentUser(found.1))
    }

    fn requires(requirements: &mut Requirements) {
        requirements.dependency::<State<Users>>();
    }
}

fn unauthorized() -> Error {
    Error::http(StatusCode::UNAUTHORIZED, "Not authenticated")
}

#[cookie_route(GET "/attr/visits")]
async fn attr_visits(visits: State<Visits>) -> String {
    visits.next().to_string()
}

#[cookie_route(GET "/me")]
async fn me(user: CurrentUser) -> String {
    user.0.to_owned()
}

mod handlers {
    use cookie_route::State;

    pub(crate) async fn visits(visits: State<crate::Visits>) -> String {
        visits.next().to_string()
    }
}

cookie_route::routes!("tests/fixtures/state_routes.toml");

async fn hand_written(request: Request) -> Result<String, Error> {
    Ok(request.state::<Visits>()?.next().to_string())
}

fn with_state(app: App) -> App {
    app.state(Visits::default())
        .state(Users(vec![("t-ann", "ann")]))
        .get("/fn/visits", hand_written)
}

#[tokio::test]
async fn every_kind_of_handler_and_a_dependency_reach_the_state() {
    let server = TestServer::start(with_state(app())).await;
    let client = server.client();
    // One `Visits` for the whole app: each kind of handler counts on from the last.
    let mut counts = Vec::new();
    for path in ["/attr/visits", "/toml/visits", "/fn/visits", "/attr/visits"] {
        let response = client.get(path).send().await;
        assert_eq!(response.status(), 200, "{path}");
        counts.push(response.text());
    }
    assert_eq!(counts, ["1", "2", "3", "4"]);
    // A dependency that reads state and the request.
    assert_eq!(client.get("/me").send().await.status(), 401);
    let me = client.get("/me").cookie("token", "t-ann").send().await;
    assert_eq!((me.status().as_u16(), me.text()), (200, "ann".to_owned()));
}

#[test]
fn a_state_the_app_does_not_have_stops_the_build_naming_each_route() {
    // No `Users`: the dependency's needs are checked too.
    let app = app().state(Visits::default());
    let Err(StartError::Routes(errors)) = app.build() else {
        panic!("builds without the state its routes take")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("`GET /me` at runtime/tests/state.rs:52:1 takes"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("takes `State<state::Users>`"), "{}", errors[0]);

    let Err(StartError::Routes(errors)) = App::declared().build() else {
        panic!("builds without any state")
    };
    let mut routes: Vec<&str> = errors.iter().map(|e| e.split(" at ").next().unwrap()).collect();
    routes.sort_unstable();
    assert_eq!(routes, ["`GET /attr/visits`", "`GET /me`"], "{errors:?}");

    let Err(StartError::Routes(errors)) = app_without_attributes().build() else {
        panic!("a routes.toml route builds without its state")
    };
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("`GET /toml/visits` at tests/fixtures/state_routes.toml:3:1")),
        "{errors:?}"
    );
}

/// The routes.toml app on its own, with the state its attribute routes need.
fn app_without_attributes() -> App {
    app().state(Users(Vec::new()))
}

#[test]
fn one_value_per_state_type() {
    let app = with_state(app()).state(Visits::default());
    let Err(StartError::Routes(errors)) = app.build() else { panic!("two Visits") };
    assert_eq!(errors, ["App::state: a value of type `state::Visits` is registered twice"]);
}
