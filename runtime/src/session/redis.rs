//! [`RedisStore`]: sessions kept in Redis, shared by every instance of the app.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, ConnectionAddr, ConnectionInfo, IntoConnectionInfo, RedisError};

use super::store::{Record, SessionStore, StoreFuture};
use crate::error::{Error, StartError};

/// The key prefix of a store that was not given one.
const DEFAULT_PREFIX: &str = "cookie-route:session:";

/// The longest time to live sent to Redis, in seconds (about 136 years): a longer one would
/// overflow Redis's expiry clock and be refused.
const MAX_TTL_SECS: u64 = u32::MAX as u64;

/// How many times a connection is retried, with a growing delay, before a command fails.
const CONNECT_RETRIES: usize = 3;

/// The longest delay between two connection attempts.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(1);

/// A [`SessionStore`] in Redis: each record is JSON under `prefix + id`, which Redis expires
/// by itself (`SET key json EX ttl`).
///
/// Every instance of the app that connects to the same server (and database) with the same
/// prefix sees the same sessions, so the app can scale out. The store holds a
/// [`ConnectionManager`], which reconnects after a lost connection: cloning the store is cheap
/// and clones share the connection.
///
/// ```no_run
/// # async fn example() -> Result<(), cookie_route::StartError> {
/// use cookie_route::session::RedisStore;
///
/// let store = RedisStore::connect("redis://127.0.0.1:6379/0").await?.with_prefix("myapp:session:");
/// # let _ = store;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: Arc<str>,
    /// The server, database and user, for `Debug` and errors: never the password.
    endpoint: Arc<str>,
}

impl RedisStore {
    /// Connects to the server at `url`, `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`, and checks
    /// that it answers `PING`.
    ///
    /// Must be called within a Tokio runtime: the connection lives on it. A URL that does not
    /// parse, or a server that cannot be reached or refuses the credentials, is an
    /// [`StartError::Config`] naming the problem (and the server, without the password).
    pub async fn connect(url: &str) -> Result<Self, StartError> {
        let info = url.into_connection_info().map_err(|e| {
            StartError::Config(format!(
                "invalid Redis URL (expected redis://HOST:PORT[/DB]): {}",
                without_password(&e.to_string(), url)
            ))
        })?;
        let endpoint: Arc<str> = describe(&info).into();
        let client = Client::open(info).map_err(|e| {
            StartError::Config(format!(
                "invalid Redis URL for {endpoint}: {}",
                without_password(&e.to_string(), url)
            ))
        })?;
        let unreachable = |e: RedisError| {
            StartError::Config(format!(
                "cannot connect to Redis at {endpoint}: {}",
                without_password(&e.to_string(), url)
            ))
        };
        let config = ConnectionManagerConfig::new()
            .set_number_of_retries(CONNECT_RETRIES)
            .set_max_delay(MAX_RETRY_DELAY);
        let mut conn =
            ConnectionManager::new_with_config(client, config).await.map_err(unreachable)?;
        // The connection is up; a server that wants a password answers PING with an error.
        redis::cmd("PING").query_async::<()>(&mut conn).await.map_err(unreachable)?;
        Ok(Self { conn, prefix: DEFAULT_PREFIX.into(), endpoint })
    }

    /// Keeps the records under keys that begin with `prefix` instead of
    /// `cookie-route:session:`.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into().into();
        self
    }

    /// The prefix of the keys.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, id: &str) -> String {
        let mut key = String::with_capacity(self.prefix.len() + id.len());
        key.push_str(&self.prefix);
        key.push_str(id);
        key
    }
}

impl SessionStore for RedisStore {
    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Record>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let value: Option<Vec<u8>> = redis::cmd("GET")
                .arg(self.key(id))
                .query_async(&mut conn)
                .await
                .map_err(|source| command_failed("GET", source))?;
            let Some(value) = value else {
                return Ok(None);
            };
            match serde_json::from_slice::<Record>(&value) {
                Ok(record) => Ok(Some(record)),
                Err(e) => {
                    // Not the error's message: serde_json quotes the input in it, and the
                    // record is a secret (so is the id).
                    tracing::debug!(
                        category = ?e.classify(),
                        line = e.line(),
                        column = e.column(),
                        len = value.len(),
                        "a session record in Redis does not parse: treated as absent"
                    );
                    Ok(None)
                }
            }
        })
    }

    fn save<'a>(&'a self, id: &'a str, record: &'a Record, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let json = serde_json::to_vec(record).map_err(Error::other)?;
            let mut conn = self.conn.clone();
            redis::cmd("SET")
                .arg(self.key(id))
                .arg(json)
                .arg("EX")
                .arg(ttl_secs(ttl))
                .query_async::<()>(&mut conn)
                .await
                .map_err(|source| command_failed("SET", source))
        })
    }

    fn delete<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            redis::cmd("DEL")
                .arg(self.key(id))
                .query_async::<()>(&mut conn)
                .await
                .map_err(|source| command_failed("DEL", source))
        })
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("endpoint", &self.endpoint)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// A Redis command of the store failed (the key, which holds the session id, is not named).
#[derive(Debug, thiserror::Error)]
#[error("Redis session store: {command} failed: {source}")]
struct CommandError {
    command: &'static str,
    source: RedisError,
}

fn command_failed(command: &'static str, source: RedisError) -> Error {
    Error::other(CommandError { command, source })
}

/// `ttl` in whole seconds for `EX`: rounded up, at least 1 (Redis refuses `EX 0`), at most
/// [`MAX_TTL_SECS`].
fn ttl_secs(ttl: Duration) -> u64 {
    let secs = ttl.as_secs().saturating_add(u64::from(ttl.subsec_nanos() > 0));
    secs.clamp(1, MAX_TTL_SECS)
}

/// The server, database and user of `info`, as a URL without the password.
fn describe(info: &ConnectionInfo) -> String {
    let settings = info.redis_settings();
    let db = settings.db();
    let user = settings.username().map(|user| format!("{user}@")).unwrap_or_default();
    match info.addr() {
        ConnectionAddr::Tcp(host, port) if host.contains(':') => {
            format!("redis://{user}[{host}]:{port}/{db}")
        }
        ConnectionAddr::Tcp(host, port) => format!("redis://{user}{host}:{port}/{db}"),
        ConnectionAddr::Unix(path) => format!("unix://{user}{}?db={db}", path.display()),
        other => format!("{other} (db {db})"),
    }
}

/// `message` with the password of `url`, if it has one and the message quotes it (as written
/// or percent-decoded), masked.
///
/// The redis crate does not quote URLs or passwords in its errors; this makes sure of it.
fn without_password(message: &str, url: &str) -> String {
    let mut message = message.to_owned();
    if let Some(password) = password_of(url).filter(|password| !password.is_empty()) {
        let decoded = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
        for form in [password, &*decoded] {
            message = message.replace(form, "***");
        }
    }
    message
}

/// The password in the user information of `url`, as written (percent-encoded or not).
fn password_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (userinfo, _) = authority.rsplit_once('@')?;
    userinfo.split_once(':').map(|(_, password)| password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_are_whole_seconds_rounded_up_and_at_least_one() {
        assert_eq!(ttl_secs(Duration::ZERO), 1);
        assert_eq!(ttl_secs(Duration::from_millis(1)), 1);
        assert_eq!(ttl_secs(Duration::from_secs(1)), 1);
        assert_eq!(ttl_secs(Duration::from_millis(1001)), 2);
        assert_eq!(ttl_secs(Duration::from_millis(1500)), 2);
        assert_eq!(ttl_secs(Duration::from_secs(3600)), 3600);
        assert_eq!(ttl_secs(Duration::MAX), MAX_TTL_SECS);
    }

    #[test]
    fn the_description_of_a_url_has_no_password() {
        for (url, expected) in [
            ("redis://:secret@127.0.0.1:1/", "redis://127.0.0.1:1/0"),
            ("redis://alice:secret@example.com:6380/3", "redis://alice@example.com:6380/3"),
            ("redis://127.0.0.1", "redis://127.0.0.1:6379/0"),
            ("redis://:secret@[::1]:7000/2", "redis://[::1]:7000/2"),
        ] {
            let info = url.into_connection_info().unwrap();
            assert_eq!(
                info.redis_settings().password(),
                url.contains("secret").then_some("secret")
            );
            let described = describe(&info);
            assert_eq!(described, expected, "for {url}");
            assert!(!described.contains("secret"));
        }
    }

    #[test]
    fn a_password_quoted_in_a_message_is_masked() {
        assert_eq!(password_of("redis://:secret@127.0.0.1:1/"), Some("secret"));
        assert_eq!(password_of("redis://user:p%40ss@host/0"), Some("p%40ss"));
        assert_eq!(password_of("redis://user@host/0"), None);
        assert_eq!(password_of("redis://host:6379/0"), None);
        assert_eq!(password_of("redis://host/a:b@c"), None);
        assert_eq!(
            without_password("refused redis://:secret@h:1/", "redis://:secret@h:1/"),
            "refused redis://:***@h:1/"
        );
        assert_eq!(without_password("p@ss and p%40ss", "redis://:p%40ss@h/"), "*** and ***");
        assert_eq!(without_password("no password here", "redis://h:1/"), "no password here");
    }

    #[test]
    fn an_invalid_url_is_refused_without_quoting_it() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        for url in ["http://:secret@127.0.0.1/", "not a url secret", "redis://:secret@127.0.0.1/x"]
        {
            match runtime.block_on(RedisStore::connect(url)) {
                Err(StartError::Config(message)) => {
                    assert!(message.starts_with("invalid Redis URL"), "{message}");
                    assert!(!message.contains("secret"), "{message}");
                }
                other => panic!("{url}: expected a config error, got {other:?}"),
            }
        }
    }
}
