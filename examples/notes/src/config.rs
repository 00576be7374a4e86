//! The service's configuration, from the environment, with the example app's conventions
//! (the repository's `src/config.rs`): anything invalid is one line naming the variable.

use cookie_route::{Keys, MemoryStore, SessionConfig, StartError};

/// Where sessions live, from `COOKIE_ROUTE_SESSION_STORE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SessionStoreKind {
    /// `cookie` (the default): the session in a signed cookie; any number of instances
    /// given the same secret serve it.
    Cookie,
    /// `memory`: in this process.
    Memory,
    /// `redis://HOST:PORT[/DB]`: shared by every instance given the same URL and secret.
    Redis(String),
}

/// The service's settings.
#[derive(Debug)]
pub(crate) struct Config {
    /// `HOST` (default `127.0.0.1`).
    pub(crate) host: String,
    /// `PORT` (default `8001`).
    pub(crate) port: u16,
    /// From `COOKIE_ROUTE_SECRET_KEY` and `COOKIE_ROUTE_SECRET_KEY_FALLBACKS`; random (with
    /// a warning) when no secret is set, and then sessions do not survive a restart.
    pub(crate) keys: Keys,
    /// `COOKIE_ROUTE_SESSION_STORE`.
    pub(crate) sessions: SessionStoreKind,
    /// `DATABASE_URL` (default `sqlite://notes.db`, in the working directory).
    pub(crate) database_url: String,
}

impl Config {
    /// Reads the process environment.
    pub(crate) fn from_env() -> Result<Self, StartError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads variables through `get` (the tests pass their own).
    pub(crate) fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, StartError> {
        let host = get("HOST").unwrap_or_else(|| "127.0.0.1".to_owned());
        if host.is_empty() || host.contains(char::is_whitespace) || host.contains('/') {
            return Err(StartError::Config(format!(
                "HOST must be a host name or IP address, got `{host}`"
            )));
        }
        let port = match get("PORT") {
            None => 8001,
            Some(p) => p.trim().parse::<u16>().map_err(|_| {
                StartError::Config(format!("PORT must be a port number (0-65535), got `{p}`"))
            })?,
        };
        let keys = match get(cookie_route::keys::SECRET_ENV).filter(|s| !s.is_empty()) {
            Some(secret) => Keys::from_secret(&secret).map_err(|_| {
                StartError::Config(format!(
                    "{} must be at least {} bytes long",
                    cookie_route::keys::SECRET_ENV,
                    cookie_route::keys::MIN_SECRET_BYTES
                ))
            })?,
            None => {
                tracing::warn!(
                    "{} is not set: using a random key; sessions will not survive a restart",
                    cookie_route::keys::SECRET_ENV
                );
                Keys::ephemeral()
            }
        };
        let keys = match get(cookie_route::keys::FALLBACKS_ENV) {
            None => keys,
            Some(list) => {
                let secrets: Vec<&str> =
                    list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
                keys.with_fallbacks(secrets).map_err(|_| {
                    StartError::Config(format!(
                        "{}: every secret (the list is split at commas) must be at least {} bytes long",
                        cookie_route::keys::FALLBACKS_ENV,
                        cookie_route::keys::MIN_SECRET_BYTES
                    ))
                })?
            }
        };
        let sessions = match get("COOKIE_ROUTE_SESSION_STORE").as_deref().map(str::trim) {
            None | Some("" | "cookie") => SessionStoreKind::Cookie,
            Some("memory") => SessionStoreKind::Memory,
            Some(url) if url.starts_with("redis://") => SessionStoreKind::Redis(url.to_owned()),
            Some(other) => {
                return Err(StartError::Config(format!(
                    "COOKIE_ROUTE_SESSION_STORE must be `cookie`, `memory` or `redis://HOST:PORT[/DB]`, got `{other}`"
                )));
            }
        };
        let database_url = match get("DATABASE_URL").filter(|url| !url.trim().is_empty()) {
            None => "sqlite://notes.db".to_owned(),
            Some(url) if url.starts_with("sqlite:") => url,
            Some(_) => {
                // The value may hold a password: it stays out of the message.
                return Err(StartError::Config(
                    "DATABASE_URL must be a SQLite URL (`sqlite://PATH`)".to_owned(),
                ));
            }
        };
        Ok(Self { host, port, keys, sessions, database_url })
    }

    /// The session settings, connecting to Redis when asked to.
    pub(crate) async fn session_config(&self) -> Result<SessionConfig, StartError> {
        Ok(match &self.sessions {
            SessionStoreKind::Cookie => SessionConfig::signed_cookie(),
            SessionStoreKind::Memory => SessionConfig::store(MemoryStore::new()),
            SessionStoreKind::Redis(url) => {
                let store = cookie_route::session::RedisStore::connect(url)
                    .await
                    .map_err(|e| StartError::Config(format!("COOKIE_ROUTE_SESSION_STORE: {e}")))?;
                SessionConfig::store(store)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(vars: &[(&str, &str)]) -> Result<Config, StartError> {
        let vars: Vec<(String, String)> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_vars(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults() {
        let config = parse(&[]).unwrap();
        assert_eq!((config.host.as_str(), config.port), ("127.0.0.1", 8001));
        assert_eq!(config.sessions, SessionStoreKind::Cookie);
        assert_eq!(config.database_url, "sqlite://notes.db");
        assert!(config.keys.is_ephemeral());
    }

    #[test]
    fn every_invalid_value_names_its_variable() {
        let message = |vars: &[(&str, &str)]| parse(vars).unwrap_err().to_string();
        assert!(message(&[("PORT", "eighty")]).starts_with("PORT "));
        assert!(message(&[("HOST", "a b")]).starts_with("HOST "));
        assert!(
            message(&[("COOKIE_ROUTE_SECRET_KEY", "short")])
                .starts_with("COOKIE_ROUTE_SECRET_KEY ")
        );
        assert!(
            message(&[("COOKIE_ROUTE_SESSION_STORE", "postgres://x")])
                .starts_with("COOKIE_ROUTE_SESSION_STORE ")
        );
        let m = message(&[("DATABASE_URL", "postgres://ann:hunter2@db/notes")]);
        assert!(m.starts_with("DATABASE_URL ") && !m.contains("hunter2"), "{m}");
    }

    #[test]
    fn stores_and_databases() {
        let config = parse(&[
            ("COOKIE_ROUTE_SESSION_STORE", "redis://127.0.0.1:6379/2"),
            ("DATABASE_URL", "sqlite:///tmp/notes.db"),
        ])
        .unwrap();
        assert_eq!(config.sessions, SessionStoreKind::Redis("redis://127.0.0.1:6379/2".to_owned()));
        assert_eq!(config.database_url, "sqlite:///tmp/notes.db");
    }
}
