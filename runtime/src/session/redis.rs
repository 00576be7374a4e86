//! [`RedisStore`]: sessions kept in Redis, shared by every instance of the app.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, ConnectionAddr, ConnectionInfo, IntoConnectionInfo, RedisError, Script};

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

/// How long `connect` waits for the server to answer before it gives up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What a user's index key has between the prefix and the user: no session id (64 hex
/// digits) has a `:`, so the two kinds of keys never meet.
const USER_INFIX: &str = "user:";

/// Saves a record that belongs to a user, and indexes it: in the user's sorted set, scored
/// by when the record expires (the server's clock), whose own expiry is never shortened, and
/// from which the ids that expired are dropped on the way. With `ARGV[4] == "1"` (an update)
/// nothing is written unless the record is still there, so that a session ended by
/// `end_user_sessions` while a request was under way stays ended.
///
/// KEYS: the record, the user's index. ARGV: the JSON, the time to live in milliseconds, the
/// id, the update flag. Answers 1 if saved, 0 if not.
const SAVE_SCRIPT: &str = r"
local ttl = tonumber(ARGV[2])
if ARGV[4] == '1' then
  if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl, 'XX') then return 0 end
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[3])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
";

/// Ends every session of a user, atomically: deletes each record of the user's index, then
/// the index. KEYS: the index. ARGV: the records' key prefix. Answers how many records there
/// were.
const END_SCRIPT: &str = r"
local ended = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  ended = ended + redis.call('DEL', ARGV[1] .. id)
end
redis.call('DEL', KEYS[1])
return ended
";

static SAVE: LazyLock<Script> = LazyLock::new(|| Script::new(SAVE_SCRIPT));
static END: LazyLock<Script> = LazyLock::new(|| Script::new(END_SCRIPT));

/// A [`SessionStore`] in Redis: each record is JSON under `prefix + id`, which Redis expires
/// by itself (`SET key json EX ttl`).
///
/// Every instance of the app that connects to the same server (and database) with the same
/// prefix sees the same sessions, so the app can scale out. The store holds a
/// [`ConnectionManager`], which reconnects after a lost connection: cloning the store is cheap
/// and clones share the connection.
///
/// **Users.** A session that belongs to a user ([`Session::log_in`](crate::Session::log_in))
/// is also indexed under `prefix + "user:" + user`: a sorted set of the user's session ids,
/// scored by their expiry and expiring with the last of them, so that
/// [`end_user_sessions`](SessionStore::end_user_sessions) deletes that user's records and
/// nothing else, without scanning the keys. Both are Lua scripts, atomic on the server (Redis
/// 5 or later); the store is meant for one Redis server (or a primary with replicas), not
/// Redis Cluster.
///
/// **Failures.** Every command has a deadline, [`timeout`](Self::timeout) (2 seconds unless
/// [`with_timeout`](Self::with_timeout) says otherwise), covering the wait for a reconnection
/// too. A server that is down, stalled or refusing commands (out of memory, read-only,
/// loading) is [`Error::Unavailable`]: the requests that need the session answer 503 with
/// `Retry-After` within the deadline, and the app logs the spell once. A command that timed
/// out may still be carried out if the server wakes up; the request answered 503 either way.
///
/// ```no_run
/// # async fn example() -> Result<(), cookie_route::StartError> {
/// use std::time::Duration;
/// use cookie_route::session::RedisStore;
///
/// let store = RedisStore::connect("redis://127.0.0.1:6379/0")
///     .await?
///     .with_prefix("myapp:session:")
///     .with_timeout(Duration::from_millis(500));
/// # let _ = store;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: Arc<str>,
    /// The deadline of each call.
    timeout: Duration,
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
            .set_max_delay(MAX_RETRY_DELAY)
            // Each call has the store's own deadline (`timeout`), which covers the answer.
            .set_response_timeout(None);
        let connected = async {
            let mut conn = ConnectionManager::new_with_config(client, config).await?;
            // The connection is up; a server that wants a password answers PING with an error.
            redis::cmd("PING").query_async::<()>(&mut conn).await?;
            Ok(conn)
        };
        let conn = match tokio::time::timeout(CONNECT_TIMEOUT, connected).await {
            Ok(conn) => conn.map_err(unreachable)?,
            Err(_) => {
                return Err(StartError::Config(format!(
                    "cannot connect to Redis at {endpoint}: no answer within {CONNECT_TIMEOUT:?}"
                )));
            }
        };
        Ok(Self { conn, prefix: DEFAULT_PREFIX.into(), timeout: Self::DEFAULT_TIMEOUT, endpoint })
    }

    /// The deadline of each call unless [`with_timeout`](Self::with_timeout) sets another.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

    /// Gives each call of the store (a load, a save, a delete) at most `timeout`, waiting for
    /// a reconnection included, instead of [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT) (2 s).
    /// Past it the call fails as [`Error::Unavailable`]: a 503 rather than a request that
    /// hangs on a stalled server. A zero `timeout` is taken as 1 millisecond.
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), cookie_route::StartError> {
    /// use std::time::Duration;
    /// use cookie_route::session::RedisStore;
    ///
    /// let store = RedisStore::connect("redis://127.0.0.1:6379/0").await?;
    /// assert_eq!(store.timeout(), Duration::from_secs(2));
    /// let store = store.with_timeout(Duration::from_millis(300));
    /// assert_eq!(store.timeout(), Duration::from_millis(300));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The deadline of each call.
    pub fn timeout(&self) -> Duration {
        self.timeout
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

    /// The key of `user`'s index of sessions.
    fn user_key(&self, user: &str) -> String {
        format!("{}{USER_INFIX}{user}", self.prefix)
    }

    /// `call` within the store's deadline; any failure to get an answer is
    /// [`Error::Unavailable`].
    async fn run<T>(
        &self,
        command: &'static str,
        call: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, Error> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(source)) => Err(Error::unavailable(CommandError::Failed { command, source })),
            Err(_) => {
                Err(Error::unavailable(CommandError::TimedOut { command, timeout: self.timeout }))
            }
        }
    }

    /// Saves `record` under `id` (only if a record is there, with `update`): whether it did.
    async fn write(
        &self,
        id: &str,
        record: &Record,
        ttl: Duration,
        update: bool,
    ) -> Result<bool, Error> {
        let json = serde_json::to_vec(record).map_err(Error::other)?;
        let mut conn = self.conn.clone();
        match &record.user {
            None => {
                let mut set = redis::cmd("SET");
                set.arg(self.key(id)).arg(json).arg("EX").arg(ttl_secs(ttl));
                if update {
                    set.arg("XX");
                }
                let answer: Option<String> = self.run("SET", set.query_async(&mut conn)).await?;
                Ok(answer.is_some())
            }
            Some(user) => {
                let mut save = SAVE.prepare_invoke();
                save.key(self.key(id))
                    .key(self.user_key(user))
                    .arg(json)
                    .arg(ttl_secs(ttl) * 1000)
                    .arg(id)
                    .arg(if update { "1" } else { "0" });
                let saved: i64 = self.run("SAVE script", save.invoke_async(&mut conn)).await?;
                Ok(saved == 1)
            }
        }
    }
}

impl SessionStore for RedisStore {
    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Record>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let mut get = redis::cmd("GET");
            get.arg(self.key(id));
            let value: Option<Vec<u8>> = self.run("GET", get.query_async(&mut conn)).await?;
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
        Box::pin(async move { self.write(id, record, ttl, false).await.map(drop) })
    }

    fn update<'a>(
        &'a self,
        id: &'a str,
        record: &'a Record,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(self.write(id, record, ttl, true))
    }

    fn delete<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let mut del = redis::cmd("DEL");
            del.arg(self.key(id));
            self.run("DEL", del.query_async::<()>(&mut conn)).await
        })
    }

    fn end_user_sessions<'a>(&'a self, user: &'a str) -> StoreFuture<'a, usize> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let mut end = END.prepare_invoke();
            end.key(self.user_key(user)).arg(&*self.prefix);
            let ended: usize = self.run("END script", end.invoke_async(&mut conn)).await?;
            Ok(ended)
        })
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("endpoint", &self.endpoint)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A Redis command of the store failed or got no answer in time (the key, which holds the
/// session id or the user, is not named).
#[derive(Debug, thiserror::Error)]
enum CommandError {
    #[error("Redis session store: {command} failed: {source}")]
    Failed { command: &'static str, source: RedisError },
    #[error("Redis session store: {command} got no answer within {timeout:?}")]
    TimedOut { command: &'static str, timeout: Duration },
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
