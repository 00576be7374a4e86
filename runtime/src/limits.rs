//! The limits a server enforces on every client.

use std::time::Duration;

/// Sizes and times the server allows a client, with defaults that suit a public service.
///
/// ```
/// use std::time::Duration;
/// use cookie_route::Limits;
///
/// let limits = Limits::default()
///     .with_max_body_bytes(64 * 1024)
///     .with_header_read_timeout(Duration::from_secs(5));
/// assert_eq!(limits.max_body_bytes(), 64 * 1024);
/// ```
#[derive(Debug, Clone)]
pub struct Limits {
    pub(crate) max_header_bytes: usize,
    pub(crate) max_headers: usize,
    pub(crate) max_body_bytes: usize,
    pub(crate) header_read_timeout: Duration,
    pub(crate) body_read_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) max_connections: usize,
    pub(crate) shutdown_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_header_bytes: 32 * 1024,
            max_headers: 100,
            max_body_bytes: 2 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(75),
            max_connections: 4096,
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}

/// The smallest header buffer hyper accepts.
pub(crate) const MIN_HEADER_BYTES: usize = 8192;

macro_rules! limit {
    ($(#[$doc:meta])* $name:ident, $with:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(&self) -> $ty {
            self.$name
        }

        #[doc = concat!("Sets [`", stringify!($name), "`](Self::", stringify!($name), ").")]
        #[must_use]
        pub fn $with(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }
    };
}

impl Limits {
    limit!(
        /// The largest request head (request line and headers) in bytes; beyond it the
        /// server answers `431`. Default 32 KiB, at least 8 KiB.
        max_header_bytes, with_max_header_bytes: usize
    );
    limit!(
        /// The most header fields in a request; beyond it the server answers `431`.
        /// Default 100.
        max_headers, with_max_headers: usize
    );
    limit!(
        /// The largest request body in bytes; beyond it a handler reading the body answers
        /// `413`. Default 2 MiB.
        max_body_bytes, with_max_body_bytes: usize
    );
    limit!(
        /// How long an HTTP/1 client may take to send a request head, counted from the
        /// connection's start or the end of the previous response; a slower client is
        /// disconnected (an HTTP/2 connection between requests is held to the idle timeout
        /// instead). Checked at least four times per timeout: a slow client is disconnected
        /// within 1.25 timeouts. Default 10 s.
        header_read_timeout, with_header_read_timeout: Duration
    );
    limit!(
        /// How long a client may take to send a body a handler reads; beyond it the handler
        /// answers `408`. Default 30 s.
        body_read_timeout, with_body_read_timeout: Duration
    );
    limit!(
        /// How long a connection may stay open with no request in flight, none started or
        /// finished, and nothing written to the client (HTTP/1.1 keep-alive and HTTP/2
        /// alike: frames the client sends by itself do not keep it open). Checked at least
        /// four times per timeout, like the header read timeout. Default 75 s.
        idle_timeout, with_idle_timeout: Duration
    );
    limit!(
        /// The most connections served at once; further clients wait in the listen
        /// backlog until one closes. Default 4096.
        max_connections, with_max_connections: usize
    );
    limit!(
        /// How long a graceful shutdown waits for in-flight requests. Default 30 s.
        shutdown_timeout, with_shutdown_timeout: Duration
    );

    pub(crate) fn check(&self) -> Result<(), String> {
        if self.max_header_bytes < MIN_HEADER_BYTES {
            return Err(format!("`max_header_bytes` must be at least {MIN_HEADER_BYTES}"));
        }
        if self.max_connections == 0 {
            return Err("`max_connections` must be at least 1".to_owned());
        }
        if self.max_headers == 0 {
            return Err("`max_headers` must be at least 1".to_owned());
        }
        let zero = [
            ("header_read_timeout", self.header_read_timeout),
            ("body_read_timeout", self.body_read_timeout),
            ("idle_timeout", self.idle_timeout),
        ];
        if let Some((name, _)) = zero.iter().find(|(_, d)| d.is_zero()) {
            return Err(format!("`{name}` must not be zero"));
        }
        Ok(())
    }
}
