//! The in-memory session store: the embedded default for one instance.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::store::{Record, SessionStore, StoreFuture};

/// Sessions in this process's memory. Expired records are dropped when read, and swept
/// when the store grows.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Mutex<HashMap<String, (Record, Instant)>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn records(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Record, Instant)>> {
        self.records.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many live sessions the store holds.
    pub fn len(&self) -> usize {
        let now = Instant::now();
        self.records().values().filter(|(_, until)| *until > now).count()
    }

    /// Whether the store holds no live session.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SessionStore for MemoryStore {
    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Record>> {
        let mut records = self.records();
        let found = match records.get(id) {
            Some((record, until)) if *until > Instant::now() => Some(record.clone()),
            Some(_) => {
                records.remove(id);
                None
            }
            None => None,
        };
        Box::pin(std::future::ready(Ok(found)))
    }

    fn save<'a>(&'a self, id: &'a str, record: &'a Record, ttl: Duration) -> StoreFuture<'a, ()> {
        let mut records = self.records();
        let now = Instant::now();
        if records.len() >= 1024 && records.len().is_power_of_two() {
            records.retain(|_, (_, until)| *until > now);
        }
        records.insert(id.to_owned(), (record.clone(), now + ttl));
        Box::pin(std::future::ready(Ok(())))
    }

    fn delete<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        self.records().remove(id);
        Box::pin(std::future::ready(Ok(())))
    }
}
