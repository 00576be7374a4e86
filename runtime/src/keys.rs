//! Keys for signed and private cookies and for sessions, with rotation.
//!
//! One current key signs and encrypts; older keys (fallbacks) still verify and decrypt, and
//! a cookie read with one of them is re-issued under the current key. Keys are derived
//! (HKDF, by the `cookie` crate) from a secret of at least 32 bytes.
//!
//! A signed or private value also carries the cookie's name and its expiry, so a value
//! moved to another cookie, or replayed after it expired, reads as absent.

use std::fmt;

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use cookie::{Cookie, CookieJar, Key};
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::error::StartError;

/// The environment variable the secret comes from.
pub const SECRET_ENV: &str = "COOKIE_ROUTE_SECRET_KEY";
/// The environment variable older secrets come from, comma-separated.
pub const FALLBACKS_ENV: &str = "COOKIE_ROUTE_SECRET_KEY_FALLBACKS";
/// The shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

/// The keys of an app: the current one and fallbacks.
#[derive(Clone)]
pub struct Keys {
    current: Entry,
    fallbacks: Vec<Entry>,
    ephemeral: bool,
}

/// A key, with the HMAC-SHA256 state its signing half keys made once: the `cookie` crate's
/// signed jar keys a new one for each cookie, two of the SHA-256 blocks a short value costs.
/// Values are signed as that jar signs them (the base64 of the MAC of the value, then the
/// value), so either reads the other's.
#[derive(Clone)]
struct Entry {
    key: Key,
    mac: Hmac<Sha256>,
}

impl From<Key> for Entry {
    fn from(key: Key) -> Self {
        let mac = Hmac::new_from_slice(key.signing()).expect("HMAC takes a key of any length");
        Self { key, mac }
    }
}

/// The length of a signed value's MAC, in base64 (32 bytes, padded).
const SIGNATURE_LEN: usize = 44;

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the keys themselves.
        f.debug_struct("Keys")
            .field("fallbacks", &self.fallbacks.len())
            .field("ephemeral", &self.ephemeral)
            .finish_non_exhaustive()
    }
}

/// A value read from a signed or private cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The value as it was set.
    pub value: String,
    /// When it expires, in seconds since the Unix epoch (`None`: a browser-session value).
    pub expires: Option<i64>,
    /// It was made with a fallback key: re-issue it under the current one.
    pub stale_key: bool,
}

fn key_from(secret: &str, variable: &str) -> Result<Key, StartError> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(StartError::Config(format!(
            "{variable} must be at least {MIN_SECRET_BYTES} bytes long, it has {}",
            secret.len()
        )));
    }
    Ok(Key::derive_from(secret.as_bytes()))
}

impl Keys {
    /// Keys derived from `secret` (at least 32 bytes).
    pub fn from_secret(secret: &str) -> Result<Self, StartError> {
        Ok(Self {
            current: key_from(secret, "the secret key")?.into(),
            fallbacks: Vec::new(),
            ephemeral: false,
        })
    }

    /// Adds older secrets whose values are still accepted (and re-issued).
    pub fn with_fallbacks<'s>(
        mut self,
        secrets: impl IntoIterator<Item = &'s str>,
    ) -> Result<Self, StartError> {
        for secret in secrets {
            self.fallbacks.push(key_from(secret, "a fallback secret key")?.into());
        }
        Ok(self)
    }

    /// Random keys that live as long as the process: values made with them do not survive
    /// a restart, and other instances cannot read them.
    pub fn ephemeral() -> Self {
        Self { current: Key::generate().into(), fallbacks: Vec::new(), ephemeral: true }
    }

    /// Whether these keys were generated rather than configured.
    pub fn is_ephemeral(&self) -> bool {
        self.ephemeral
    }

    /// Keys from `COOKIE_ROUTE_SECRET_KEY` and `COOKIE_ROUTE_SECRET_KEY_FALLBACKS`.
    ///
    /// Without a secret, a release build fails with an error naming the variable, and a
    /// debug build generates ephemeral keys and warns. A secret that is too short is an
    /// error in every build.
    pub fn from_env() -> Result<Self, StartError> {
        Self::from_env_with(cfg!(debug_assertions))
    }

    /// As [`Keys::from_env`], with ephemeral keys (and a warning) when no secret is set,
    /// in any build: for examples and demos.
    pub fn from_env_or_ephemeral() -> Result<Self, StartError> {
        Self::from_env_with(true)
    }

    fn from_env_with(allow_ephemeral: bool) -> Result<Self, StartError> {
        let secret = std::env::var(SECRET_ENV).ok().filter(|s| !s.is_empty());
        let keys = match secret {
            Some(secret) => Self {
                current: key_from(&secret, SECRET_ENV)?.into(),
                fallbacks: Vec::new(),
                ephemeral: false,
            },
            None if allow_ephemeral => {
                tracing::warn!(
                    "{SECRET_ENV} is not set: using a random key; signed cookies and sessions \
                     will not survive a restart"
                );
                Self::ephemeral()
            }
            None => {
                return Err(StartError::Config(format!(
                    "{SECRET_ENV} is not set: give it a random secret of at least {MIN_SECRET_BYTES} bytes"
                )));
            }
        };
        match std::env::var(FALLBACKS_ENV) {
            Ok(list) => {
                let mut keys = keys;
                for secret in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    // The list is split at commas: say so, a secret may hold one.
                    let what = format!("each secret of {FALLBACKS_ENV} (split at commas)");
                    keys.fallbacks.push(key_from(secret, &what)?.into());
                }
                Ok(keys)
            }
            Err(_) => Ok(keys),
        }
    }

    fn all(&self) -> impl Iterator<Item = (usize, &Entry)> {
        std::iter::once(&self.current).chain(&self.fallbacks).enumerate()
    }

    /// The cookie with its value signed (readable by the client, not forgeable).
    pub fn sign(&self, mut cookie: Cookie<'static>) -> Cookie<'static> {
        let plain = envelope(Some(cookie.name()), expiry(&cookie), cookie.value());
        let mut mac = self.current.mac.clone();
        mac.update(plain.as_bytes());
        let mut signed = String::with_capacity(SIGNATURE_LEN + plain.len());
        BASE64_STANDARD.encode_string(mac.finalize().into_bytes(), &mut signed);
        signed.push_str(&plain);
        cookie.set_value(signed);
        cookie
    }

    /// The cookie with its value encrypted and authenticated (unreadable, unforgeable).
    pub fn encrypt(&self, cookie: Cookie<'static>) -> Cookie<'static> {
        // The cipher binds the name already; the envelope adds the expiry.
        let plain = envelope(None, expiry(&cookie), cookie.value());
        seal(cookie, plain, |jar, c| jar.private_mut(&self.current.key).add(c))
    }

    /// The value of signed cookie `name` as the client sent it (`raw`), if it verifies
    /// under any key, belongs to `name`, and has not expired.
    pub fn verify(&self, name: &str, raw: &str) -> Option<Opened> {
        if !raw.is_char_boundary(SIGNATURE_LEN) {
            return None;
        }
        let (signature, value) = raw.split_at(SIGNATURE_LEN);
        // 44 characters decode to at most 33 bytes; a MAC is 32.
        let mut tag = [0; 33];
        let len = BASE64_STANDARD.decode_slice(signature, &mut tag).ok()?;
        let tag = &tag[..len];
        self.all().find_map(|(i, entry)| {
            let mut mac = entry.mac.clone();
            mac.update(value.as_bytes());
            // In constant time.
            mac.verify_slice(tag).ok()?;
            open(Some(name), value, i > 0)
        })
    }

    /// The value of private cookie `name` as the client sent it (`raw`), if it decrypts
    /// under any key and has not expired.
    pub fn decrypt(&self, name: &str, raw: &str) -> Option<Opened> {
        self.all().find_map(|(i, entry)| {
            let jar = CookieJar::new();
            let opened =
                jar.private(&entry.key).decrypt(Cookie::new(name.to_owned(), raw.to_owned()))?;
            open(None, opened.value(), i > 0)
        })
    }
}

fn expiry(cookie: &Cookie<'_>) -> Option<i64> {
    cookie
        .expires_datetime()
        .map(OffsetDateTime::unix_timestamp)
        .or_else(|| cookie.max_age().map(|age| (OffsetDateTime::now_utc() + age).unix_timestamp()))
}

/// `name|expiry|value` (signed) or `expiry|value` (private); `expiry` may be empty.
fn envelope(name: Option<&str>, expires: Option<i64>, value: &str) -> String {
    let expires = expires.map(|e| e.to_string()).unwrap_or_default();
    match name {
        Some(name) => format!("{name}|{expires}|{value}"),
        None => format!("{expires}|{value}"),
    }
}

fn open(name: Option<&str>, plain: &str, stale_key: bool) -> Option<Opened> {
    let rest = match name {
        Some(name) => plain.strip_prefix(name)?.strip_prefix('|')?,
        None => plain,
    };
    let (expires, value) = rest.split_once('|')?;
    let expires = if expires.is_empty() { None } else { Some(expires.parse::<i64>().ok()?) };
    if expires.is_some_and(|e| e <= OffsetDateTime::now_utc().unix_timestamp()) {
        return None;
    }
    Some(Opened { value: value.to_owned(), expires, stale_key })
}

fn seal(
    mut cookie: Cookie<'static>,
    plain: String,
    add: impl FnOnce(&mut CookieJar, Cookie<'static>),
) -> Cookie<'static> {
    let mut jar = CookieJar::new();
    let name = cookie.name().to_owned();
    add(&mut jar, Cookie::new(name.clone(), plain));
    if let Some(sealed) = jar.get(&name) {
        cookie.set_value(sealed.value().to_owned());
    }
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "an example secret that is long enough to use";

    fn keys() -> Keys {
        Keys::from_secret(SECRET).unwrap()
    }

    #[test]
    fn signed_round_trip_and_tampering() {
        let k = keys();
        let signed = k.sign(Cookie::new("user", "alice"));
        assert_ne!(signed.value(), "alice");
        assert!(signed.value().ends_with("user||alice"), "readable: {}", signed.value());
        assert_eq!(k.verify("user", signed.value()).unwrap().value, "alice");
        // Flip a byte of the value part.
        let forged = signed.value().replace("alice", "admin");
        assert_eq!(k.verify("user", &forged), None);
        // Cut it.
        assert_eq!(k.verify("user", &signed.value()[..10]), None);
        // Move it to another cookie.
        assert_eq!(k.verify("other", signed.value()), None);
        // Another key.
        let other = Keys::from_secret("another secret, quite different and long enough").unwrap();
        assert_eq!(other.verify("user", signed.value()), None);
        assert_eq!(k.verify("user", ""), None);
    }

    /// Signed values are the `cookie` crate's signed jar's, both ways: values signed before
    /// the keyed MAC was kept (by that jar) still verify, and the jar reads ours.
    #[test]
    fn signed_values_are_the_cookie_crates() {
        let k = keys();
        let mut jar = CookieJar::new();
        jar.signed_mut(&k.current.key).add(Cookie::new("user", "user||alice"));
        let theirs = jar.get("user").unwrap().value().to_owned();
        assert_eq!(k.verify("user", &theirs).unwrap().value, "alice");
        let ours = k.sign(Cookie::new("user", "alice"));
        assert_eq!(ours.value(), theirs, "the MAC of the same value under the same key");
        let opened = CookieJar::new().signed(&k.current.key).verify(ours).unwrap();
        assert_eq!(opened.value(), "user||alice");
        // A MAC that is not base64, or of another length, is refused, not a panic.
        let value = &theirs[SIGNATURE_LEN..];
        for mac in ["!".repeat(SIGNATURE_LEN), format!("{}==", "A".repeat(42)), "A".repeat(44)] {
            assert_eq!(k.verify("user", &format!("{mac}{value}")), None, "{mac}");
        }
        // A character across the MAC's end.
        let across = format!("{}é{}", &theirs[..SIGNATURE_LEN - 1], &theirs[SIGNATURE_LEN..]);
        assert_eq!(k.verify("user", &across), None);
    }

    #[test]
    fn private_round_trip_and_tampering() {
        let k = keys();
        let sealed = k.encrypt(Cookie::new("token", "s3cret value"));
        assert!(!sealed.value().contains("s3cret"));
        assert_eq!(k.decrypt("token", sealed.value()).unwrap().value, "s3cret value");
        // Replayed under another name: the name is bound by the cipher.
        assert_eq!(k.decrypt("other", sealed.value()), None);
        let mut bytes = sealed.value().as_bytes().to_vec();
        bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
        assert_eq!(k.decrypt("token", std::str::from_utf8(&bytes).unwrap()), None);
        assert_eq!(k.decrypt("token", &sealed.value()[..8]), None);
    }

    #[test]
    fn expired_values_read_as_absent() {
        let k = keys();
        let past = OffsetDateTime::now_utc() - time::Duration::minutes(1);
        let signed = k.sign(Cookie::build(("a", "b")).expires(past).build());
        assert_eq!(k.verify("a", signed.value()), None);
        let sealed = k.encrypt(Cookie::build(("a", "b")).expires(past).build());
        assert_eq!(k.decrypt("a", sealed.value()), None);
        let fresh = k.sign(Cookie::build(("a", "b")).max_age(time::Duration::hours(1)).build());
        assert!(k.verify("a", fresh.value()).unwrap().expires.is_some());
    }

    #[test]
    fn rotation_accepts_old_keys_and_asks_for_reissue() {
        let old = Keys::from_secret("the old secret, used before the rotation happened").unwrap();
        let signed = old.sign(Cookie::new("user", "alice"));
        let sealed = old.encrypt(Cookie::new("user", "alice"));
        let rotated =
            keys().with_fallbacks(["the old secret, used before the rotation happened"]).unwrap();
        let opened = rotated.verify("user", signed.value()).unwrap();
        assert!(opened.stale_key);
        assert!(rotated.decrypt("user", sealed.value()).unwrap().stale_key);
        assert!(
            !rotated
                .verify("user", rotated.sign(Cookie::new("user", "x")).value())
                .unwrap()
                .stale_key
        );
    }

    #[test]
    fn short_secrets_are_refused_and_debug_hides_keys() {
        assert!(Keys::from_secret("short").is_err());
        let debug = format!("{:?}", keys());
        assert!(!debug.contains(SECRET) && debug.contains("Keys"));
    }
}
