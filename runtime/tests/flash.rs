//! Flash messages (Flask's `flash` and `get_flashed_messages`) over real HTTP, with a client
//! that keeps cookies as a browser does: flashed by a POST that redirects, shown once by
//! the page the redirect leads to, with categories, on every session backend.
#![cfg(feature = "test-client")]

use cookie_route::prelude::*;
use cookie_route::session::{Flash, FlashMessage};
use cookie_route::{Keys, MemoryStore, SessionConfig, TestServer};

#[derive(Deserialize)]
struct Note {
    title: String,
}

#[cookie_route(POST "/notes")]
async fn create(#[body] note: Form<Note>, flash: Flash) -> Result<Redirect, Error> {
    if note.title.is_empty() {
        flash.push_with("error", "A note needs a title")?;
    } else {
        flash.push_with("success", format!("Saved {}", note.title))?;
        flash.push("Notes are kept for a week")?;
    }
    Ok(Redirect::to("/notes"))
}

#[cookie_route(GET "/notes")]
async fn list(flash: Flash) -> Json<Vec<FlashMessage>> {
    Json(flash.take())
}

#[cookie_route(GET "/errors")]
async fn errors(flash: Flash) -> Result<Json<Vec<FlashMessage>>, Error> {
    Ok(Json(flash.take_categories(&["error"])?))
}

fn message(category: &str, message: &str) -> FlashMessage {
    FlashMessage { category: category.to_owned(), message: message.to_owned() }
}

#[tokio::test]
async fn flashed_messages_are_shown_once_across_a_redirect() {
    for sessions in [SessionConfig::signed_cookie(), SessionConfig::store(MemoryStore::new())] {
        let app = App::declared().keys(Keys::ephemeral()).sessions(sessions);
        let server = TestServer::start(app).await;
        let browser = server.client();
        let saved = browser.post("/notes").form(&[("title", "groceries")]).send().await;
        assert_eq!(saved.status(), 303);
        assert_eq!(saved.header("location"), Some("/notes"));
        // The redirect's page shows them, in order, with their categories...
        let shown = browser.get("/notes").send().await.json::<Vec<FlashMessage>>();
        assert_eq!(
            shown,
            [
                message("success", "Saved groceries"),
                message("message", "Notes are kept for a week")
            ]
        );
        // ...once.
        assert!(browser.get("/notes").send().await.json::<Vec<FlashMessage>>().is_empty());
        // Another browser never sees them.
        let other = server.client();
        browser.post("/notes").form(&[("title", "")]).send().await;
        assert!(other.get("/notes").send().await.json::<Vec<FlashMessage>>().is_empty());
        // A category filter takes its own and leaves the others for later.
        browser.post("/notes").form(&[("title", "books")]).send().await;
        let errors = browser.get("/errors").send().await.json::<Vec<FlashMessage>>();
        assert_eq!(errors, [message("error", "A note needs a title")]);
        let rest = browser.get("/notes").send().await.json::<Vec<FlashMessage>>();
        assert_eq!(rest.len(), 2, "{rest:?}");
        assert_eq!(rest[0], message("success", "Saved books"));
    }
}
