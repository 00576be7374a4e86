//! What the tests of cookie-route share, so that no test file copies another's helpers:
//!
//! - [`raw`]: HTTP/1.1 written byte for byte on a `TcpStream` and the responses read back,
//!   for what no well-behaved client sends (malformed, smuggling, slow requests);
//! - [`h2c`]: an HTTP/2 connection with prior knowledge (no TLS, no upgrade);
//! - [`redis`]: a Redis server for one test;
//! - [`logs`]: log lines captured in memory;
//! - [`program`]: a program that serves HTTP, run as a child process (the `examples/`).
//!
//! Servers and clients over real HTTP are the runtime's own `TestServer` and `TestClient`
//! (feature `test-client`). This crate is a dev-dependency of the workspace only and is not
//! published.

use std::fmt::Debug;
use std::future::IntoFuture;
use std::time::Duration;

pub mod h2c;
pub mod logs;
pub mod program;
pub mod raw;
pub mod redis;

/// How long any single step of a test may take before the test fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Awaits `future`, at most [`PATIENCE`].
///
/// # Panics
///
/// When `future` takes longer, saying `what` did not finish.
pub async fn patiently<F: IntoFuture>(what: &str, future: F) -> F::Output {
    match tokio::time::timeout(PATIENCE, future).await {
        Ok(output) => output,
        Err(_) => panic!("{what}: not done within {PATIENCE:?}"),
    }
}

/// Awaits a server's shutdown (`TestServer::stop`), which must complete within [`PATIENCE`]
/// of the signal, and cleanly.
///
/// # Panics
///
/// When it takes longer, or ends with an error.
pub async fn assert_stops<E: Debug>(stop: impl IntoFuture<Output = Result<(), E>>) {
    patiently("the server completes after the shutdown signal", stop)
        .await
        .expect("the server completes cleanly");
}
