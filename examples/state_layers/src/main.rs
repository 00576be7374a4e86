//! Run with: `cargo run -p state_layers`, then open http://127.0.0.1:8006/, or
//! `curl -c jar -b jar -d name=ann http://127.0.0.1:8006/login` and
//! `curl -b jar --compressed http://127.0.0.1:8006/api/me`.
//!
//! What a service grows into:
//!
//! - application state: the user directory, registered once with `App::state` and taken by
//!   handlers as `State<Users>`;
//! - a dependency that uses it: `CurrentUser`, the session's user looked up in the
//!   directory (401 without one), which says what state it needs so that an app without it
//!   fails at start-up rather than at the first request;
//! - tower-http layers on the whole app (`TraceLayer` logs each request,
//!   `CompressionLayer` gzips what clients accept, `SetResponseHeaderLayer` adds
//!   `X-Content-Type-Options`) and on a group alone (`Cache-Control: no-store` on `/api`);
//! - a group: the routes declared with `group = "api"`, nested under `/api` with `App::nest`;
//! - static files: `static/` served under `/static` by tower-http's `ServeDir`, mounted with
//!   `App::nest_service`.
//!
//! `COOKIE_ROUTE_SECRET_KEY` signs the session cookie (random when unset, with a warning).
//! `HOST` and `PORT` say where it listens (default `127.0.0.1:8006`); Ctrl-C or SIGTERM
//! stops it.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use cookie_route::http::HeaderValue;
use cookie_route::http::header::{CACHE_CONTROL, X_CONTENT_TYPE_OPTIONS};
use cookie_route::prelude::*;
use cookie_route::{Keys, Requirements, Session, SessionConfig, StartError, shutdown_signal};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// A user of the directory.
#[derive(Debug, Clone, Serialize)]
struct User {
    name: &'static str,
    role: &'static str,
}

/// The application state: the user directory, as a database would hold it.
#[derive(Debug)]
struct Users(Vec<User>);

impl Users {
    fn find(&self, name: &str) -> Option<&User> {
        self.0.iter().find(|user| user.name == name)
    }
}

/// The signed-in user: the session's user, looked up in the directory.
struct CurrentUser(User);

impl FromRequest for CurrentUser {
    type Rejection = Error;

    async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
        let session = Session::from_request(request, response).await?;
        let users = State::<Users>::from_request(request, response).await?;
        let not_logged_in = || Error::http(StatusCode::UNAUTHORIZED, "Not logged in");
        let name = session.user_id().ok_or_else(not_logged_in)?;
        let user = users.find(&name).ok_or_else(not_logged_in)?;
        Ok(CurrentUser(user.clone()))
    }

    fn requires(requirements: &mut Requirements) {
        requirements.dependency::<State<Users>>();
    }
}

/// `GET /`: a page with the stylesheet that `/static` serves.
#[cookie_route(GET "/")]
async fn home() -> Html<&'static str> {
    Html(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>state_layers</title>\
         <link rel=\"stylesheet\" href=\"/static/style.css\"></head>\
         <body><h1>state_layers</h1><p>Log in with <code>POST /login</code> \
         (<code>name=ann</code>), then see <a href=\"/api/me\">/api/me</a> and \
         <a href=\"/api/users\">/api/users</a>.</p></body></html>",
    )
}

#[derive(Deserialize)]
struct Login {
    name: String,
}

/// `POST /login` with a form `name=ann`: a user of the directory logs in (no password: a
/// real app checks one).
#[cookie_route(POST "/login")]
async fn login(
    #[body] form: Form<Login>,
    users: State<Users>,
    session: Session,
) -> Result<String, Error> {
    let user = users
        .find(&form.name)
        .ok_or_else(|| Error::http(StatusCode::UNAUTHORIZED, "Unknown user"))?;
    session.log_in(user.name);
    Ok(format!("Logged in as {}", user.name))
}

/// `GET /api/me`: the current user, or 401.
#[cookie_route(GET "/me", group = "api")]
async fn me(user: CurrentUser) -> Json<User> {
    Json(user.0)
}

/// `GET /api/users`: the directory, for a signed-in user.
#[cookie_route(GET "/users", group = "api")]
async fn users(_user: CurrentUser, users: State<Users>) -> Json<Vec<User>> {
    Json(users.0.clone())
}

/// The app: routes, the `api` group, static files, state, sessions and layers.
fn app(keys: Keys) -> App {
    let api = App::declared_group("api").layer(SetResponseHeaderLayer::overriding(
        CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let users =
        Users(vec![User { name: "ann", role: "admin" }, User { name: "bob", role: "reader" }]);
    App::declared()
        .nest("/api", api)
        .nest_service("/static", ServeDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/static")))
        .state(users)
        .keys(keys)
        .sessions(SessionConfig::signed_cookie())
        // The last layer added is the outermost: the trace sees the compressed response.
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), StartError> {
    let address = address(8006)?;
    // Ctrl-C and SIGTERM stop it gracefully from the moment it says where it listens.
    let server = app(Keys::from_env_or_ephemeral()?)
        .bind(address)
        .await?
        .with_graceful_shutdown(shutdown_signal());
    println!("listening on http://{}", server.local_addr()?);
    server.await
}

/// `HOST:PORT` from the environment, as the repository's example app reads them.
fn address(default_port: u16) -> Result<String, StartError> {
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = match std::env::var("PORT") {
        Err(_) => default_port,
        Ok(port) => port.trim().parse::<u16>().map_err(|_| {
            StartError::Config(format!("PORT must be a port number (0-65535), got `{port}`"))
        })?,
    };
    Ok(format!("{host}:{port}"))
}
