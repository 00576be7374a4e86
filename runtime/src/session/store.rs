//! Where server-side sessions live: the [`SessionStore`] trait and what it stores.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A store's future.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// What a store keeps for one session.
///
/// ```
/// use cookie_route::session::Record;
///
/// let record = Record::new(serde_json::Map::new(), 1_700_000_000).with_user("42");
/// assert_eq!(record.user.as_deref(), Some("42"));
/// // Stored as JSON; a session without a user has no `user` field.
/// let json = serde_json::to_string(&Record::new(serde_json::Map::new(), 1)).unwrap();
/// assert_eq!(json, r#"{"data":{},"created":1}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Record {
    /// The session's data.
    pub data: serde_json::Map<String, serde_json::Value>,
    /// When the session began, in seconds since the Unix epoch: the absolute timeout
    /// counts from here, and survives [`renew`](crate::session::Session::renew).
    pub created: i64,
    /// The user the session belongs to, set by
    /// [`Session::log_in`](crate::session::Session::log_in): a store keeps an index of each
    /// user's sessions by it, for [`SessionStore::end_user_sessions`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// When the record was last written, in seconds since the Unix epoch (`None`: not
    /// known). A session that a request reads without changing it is written back, to push
    /// its idle timeout, only when this is old enough (at most a minute, or a sixteenth of a
    /// shorter idle timeout): not on every request. A store that does not keep it gets every
    /// such session written back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touched: Option<i64>,
}

impl Record {
    /// A record of `data` for a session that began at `created` (seconds since the Unix
    /// epoch), without a user.
    pub fn new(data: serde_json::Map<String, serde_json::Value>, created: i64) -> Self {
        Self { data, created, user: None, touched: None }
    }

    /// The same record, belonging to `user`.
    #[must_use]
    pub fn with_user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }
}

/// A server-side session store: the cookie holds only a random id, the store the data.
///
/// Implementations must be safe to share between app instances when they are meant to
/// scale out (Redis), and must expire records they were told to keep for `ttl` without use.
///
/// **Failures.** A store whose backend cannot be reached (down, stalled past the store's
/// timeout, or refusing commands) returns [`Error::Unavailable`] (made with
/// [`Error::unavailable`]): the request that needed the session then answers 503 with
/// `Retry-After` and routes that do not touch the session go on answering. The app logs the
/// first such failure of a spell once, at `error`, and the spell's end once, at `info`
/// ("reachable again", when the kinds of calls that failed, loads or writes, succeed again),
/// not every failing request. Any other error is a 500, logged with its request. A store
/// must never wait forever: give each call a deadline, as
/// [`RedisStore`](crate::session::RedisStore) does (2 s by default).
///
/// **Users.** A record may belong to a user ([`Record::user`]). A store that keeps an index
/// of each user's sessions implements [`end_user_sessions`](Self::end_user_sessions) ("log
/// out everywhere") and [`update`](Self::update), so that a request already under way cannot
/// bring back a session that was ended meanwhile. Both have defaults, for stores written
/// before them: `update` saves unconditionally and `end_user_sessions` fails.
pub trait SessionStore: Send + Sync + 'static {
    /// The record stored under `id`, if there is one that has not expired.
    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Record>>;

    /// Stores `record` under `id`, replacing any other, to expire `ttl` after this call, and
    /// (when the record has a user) adds `id` to that user's sessions.
    fn save<'a>(&'a self, id: &'a str, record: &'a Record, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Removes the record under `id`, if any.
    fn delete<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()>;

    /// As [`save`](Self::save), but only if a record is still stored under `id`: answers
    /// whether it was (and so was replaced). A session that a request loaded is saved with
    /// this, so that one ended while the request was under way (by
    /// [`end_user_sessions`](Self::end_user_sessions) or a logout elsewhere) stays ended.
    ///
    /// The default saves and answers `true`.
    fn update<'a>(
        &'a self,
        id: &'a str,
        record: &'a Record,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move { self.save(id, record, ttl).await.map(|()| true) })
    }

    /// Ends every session of `user` (each record saved with that [`Record::user`]), and
    /// answers how many there were. Its cost follows the number of that user's sessions, not
    /// the store's size.
    ///
    /// The default fails (a 500 where a request calls it): a store that does not index its
    /// sessions by user cannot end them.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), cookie_route::Error> {
    /// use std::time::Duration;
    /// use cookie_route::session::{MemoryStore, Record, SessionStore};
    ///
    /// let store = MemoryStore::new();
    /// let ttl = Duration::from_secs(60);
    /// let record = |user: &str| Record::new(serde_json::Map::new(), 0).with_user(user);
    /// store.save("phone", &record("ann"), ttl).await?;
    /// store.save("laptop", &record("ann"), ttl).await?;
    /// store.save("other", &record("bob"), ttl).await?;
    ///
    /// assert_eq!(store.end_user_sessions("ann").await?, 2);
    /// assert_eq!(store.load("laptop").await?, None);
    /// assert!(store.load("other").await?.is_some());
    /// # Ok(())
    /// # }
    /// ```
    fn end_user_sessions<'a>(&'a self, user: &'a str) -> StoreFuture<'a, usize> {
        let _ = user;
        Box::pin(std::future::ready(Err(Error::other(
            "this session store cannot end a user's sessions: it does not implement \
             SessionStore::end_user_sessions",
        ))))
    }
}
