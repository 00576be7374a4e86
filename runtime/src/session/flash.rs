//! Flash messages, as Flask's `flash()` and `get_flashed_messages()`: a message stored in
//! the session by one request and shown once by a later one, typically across a redirect.

use serde::{Deserialize, Serialize};

use super::Session;
use crate::error::Error;

/// The session key the messages are kept under (Flask's).
const KEY: &str = "_flashes";

/// Messages shown once: a dependency over the [`Session`] (any backend), so the app needs
/// [`App::sessions`](crate::App::sessions).
///
/// ```
/// # #[cfg(feature = "test-client")]
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use cookie_route::session::Flash;
/// use cookie_route::{App, Error, Keys, Redirect, Request, SessionConfig, TestClient};
///
/// async fn save(request: Request) -> Result<Redirect, Error> {
///     Flash::of(&request).await?.push_with("success", "Note saved")?;
///     Ok(Redirect::to("/notes"))
/// }
///
/// async fn notes(request: Request) -> Result<String, Error> {
///     let shown = Flash::of(&request).await?.take();
///     Ok(shown.iter().map(|m| format!("{}: {}", m.category, m.message)).collect())
/// }
///
/// let app = App::new()
///     .keys(Keys::ephemeral())
///     .sessions(SessionConfig::signed_cookie())
///     .post("/notes", save)
///     .get("/notes", notes);
/// let client = TestClient::new(app);
/// assert_eq!(client.post("/notes").send().await.status(), 303);
/// assert_eq!(client.get("/notes").send().await.text(), "success: Note saved");
/// assert_eq!(client.get("/notes").send().await.text(), "", "shown once");
/// # }
/// # #[cfg(not(feature = "test-client"))] fn main() {}
/// ```
#[derive(Debug, Clone)]
pub struct Flash {
    session: Session,
}

/// One flashed message and its category (`"message"` unless one was given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashMessage {
    /// The category: `"message"`, or what [`Flash::push_with`] was given (`"error"`,
    /// `"success"`, ...).
    pub category: String,
    /// The message.
    pub message: String,
}

impl Flash {
    /// The flash messages of the request's session.
    pub async fn of(request: &crate::Request) -> Result<Self, Error> {
        Ok(Self::new(request.session().await?))
    }

    /// The flash messages kept in `session`.
    pub fn new(session: Session) -> Self {
        Self { session }
    }

    /// Flashes `message` in the category `"message"`, as Flask's `flash(message)`.
    pub fn push(&self, message: impl Into<String>) -> Result<(), Error> {
        self.push_with("message", message)
    }

    /// Flashes `message` in `category`, as Flask's `flash(message, category)`.
    pub fn push_with(&self, category: &str, message: impl Into<String>) -> Result<(), Error> {
        let mut messages = self.stored();
        messages.push(FlashMessage { category: category.to_owned(), message: message.into() });
        self.session.insert(KEY, messages)
    }

    /// Every message flashed and not shown yet, oldest first; they are shown once, so they
    /// are gone from the session afterwards (Flask's `get_flashed_messages()`).
    pub fn take(&self) -> Vec<FlashMessage> {
        let messages = self.stored();
        if !messages.is_empty() {
            self.session.remove(KEY);
        }
        messages
    }

    /// The messages of `categories`, oldest first, gone from the session afterwards; the
    /// others stay for a later request (Flask's `category_filter`, which drops them).
    pub fn take_categories(&self, categories: &[&str]) -> Result<Vec<FlashMessage>, Error> {
        let (taken, kept): (Vec<_>, Vec<_>) =
            self.stored().into_iter().partition(|m| categories.contains(&m.category.as_str()));
        if !taken.is_empty() {
            if kept.is_empty() {
                self.session.remove(KEY);
            } else {
                self.session.insert(KEY, kept)?;
            }
        }
        Ok(taken)
    }

    /// Whether any message waits to be shown.
    pub fn is_empty(&self) -> bool {
        self.stored().is_empty()
    }

    fn stored(&self) -> Vec<FlashMessage> {
        self.session.get(KEY).unwrap_or_default()
    }
}
