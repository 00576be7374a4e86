//! Sessions: data that follows a user from request to request.
//!
//! [`Session`] is a map of JSON values, as Flask's `session`: `get`, `insert`, `remove`,
//! `clear`, and `renew` (a new id after login, against session fixation). It may belong to a
//! user: [`Session::log_in`] renews the id and records the user, and with a store
//! [`Session::log_out_everywhere`] ends every session of that user. Where the data lives is
//! the app's choice ([`SessionConfig`]):
//!
//! - in a signed cookie (the default, as Flask: readable by the client, not forgeable) or a
//!   private one (encrypted): stateless, so any number of instances serve the same users;
//!   a session over 4096 bytes is an error, never a silently dropped cookie;
//! - in a [`SessionStore`] with only a random 256-bit id in a signed cookie: the in-memory
//!   [`MemoryStore`], or `RedisStore` (feature `redis`) shared by several instances.
//!
//! Sessions expire: an absolute lifetime counted from the first request, and for server-side
//! sessions an idle timeout. A store that cannot be reached makes the requests that need the
//! session answer 503 with `Retry-After` (see [`SessionStore`]); the others are untouched. The cookie is `HttpOnly`, `SameSite=Lax`, `Path=/`, and
//! `Secure` when the app says it is served over HTTPS (server-side sessions then use the
//! `__Host-` prefix).

mod flash;
mod memory;
#[cfg(feature = "redis")]
mod redis;
mod store;
mod watch;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cookie::Cookie;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use time::OffsetDateTime;

pub use flash::{Flash, FlashMessage};
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;
pub use store::{Record, SessionStore, StoreFuture};

use crate::error::Error;
use crate::keys::Keys;
use crate::response::Response;
use watch::Watched;

/// Where session data lives.
#[derive(Clone)]
pub(crate) enum Backend {
    /// In the cookie itself, signed (`private: false`) or encrypted (`private: true`).
    Cookie {
        /// Encrypt rather than sign.
        private: bool,
    },
    /// In a store; the cookie holds a random id.
    Store(Arc<Watched>),
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cookie { private } => f.debug_struct("Cookie").field("private", private).finish(),
            Self::Store(_) => f.write_str("Store"),
        }
    }
}

/// How an app keeps sessions.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub(crate) backend: Backend,
    pub(crate) cookie_name: String,
    pub(crate) lifetime: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) secure: bool,
    pub(crate) persistent: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self::signed_cookie()
    }
}

impl SessionConfig {
    /// The session in a signed cookie called `session`, as Flask keeps it.
    pub fn signed_cookie() -> Self {
        Self {
            backend: Backend::Cookie { private: false },
            cookie_name: "session".to_owned(),
            lifetime: Duration::from_secs(14 * 24 * 3600),
            idle_timeout: Duration::from_secs(2 * 24 * 3600),
            secure: false,
            persistent: false,
        }
    }

    /// The session in an encrypted cookie called `session`.
    pub fn private_cookie() -> Self {
        Self { backend: Backend::Cookie { private: true }, ..Self::signed_cookie() }
    }

    /// The session in `store`, with its id in a cookie called `session`.
    pub fn store(store: impl SessionStore) -> Self {
        let store = Arc::new(Watched::new(Arc::new(store)));
        Self { backend: Backend::Store(store), ..Self::signed_cookie() }
    }

    /// The cookie's name (default `session`).
    #[must_use]
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = name.into();
        self
    }

    /// How long a session lives from its first request (default 14 days).
    #[must_use]
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// How long a server-side session lives unused (default 2 days). A request that uses the
    /// session without changing it writes it back, to push this time, at most once a minute
    /// (or once a sixteenth of a shorter timeout), and sends no cookie: the session may end
    /// that much sooner than `idle` after its last use.
    #[must_use]
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = idle;
        self
    }

    /// The app is served over HTTPS: the cookie is `Secure`, and a server-side session's
    /// cookie gets the `__Host-` prefix.
    #[must_use]
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// Send the cookie with an `Expires` at the end of the session's lifetime, so that it
    /// outlives the browser (Flask's permanent sessions). By default it is a browser-session
    /// cookie, as Flask sends it; the lifetime is enforced on the server either way.
    #[must_use]
    pub fn persistent(mut self, persistent: bool) -> Self {
        self.persistent = persistent;
        self
    }

    /// Ends every session of `user` in the store ([`Request::end_user_sessions`](crate::Request::end_user_sessions)).
    pub(crate) async fn end_user_sessions(&self, user: &str) -> Result<usize, Error> {
        match &self.backend {
            Backend::Store(store) => store.end_user_sessions(user).await,
            Backend::Cookie { .. } => Err(Error::other(
                "cookie sessions cannot be ended by the server: they live only in the browser. \
                 Keep sessions in a store (SessionConfig::store) to end a user's sessions",
            )),
        }
    }

    /// The cookie's name on the wire.
    pub(crate) fn wire_name(&self) -> String {
        match self.backend {
            Backend::Store(_) if self.secure && !self.cookie_name.starts_with("__Host-") => {
                format!("__Host-{}", self.cookie_name)
            }
            _ => self.cookie_name.clone(),
        }
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        cookie_route_core::cookie::check_name(&self.wire_name())
            .map_err(|rule| format!("invalid session cookie name: {rule}"))?;
        if self.lifetime.is_zero() || self.idle_timeout.is_zero() {
            return Err("session lifetimes must not be zero".to_owned());
        }
        Ok(())
    }
}

#[derive(Debug)]
struct State {
    data: Map<String, Value>,
    created: i64,
    /// The user the session belongs to ([`Session::log_in`]).
    user: Option<String>,
    /// The server-side id, when there is one.
    id: Option<String>,
    /// Where the request's data came from, to delete it on renew or clear.
    loaded_id: Option<String>,
    /// The user of the record loaded from `loaded_id`.
    loaded_user: Option<String>,
    /// When the loaded record was last written ([`Record::touched`]).
    touched: Option<i64>,
    /// The app's store, for server-side sessions.
    store: Option<Arc<Watched>>,
    modified: bool,
    renewed: bool,
    cleared: bool,
    /// The cookie was read with a fallback key: write it again under the current one.
    stale_key: bool,
    saved: bool,
}

/// The session of the current request. A dependency: take `session: Session` in a handler.
///
/// Changes are saved when the response is made; cloning gives another handle to the same
/// session.
#[derive(Clone)]
pub struct Session {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Session values are secrets; show only the keys.
        let state = self.lock();
        f.debug_struct("Session").field("keys", &state.data.keys().collect::<Vec<_>>()).finish()
    }
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The session key of the CSRF token (`csrf::CsrfToken`), removed at login and renewal so
/// that the next page gets a new one.
pub(crate) const CSRF_TOKEN_KEY: &str = "_csrf_token";

/// 32 random bytes as hex: a session id, or a CSRF token.
pub(crate) fn new_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Session {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value under `key`, if there is one of type `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let state = self.lock();
        state.data.get(key).and_then(|v| T::deserialize(v).ok())
    }

    /// Stores `value` under `key`.
    pub fn insert<T: Serialize>(&self, key: &str, value: T) -> Result<(), Error> {
        let value = serde_json::to_value(value).map_err(Error::other)?;
        let mut state = self.lock();
        state.data.insert(key.to_owned(), value);
        state.modified = true;
        state.cleared = false;
        Ok(())
    }

    /// Removes and returns the value under `key`.
    pub fn remove(&self, key: &str) -> Option<Value> {
        let mut state = self.lock();
        // Not `shift_remove`, which only exists with serde_json's `preserve_order`; `retain`
        // keeps the order of the others either way.
        let mut old = None;
        state.data.retain(|k, v| {
            if k == key {
                old = Some(std::mem::take(v));
            }
            k != key
        });
        state.modified |= old.is_some();
        old
    }

    /// Whether the session holds nothing: no value and no user.
    pub fn is_empty(&self) -> bool {
        self.lock().holds_nothing()
    }

    /// Ends the session: its data and user are removed (from the store too) and its cookie
    /// deleted.
    pub fn clear(&self) {
        let mut state = self.lock();
        state.data.clear();
        state.user = None;
        state.cleared = true;
        state.modified = true;
    }

    /// Gives the session a new id, keeping its data: call it whenever the session's
    /// privileges change (a login, which [`log_in`](Self::log_in) does for you, a switch to an
    /// admin role, a re-authentication), so that an id an attacker planted or saw before
    /// cannot follow the user in (session fixation). With a store, the record under the old
    /// id is deleted when the response is made: the old id loads nothing afterwards. A cookie
    /// session has no id; its new cookie replaces the old one in the browser.
    pub fn renew(&self) {
        let mut state = self.lock();
        state.renewed = true;
        state.modified = true;
        // A new privilege, a new CSRF token (`csrf::CsrfToken` makes the next one).
        state.data.remove(CSRF_TOKEN_KEY);
    }

    /// Logs `user` in: the session now belongs to them ([`user_id`](Self::user_id)) and gets
    /// a new id ([`renew`](Self::renew)), keeping its data. With a store, the session joins
    /// the user's sessions, which [`log_out_everywhere`](Self::log_out_everywhere) and
    /// [`SessionStore::end_user_sessions`] end together. [`clear`](Self::clear) logs out.
    ///
    /// ```
    /// # #[cfg(feature = "test-client")]
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use cookie_route::{App, Error, Keys, MemoryStore, Request, SessionConfig, TestClient};
    ///
    /// async fn login(request: Request) -> Result<&'static str, Error> {
    ///     // ... once the password was checked:
    ///     request.session().await?.log_in("42");
    ///     Ok("welcome")
    /// }
    ///
    /// async fn me(request: Request) -> Result<String, Error> {
    ///     Ok(request.session().await?.user_id().unwrap_or_default())
    /// }
    ///
    /// let app = App::new()
    ///     .keys(Keys::ephemeral())
    ///     .sessions(SessionConfig::store(MemoryStore::new()))
    ///     .post("/login", login)
    ///     .get("/me", me);
    /// let client = TestClient::new(app);
    /// client.get("/me").send().await;
    /// client.post("/login").send().await;
    /// assert_eq!(client.get("/me").send().await.text(), "42");
    /// # }
    /// # #[cfg(not(feature = "test-client"))] fn main() {}
    /// ```
    pub fn log_in(&self, user: impl Into<String>) {
        let mut state = self.lock();
        state.user = Some(user.into());
        state.renewed = true;
        state.modified = true;
        state.cleared = false;
        // A token issued before the login is not the user's (`csrf::CsrfToken`).
        state.data.remove(CSRF_TOKEN_KEY);
    }

    /// The user the session belongs to, once [`log_in`](Self::log_in) was called.
    pub fn user_id(&self) -> Option<String> {
        self.lock().user.clone()
    }

    /// Ends every session of this session's user, this one included ("log out everywhere",
    /// after a password change or a lost device), and answers how many ended; this session's
    /// cookie is deleted with the response. A session without a user is only cleared (0).
    ///
    /// Needs a store ([`SessionConfig::store`]): a cookie session lives only in the browser
    /// and cannot be revoked by the server, so this is an error (a 500 if returned as it is)
    /// with [`SessionConfig::signed_cookie`] or [`SessionConfig::private_cookie`]. A store
    /// that cannot be reached is [`Error::Unavailable`] (a 503), and nothing is ended.
    ///
    /// ```
    /// # #[cfg(feature = "test-client")]
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use cookie_route::{App, Error, Keys, MemoryStore, Request, SessionConfig, TestClient};
    ///
    /// async fn login(request: Request) -> Result<&'static str, Error> {
    ///     request.session().await?.log_in("ann");
    ///     Ok("welcome")
    /// }
    ///
    /// async fn me(request: Request) -> Result<String, Error> {
    ///     Ok(request.session().await?.user_id().unwrap_or_default())
    /// }
    ///
    /// async fn everywhere(request: Request) -> Result<String, Error> {
    ///     let ended = request.session().await?.log_out_everywhere().await?;
    ///     Ok(format!("{ended} sessions ended"))
    /// }
    ///
    /// let app = App::new()
    ///     .keys(Keys::ephemeral())
    ///     .sessions(SessionConfig::store(MemoryStore::new()))
    ///     .post("/login", login)
    ///     .get("/me", me)
    ///     .post("/logout-everywhere", everywhere);
    /// let client = TestClient::new(app);
    /// client.post("/login").send().await; // on a phone
    /// let phone = client.cookie("session").unwrap();
    /// client.clear_cookies();
    /// client.post("/login").send().await; // on a laptop
    /// assert_eq!(client.get("/me").send().await.text(), "ann");
    ///
    /// let answer = client.post("/logout-everywhere").send().await;
    /// assert_eq!(answer.text(), "2 sessions ended");
    /// assert_eq!(client.get("/me").send().await.text(), "", "the laptop is logged out");
    /// client.set_cookie("session", &phone);
    /// assert_eq!(client.get("/me").send().await.text(), "", "and so is the phone");
    /// # }
    /// # #[cfg(not(feature = "test-client"))] fn main() {}
    /// ```
    pub async fn log_out_everywhere(&self) -> Result<usize, Error> {
        let (store, user) = self.store_and_user()?;
        let ended = match &user {
            Some(user) => store.end_user_sessions(user).await?,
            None => 0,
        };
        self.clear();
        Ok(ended)
    }

    /// Ends every other session of this session's user, and answers how many ended; this one
    /// stays logged in, under a new id. A session without a user ends nothing (0). Needs a
    /// store, as [`log_out_everywhere`](Self::log_out_everywhere).
    pub async fn log_out_other_sessions(&self) -> Result<usize, Error> {
        let (store, user) = self.store_and_user()?;
        let Some(user) = user else { return Ok(0) };
        let ended = store.end_user_sessions(&user).await?;
        let mut state = self.lock();
        // This session's own record was among them if it was stored for this user; its data
        // is saved again under a new id with the response.
        let own = state.loaded_id.is_some() && state.loaded_user.as_deref() == Some(&*user);
        state.renewed = true;
        state.modified = true;
        Ok(ended.saturating_sub(usize::from(own)))
    }

    fn store_and_user(&self) -> Result<(Arc<Watched>, Option<String>), Error> {
        let state = self.lock();
        let store = state.store.clone().ok_or_else(|| {
            Error::other(
                "a cookie session cannot be ended on other devices: it lives only in the \
                 browser. Keep sessions in a store (SessionConfig::store) to log out everywhere",
            )
        })?;
        Ok((store, state.user.clone()))
    }

    /// Opens the session whose cookie `raw` the request sent (`None`: a new session).
    pub(crate) async fn open(
        keys: &Keys,
        config: &SessionConfig,
        raw: Option<&str>,
    ) -> Result<Session, Error> {
        let name = config.wire_name();
        let mut state = State {
            data: Map::new(),
            created: now(),
            user: None,
            id: None,
            loaded_id: None,
            loaded_user: None,
            touched: None,
            store: match &config.backend {
                Backend::Store(store) => Some(store.clone()),
                Backend::Cookie { .. } => None,
            },
            modified: false,
            renewed: false,
            cleared: false,
            stale_key: false,
            saved: false,
        };
        if let Some(raw) = raw {
            match &config.backend {
                Backend::Cookie { private } => {
                    let opened =
                        if *private { keys.decrypt(&name, raw) } else { keys.verify(&name, raw) };
                    match opened.and_then(|o| decode_payload(&o.value).map(|p| (p, o.stale_key))) {
                        Some(((data, created, user), stale))
                            if created + lifetime_secs(config) > now() =>
                        {
                            state.data = data;
                            state.created = created;
                            state.user = user;
                            state.stale_key = stale;
                        }
                        _ => tracing::debug!("ignoring an invalid or expired session cookie"),
                    }
                }
                Backend::Store(store) => match keys.verify(&name, raw) {
                    Some(opened) => {
                        if let Some(record) = store.load(&opened.value).await? {
                            if record.created + lifetime_secs(config) > now() {
                                state.data = record.data;
                                state.created = record.created;
                                state.user.clone_from(&record.user);
                                state.touched = record.touched;
                                state.id = Some(opened.value.clone());
                                state.stale_key = opened.stale_key;
                            }
                            state.loaded_id = Some(opened.value);
                            state.loaded_user = record.user;
                        }
                    }
                    None => tracing::debug!("ignoring an invalid session id cookie"),
                },
            }
        }
        Ok(Session { state: Arc::new(Mutex::new(state)) })
    }

    /// Writes the session into `response`: the cookie, and the store's record. The pipeline
    /// calls it once per request that loaded the session, whatever its handler.
    pub(crate) async fn save(
        &self,
        keys: &Keys,
        config: &SessionConfig,
        response: &mut Response,
    ) -> Result<(), Error> {
        let name = config.wire_name();
        // Take what to do out of the lock: a store's await must not hold it.
        let (ending, record, old_id, write, id, fresh, stale_key) = {
            let mut state = self.lock();
            if state.saved {
                return Ok(());
            }
            state.saved = true;
            let server = matches!(config.backend, Backend::Store(_));
            let empty = state.holds_nothing();
            // Server-side sessions are touched by the requests that use them, so the idle
            // timeout counts from the last use: written back when the last write is old
            // enough (`touch_due`), rather than on every request.
            let touch = server && !empty && touch_due(state.touched, config.idle_timeout);
            let write = state.modified || state.stale_key || touch;
            // Cleared, or emptied: the session ends, and so does its record.
            let ending = state.cleared || empty;
            let mut old_id = None;
            let mut fresh = false;
            if server && (state.renewed || ending || state.id.is_none()) {
                old_id = state.loaded_id.take();
                state.id = (!ending).then(new_id);
                fresh = true;
            }
            let record = Record {
                data: state.data.clone(),
                created: state.created,
                user: state.user.clone(),
                touched: Some(now()),
            };
            (ending, record, old_id, write, state.id.clone(), fresh, state.stale_key)
        };
        if !write {
            return Ok(());
        }
        if let (Backend::Store(store), Some(old)) = (&config.backend, &old_id) {
            store.delete(old).await?;
        }
        let base = |value: String| {
            let mut c = Cookie::new(name.clone(), value);
            c.set_path("/");
            c.set_http_only(true);
            c.set_same_site(cookie::SameSite::Lax);
            if config.secure {
                c.set_secure(true);
            }
            c
        };
        if ending {
            let mut removal = base(String::new());
            removal.set_max_age(time::Duration::ZERO);
            response.remove_cookie(removal).map_err(Error::from)?;
            return Ok(());
        }
        let created = record.created;
        let expires = OffsetDateTime::from_unix_timestamp(created + lifetime_secs(config))
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        match &config.backend {
            Backend::Cookie { private } => {
                let mut cookie =
                    base(encode_payload(&record.data, created, record.user.as_deref()));
                if config.persistent {
                    cookie.set_expires(expires);
                }
                let sealed = if *private { keys.encrypt(cookie) } else { keys.sign(cookie) };
                response.set_cookie(sealed).map_err(|e| {
                    Error::other(format!("the session cannot be sent as a cookie: {}", e.rule()))
                })?;
            }
            Backend::Store(store) => {
                let id = id.unwrap_or_else(new_id);
                let remaining = u64::try_from(created + lifetime_secs(config) - now()).unwrap_or(1);
                let ttl = config.idle_timeout.min(Duration::from_secs(remaining.max(1)));
                if fresh {
                    store.save(&id, &record, ttl).await?;
                } else if !store.update(&id, &record, ttl).await? {
                    // Ended while this request was under way (everywhere, by a logout in
                    // another tab, or it expired): it stays ended. The cookie is left as the
                    // browser has it, which may already be a newer session's.
                    tracing::debug!("a session ended during its request: not saved again");
                    return Ok(());
                }
                if !fresh && !stale_key {
                    // The browser has this id's cookie, signed under the current key, with the
                    // same attributes (its Expires, if any, counts from `created`): sending it
                    // again would change nothing.
                    return Ok(());
                }
                let mut cookie = base(id);
                if config.persistent {
                    cookie.set_expires(expires);
                }
                response.set_cookie(keys.sign(cookie)).map_err(Error::from)?;
            }
        }
        Ok(())
    }
}

impl State {
    /// No value and no user: nothing worth a cookie or a record.
    fn holds_nothing(&self) -> bool {
        self.data.is_empty() && self.user.is_none()
    }
}

/// Whether a server-side session last written at `touched` is due to be written back, to
/// push its idle timeout: at least a minute ago, or a sixteenth of a shorter `idle` timeout
/// (so that a session expires at most that long before `idle` after its last use), and
/// always when the time is not known.
fn touch_due(touched: Option<i64>, idle: Duration) -> bool {
    let interval = i64::try_from((idle.as_secs() / 16).min(60)).unwrap_or(60);
    touched.is_none_or(|touched| now() - touched >= interval)
}

fn lifetime_secs(config: &SessionConfig) -> i64 {
    i64::try_from(config.lifetime.as_secs()).unwrap_or(i64::MAX / 2)
}

/// The cookie payload: `created.hex(json)`, and `.hex(user)` when the session has a user, so
/// that it is cookie-safe when signed.
fn encode_payload(data: &Map<String, Value>, created: i64, user: Option<&str>) -> String {
    let json = serde_json::to_vec(data).unwrap_or_default();
    match user {
        Some(user) => format!("{created}.{}.{}", hex(&json), hex(user.as_bytes())),
        None => format!("{created}.{}", hex(&json)),
    }
}

/// The data, creation time and user of a cookie payload.
fn decode_payload(payload: &str) -> Option<(Map<String, Value>, i64, Option<String>)> {
    let mut parts = payload.split('.');
    let created = parts.next()?.parse().ok()?;
    let data = serde_json::from_slice(&unhex(parts.next()?)?).ok()?;
    let user = match parts.next() {
        Some(user) => Some(String::from_utf8(unhex(user)?).ok()?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((data, created, user))
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex, two digits a byte.
fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        text.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
        text.push(char::from(HEX_DIGITS[usize::from(b & 0xf)]));
    }
    text
}

/// The bytes of [`hex`]'s text; anything else (an odd length, a digit that is not lowercase
/// hex, a sign) is `None`.
fn unhex(text: &str) -> Option<Vec<u8>> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    let text = text.as_bytes();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks_exact(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_what_it_does_not_write() {
        let all: Vec<u8> = (0..=255).collect();
        let text = hex(&all);
        assert_eq!(&text[..8], "00010203");
        assert_eq!(&text[text.len() - 4..], "feff");
        assert_eq!(unhex(&text), Some(all));
        assert_eq!(unhex(""), Some(Vec::new()));
        // `u8::from_str_radix` took a sign and capitals: "+f" read as 0x0f.
        for bad in ["+f", "0", "0g", "FF", " 0", "éé"] {
            assert_eq!(unhex(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn payload_round_trips() {
        let mut data = Map::new();
        data.insert("user".to_owned(), Value::from("ann"));
        let encoded = encode_payload(&data, 42, None);
        assert!(encoded.bytes().all(cookie_route_core::cookie::is_cookie_octet));
        assert_eq!(decode_payload(&encoded), Some((data.clone(), 42, None)));
        let with_user = encode_payload(&data, 42, Some("ann \u{e9}.x"));
        assert!(with_user.bytes().all(cookie_route_core::cookie::is_cookie_octet));
        assert_eq!(decode_payload(&with_user), Some((data, 42, Some("ann \u{e9}.x".to_owned()))));
        assert_eq!(decode_payload(&format!("{with_user}.00")), None);
        assert_eq!(decode_payload("42.7b7d.zz"), None);
        assert_eq!(decode_payload("42.zz"), None);
        assert_eq!(decode_payload("nope"), None);
    }

    #[test]
    fn server_side_sessions_over_https_use_the_host_prefix() {
        let store = SessionConfig::store(MemoryStore::new());
        assert_eq!(store.clone().wire_name(), "session");
        assert_eq!(store.secure(true).wire_name(), "__Host-session");
        assert_eq!(SessionConfig::signed_cookie().secure(true).wire_name(), "session");
    }

    #[test]
    fn an_unchanged_session_is_written_back_at_most_once_a_minute() {
        let two_days = Duration::from_secs(2 * 24 * 3600);
        assert!(touch_due(None, two_days));
        assert!(!touch_due(Some(now() - 30), two_days));
        assert!(touch_due(Some(now() - 60), two_days));
        // A short idle timeout: a sixteenth of it, here 10 s.
        assert!(!touch_due(Some(now() - 1), Duration::from_secs(160)));
        assert!(touch_due(Some(now() - 10), Duration::from_secs(160)));
        // Under 16 s, every time.
        assert!(touch_due(Some(now()), Duration::from_secs(15)));
    }

    #[test]
    fn ids_are_random_and_long() {
        let (a, b) = (new_id(), new_id());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
