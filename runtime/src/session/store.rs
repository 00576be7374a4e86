//! Where server-side sessions live: the [`SessionStore`] trait and what it stores.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A store's future.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// What a store keeps for one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The session's data.
    pub data: serde_json::Map<String, serde_json::Value>,
    /// When the session began, in seconds since the Unix epoch: the absolute timeout
    /// counts from here, and survives [`renew`](crate::session::Session::renew).
    pub created: i64,
}

/// A server-side session store: the cookie holds only a random id, the store the data.
///
/// Implementations must be safe to share between app instances when they are meant to
/// scale out (Redis), and must expire records they were told to keep for `ttl` without use.
pub trait SessionStore: Send + Sync + 'static {
    /// The record stored under `id`, if there is one that has not expired.
    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Record>>;

    /// Stores `record` under `id`, replacing any other, to expire `ttl` after this call.
    fn save<'a>(&'a self, id: &'a str, record: &'a Record, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Removes the record under `id`, if any.
    fn delete<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()>;
}
