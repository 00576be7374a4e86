//! The app's session store, watched: each call's failure to reach it is noticed, and logged
//! once per failure spell rather than once per request.
//!
//! A spell begins with the first call that finds the store unreachable and ends when reads
//! (loads) and writes (saves, deletes, ending a user's sessions) have both succeeded again,
//! each kind that failed: a server that answers reads but refuses writes (out of memory,
//! read-only) is one spell, not one that ends and begins again on every request.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use super::store::{Record, SessionStore};
use crate::error::Error;

/// The bit of failing reads in [`Watched::failing`].
const READS: u8 = 1;
/// The bit of failing writes.
const WRITES: u8 = 2;

/// A [`SessionStore`] and which kinds of its calls are failing.
pub(crate) struct Watched {
    store: Arc<dyn SessionStore>,
    /// [`READS`] and [`WRITES`]: the last call of that kind answered [`Error::Unavailable`].
    /// Not zero: in a failure spell.
    failing: AtomicU8,
}

impl fmt::Debug for Watched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failing = self.failing.load(Ordering::Relaxed);
        f.debug_struct("Store")
            .field("reads_failing", &(failing & READS != 0))
            .field("writes_failing", &(failing & WRITES != 0))
            .finish_non_exhaustive()
    }
}

impl Watched {
    pub(crate) fn new(store: Arc<dyn SessionStore>) -> Self {
        Self { store, failing: AtomicU8::new(0) }
    }

    /// `result` of a call of kind `kind`, noted: the first unavailability of a spell is
    /// logged at `error`, its end at `info`. Other errors are the request's own (a 500,
    /// logged with it) and change nothing.
    fn observe<T>(&self, kind: u8, result: Result<T, Error>) -> Result<T, Error> {
        match &result {
            Err(Error::Unavailable { source, .. }) => {
                if self.failing.load(Ordering::Relaxed) & kind == 0
                    && self.failing.fetch_or(kind, Ordering::AcqRel) == 0
                {
                    tracing::error!(
                        calls = if kind == READS { "reads" } else { "writes" },
                        error = %source,
                        "the session store cannot be reached: requests that need the session \
                         answer 503 until it is back (logged once until then)"
                    );
                }
            }
            Err(_) => {}
            Ok(_) => {
                // One relaxed load on the way of every healthy call.
                if self.failing.load(Ordering::Relaxed) & kind != 0
                    && self.failing.fetch_and(!kind, Ordering::AcqRel) == kind
                {
                    tracing::info!("the session store is reachable again");
                }
            }
        }
        result
    }

    pub(crate) async fn load(&self, id: &str) -> Result<Option<Record>, Error> {
        self.observe(READS, self.store.load(id).await)
    }

    pub(crate) async fn save(&self, id: &str, record: &Record, ttl: Duration) -> Result<(), Error> {
        self.observe(WRITES, self.store.save(id, record, ttl).await)
    }

    pub(crate) async fn update(
        &self,
        id: &str,
        record: &Record,
        ttl: Duration,
    ) -> Result<bool, Error> {
        self.observe(WRITES, self.store.update(id, record, ttl).await)
    }

    pub(crate) async fn delete(&self, id: &str) -> Result<(), Error> {
        self.observe(WRITES, self.store.delete(id).await)
    }

    pub(crate) async fn end_user_sessions(&self, user: &str) -> Result<usize, Error> {
        self.observe(WRITES, self.store.end_user_sessions(user).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::store::StoreFuture;
    use std::sync::Mutex;

    /// A store whose reads and writes fail as the test says.
    #[derive(Default)]
    struct Flaky {
        reads_fail: Mutex<bool>,
        writes_fail: Mutex<bool>,
    }

    fn answer<T: Send + 'static>(fail: &Mutex<bool>, value: T) -> StoreFuture<'static, T> {
        let result =
            if *fail.lock().unwrap() { Err(Error::unavailable("down")) } else { Ok(value) };
        Box::pin(std::future::ready(result))
    }

    impl SessionStore for Flaky {
        fn load<'a>(&'a self, _: &'a str) -> StoreFuture<'a, Option<Record>> {
            answer(&self.reads_fail, None)
        }
        fn save<'a>(&'a self, _: &'a str, _: &'a Record, _: Duration) -> StoreFuture<'a, ()> {
            answer(&self.writes_fail, ())
        }
        fn delete<'a>(&'a self, _: &'a str) -> StoreFuture<'a, ()> {
            answer(&self.writes_fail, ())
        }
    }

    #[test]
    fn a_spell_begins_once_and_ends_when_every_failing_kind_succeeds() {
        let flaky = Arc::new(Flaky::default());
        let watched = Watched::new(flaky.clone());
        let record = Record::new(serde_json::Map::new(), 0);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let state = || watched.failing.load(Ordering::Relaxed);
        runtime.block_on(async {
            // Writes refused, reads fine: a spell of writes that reads do not end.
            *flaky.writes_fail.lock().unwrap() = true;
            for _ in 0..3 {
                assert!(watched.load("x").await.is_ok());
                assert!(watched.save("x", &record, Duration::ZERO).await.is_err());
                assert_eq!(state(), WRITES);
            }
            // Everything down: the same spell.
            *flaky.reads_fail.lock().unwrap() = true;
            assert!(watched.load("x").await.is_err());
            assert_eq!(state(), READS | WRITES);
            // Back: it ends once both kinds have succeeded.
            *flaky.reads_fail.lock().unwrap() = false;
            *flaky.writes_fail.lock().unwrap() = false;
            assert!(watched.load("x").await.is_ok());
            assert_eq!(state(), WRITES);
            assert!(watched.delete("x").await.is_ok());
            assert_eq!(state(), 0);
        });
    }
}
