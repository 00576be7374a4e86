//! The in-memory session store: the embedded default for one instance.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::store::{Record, SessionStore, StoreFuture};

/// Sessions in this process's memory, with an index of each user's sessions. Expired
/// records are dropped when read, and swept when the store grows.
///
/// Clones share the same sessions: keep one to end a user's sessions outside a request
/// (an admin task, a password reset).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), cookie_route::Error> {
/// use cookie_route::session::{MemoryStore, SessionStore};
/// use cookie_route::{App, Keys, SessionConfig};
///
/// let store = MemoryStore::new();
/// let app = App::new()
///     .keys(Keys::ephemeral())
///     .sessions(SessionConfig::store(store.clone()));
/// # let _ = app;
/// // Later, anywhere: every session of user 42 ends.
/// let ended = store.end_user_sessions("42").await?;
/// assert_eq!(ended, 0);
/// # Ok(())
/// # }
/// ```
#[derive(Default, Clone)]
pub struct MemoryStore {
    inner: Arc<Mutex<Records>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the records: session ids and data are secrets.
        f.debug_struct("MemoryStore").field("sessions", &self.records().by_id.len()).finish()
    }
}

#[derive(Default)]
struct Records {
    by_id: HashMap<String, (Record, Instant)>,
    /// The ids of each user's records.
    by_user: HashMap<String, HashSet<String>>,
}

impl Records {
    fn insert(&mut self, id: &str, record: &Record, until: Instant) {
        let old = self.by_id.insert(id.to_owned(), (record.clone(), until));
        if let Some((old, _)) = old
            && old.user != record.user
        {
            self.unlink(id, old.user.as_deref());
        }
        if let Some(user) = &record.user {
            self.by_user.entry(user.clone()).or_default().insert(id.to_owned());
        }
    }

    fn remove(&mut self, id: &str) -> Option<(Record, Instant)> {
        let removed = self.by_id.remove(id);
        if let Some((record, _)) = &removed {
            self.unlink(id, record.user.as_deref());
        }
        removed
    }

    fn unlink(&mut self, id: &str, user: Option<&str>) {
        let Some(user) = user else { return };
        if let Some(ids) = self.by_user.get_mut(user) {
            ids.remove(id);
            if ids.is_empty() {
                self.by_user.remove(user);
            }
        }
    }

    /// The live record under `id`; an expired one is dropped.
    fn live(&mut self, id: &str, now: Instant) -> Option<&Record> {
        if self.by_id.get(id).is_some_and(|(_, until)| *until <= now) {
            self.remove(id);
        }
        self.by_id.get(id).map(|(record, _)| record)
    }

    /// Drops the expired records, once in a while as the store grows.
    fn sweep_if_large(&mut self, now: Instant) {
        let len = self.by_id.len();
        if len >= 1024 && len.is_power_of_two() {
            let expired: Vec<String> = self
                .by_id
                .iter()
                .filter(|(_, (_, until))| *until <= now)
                .map(|(id, _)| id.clone())
                .collect();
            for id in expired {
                self.remove(&id);
            }
        }
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn records(&self) -> MutexGuard<'_, Records> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many live sessions the store holds.
    pub fn len(&self) -> usize {
        let now = Instant::now();
        self.records().by_id.values().filter(|(_, until)| *until > now).count()
    }

    /// Whether the store holds no live session.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SessionStore for MemoryStore {
    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Record>> {
        let found = self.records().live(id, Instant::now()).cloned();
        Box::pin(std::future::ready(Ok(found)))
    }

    fn save<'a>(&'a self, id: &'a str, record: &'a Record, ttl: Duration) -> StoreFuture<'a, ()> {
        let mut records = self.records();
        let now = Instant::now();
        records.sweep_if_large(now);
        records.insert(id, record, now + ttl);
        Box::pin(std::future::ready(Ok(())))
    }

    fn delete<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        self.records().remove(id);
        Box::pin(std::future::ready(Ok(())))
    }

    fn update<'a>(
        &'a self,
        id: &'a str,
        record: &'a Record,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        let mut records = self.records();
        let now = Instant::now();
        let there = records.live(id, now).is_some();
        if there {
            records.insert(id, record, now + ttl);
        }
        Box::pin(std::future::ready(Ok(there)))
    }

    fn end_user_sessions<'a>(&'a self, user: &'a str) -> StoreFuture<'a, usize> {
        let mut records = self.records();
        let now = Instant::now();
        let ids = records.by_user.remove(user).unwrap_or_default();
        let ended = ids
            .iter()
            .filter_map(|id| records.by_id.remove(id))
            .filter(|(_, until)| *until > now)
            .count();
        Box::pin(std::future::ready(Ok(ended)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(user: Option<&str>) -> Record {
        let record = Record::new(serde_json::Map::new(), 0);
        match user {
            Some(user) => record.with_user(user),
            None => record,
        }
    }

    fn block<T>(future: StoreFuture<'_, T>) -> T {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(future).unwrap()
    }

    #[test]
    fn the_user_index_follows_saves_deletes_and_expiry() {
        let store = MemoryStore::new();
        let ttl = Duration::from_secs(60);
        block(store.save("a", &record(Some("ann")), ttl));
        block(store.save("b", &record(Some("ann")), ttl));
        block(store.save("c", &record(None), ttl));
        block(store.save("d", &record(Some("bob")), Duration::ZERO));
        block(store.delete("b"));
        assert_eq!(store.records().by_user["ann"], HashSet::from(["a".to_owned()]));
        // A record saved again for another user moves between the indexes.
        block(store.save("a", &record(Some("bob")), ttl));
        assert!(!store.records().by_user.contains_key("ann"));
        // Expired records are not counted as ended.
        assert_eq!(block(store.end_user_sessions("bob")), 1);
        assert!(store.records().by_user.is_empty());
        assert_eq!(store.len(), 1);
        assert_eq!(block(store.end_user_sessions("nobody")), 0);
    }

    #[test]
    fn update_only_replaces_a_live_record() {
        let store = MemoryStore::new();
        let ttl = Duration::from_secs(60);
        assert!(!block(store.update("gone", &record(Some("ann")), ttl)));
        assert_eq!(block(store.load("gone")), None);
        assert!(!store.records().by_user.contains_key("ann"));
        block(store.save("here", &record(None), ttl));
        assert!(block(store.update("here", &record(Some("ann")), ttl)));
        assert_eq!(block(store.load("here")), Some(record(Some("ann"))));
        block(store.save("expired", &record(None), Duration::ZERO));
        assert!(!block(store.update("expired", &record(None), ttl)));
    }
}
