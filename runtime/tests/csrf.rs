//! CSRF tokens over real HTTP, with a cookie-keeping client: a form's token comes back in the
//! form field or the `X-CSRF-Token` header and the request passes; missing, wrong, another
//! session's, or issued before the login it is 403 and the handler is not called. Bound to
//! the session, or to a signed cookie in an app without sessions; checked per route or, as
//! middleware, for a group.
#![cfg(feature = "test-client")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cookie_route::csrf::{self, CsrfToken};
use cookie_route::prelude::*;
use cookie_route::{Keys, Session, SessionConfig, TestClient, TestServer};

/// How many notes the app saved.
#[derive(Clone, Default)]
struct Saved(Arc<AtomicUsize>);

#[cookie_route(GET "/form")]
async fn form(token: CsrfToken) -> Html<String> {
    Html(format!(r#"<form method="post" action="/notes">{}</form>"#, token.hidden_input()))
}

#[cookie_route(GET "/token")]
async fn token(token: CsrfToken) -> String {
    token.value().to_owned()
}

#[cookie_route(POST "/notes")]
async fn save(_checked: CsrfToken, saved: State<Saved>) -> &'static str {
    saved.0.fetch_add(1, Ordering::SeqCst);
    "saved"
}

#[cookie_route(POST "/login")]
async fn login(session: Session) -> &'static str {
    session.log_in("ann");
    "welcome"
}

fn with_sessions(saved: &Saved) -> App {
    App::declared()
        .state(saved.clone())
        .keys(Keys::ephemeral())
        .sessions(SessionConfig::signed_cookie())
        .nest(
            "/group",
            App::new()
                .post("/notes", |_: Request| async { "group saved" })
                .middleware(csrf::require),
        )
}

/// The token the form carries.
async fn token_of(client: &TestClient) -> String {
    let page = client.get("/form").send().await.text();
    let start = page.find(r#"value=""#).expect("a hidden input") + 7;
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

async fn post_form(client: &TestClient, path: &str, token: Option<&str>) -> (u16, String) {
    let mut body = vec![("text", "hello")];
    if let Some(token) = token {
        body.push(("csrf_token", token));
    }
    let response = client.post(path).form(&body).send().await;
    (response.status().as_u16(), response.text())
}

#[tokio::test]
async fn the_forms_token_passes_and_anything_else_is_refused() {
    let saved = Saved::default();
    let server = TestServer::start(with_sessions(&saved)).await;
    let client = server.client();
    let token = token_of(&client).await;
    assert_eq!(token.len(), 64, "{token}");
    assert_eq!(client.get("/token").send().await.text(), token, "the same for the session");

    assert_eq!(post_form(&client, "/notes", Some(&token)).await, (200, "saved".into()));
    let by_header = client.post("/notes").header("x-csrf-token", &token).send().await;
    assert_eq!(by_header.text(), "saved", "the header, for scripts");

    let refused = (403, r#"{"detail":"CSRF token missing or invalid"}"#.to_owned());
    assert_eq!(post_form(&client, "/notes", None).await, refused, "missing");
    // The last digit changed (to one it is not: a random token ends in `0` one time in 16).
    let last = if token.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &token[..63]);
    assert_eq!(post_form(&client, "/notes", Some(&wrong)).await, refused, "wrong");
    assert_eq!(post_form(&client, "/notes", Some("")).await, refused, "empty");

    // Another browser's token does not pass with this browser's session, nor the other way.
    let other = server.client();
    let other_token = token_of(&other).await;
    assert_ne!(other_token, token);
    assert_eq!(post_form(&client, "/notes", Some(&other_token)).await, refused);
    assert_eq!(post_form(&other, "/notes", Some(&token)).await, refused);
    assert_eq!(saved.0.load(Ordering::SeqCst), 2, "refused requests saved nothing");

    // A group checked by middleware.
    assert_eq!(post_form(&client, "/group/notes", None).await, refused);
    assert_eq!(post_form(&client, "/group/notes", Some(&token)).await, (200, "group saved".into()));
}

#[tokio::test]
async fn the_token_is_rotated_at_login() {
    let server = TestServer::start(with_sessions(&Saved::default())).await;
    let client = server.client();
    let before_login = token_of(&client).await;
    let login = client.post("/login").header("x-csrf-token", &before_login).send().await;
    assert_eq!(login.status(), 200);
    let after_login = token_of(&client).await;
    assert_ne!(after_login, before_login, "a new token after the login");
    let refused = (403, r#"{"detail":"CSRF token missing or invalid"}"#.to_owned());
    assert_eq!(post_form(&client, "/notes", Some(&before_login)).await, refused);
    assert_eq!(post_form(&client, "/notes", Some(&after_login)).await, (200, "saved".into()));
}

#[tokio::test]
async fn without_sessions_a_signed_cookie_holds_the_token() {
    let app = App::declared().state(Saved::default()).keys(Keys::ephemeral());
    let server = TestServer::start(app).await;
    let client = server.client();
    let token = token_of(&client).await;
    let cookie = client.cookie("csrf_token").expect("the token's signed cookie");
    assert_ne!(cookie, token, "signed, not the bare token");
    assert_eq!(post_form(&client, "/notes", Some(&token)).await, (200, "saved".into()));

    // A cookie made up by someone else does not verify: no token, so nothing matches.
    let forger = server.client();
    forger.set_cookie("csrf_token", &token);
    let refused = (403, r#"{"detail":"CSRF token missing or invalid"}"#.to_owned());
    assert_eq!(post_form(&forger, "/notes", Some(&token)).await, refused);
}
