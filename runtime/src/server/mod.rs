//! Serving an app over TCP: HTTP/1.1 and HTTP/2, limits on every connection, and a graceful
//! shutdown that lets in-flight requests finish.
//!
//! [`Server`] and its configuration are here; the accept loop, with its limit on open
//! connections, is in [`accept`], serving one connection in [`connection`], and the
//! watchdog that closes an idle or slow connection (and tells it about a shutdown) in
//! [`watchdog`].

mod accept;
mod connection;
mod watchdog;

use std::future::{Future, IntoFuture};
use std::io;
use std::net::SocketAddr;

use tokio::net::{TcpListener, ToSocketAddrs};

use crate::app::{App, AppService};
use crate::error::StartError;
use crate::handler::BoxFuture;

impl App {
    /// Binds `addr` and returns the server, not yet running: read its
    /// [`local_addr`](Server::local_addr) (bind port 0 in tests), then `.await` it.
    pub async fn bind(
        self,
        addr: impl ToSocketAddrs + std::fmt::Display,
    ) -> Result<Server, StartError> {
        let service = self.build()?;
        let name = addr.to_string();
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr: name, source })?;
        Ok(Server::new(service, listener))
    }

    /// Serves on a listener the caller bound.
    pub fn on_listener(self, listener: TcpListener) -> Result<Server, StartError> {
        Ok(Server::new(self.build()?, listener))
    }

    /// Binds `addr` and serves until Ctrl-C or SIGTERM, then shuts down gracefully.
    pub async fn serve(
        self,
        addr: impl ToSocketAddrs + std::fmt::Display,
    ) -> Result<(), StartError> {
        // The signal handlers are installed before the app says it listens: a SIGTERM sent
        // as soon as it does is a graceful shutdown, not the default death.
        let server = self.bind(addr).await?.with_graceful_shutdown(shutdown_signal());
        tracing::info!(addr = %server.local_addr()?, "listening");
        server.await
    }
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
///
/// Called inside a Tokio runtime, it installs its signal handlers at once, rather than when
/// the future is first polled: a program that binds, then takes this future, then says it is
/// ready (prints its address) shuts down gracefully on a signal sent as soon as it says so,
/// however late the server gets to poll it. Outside a runtime they are installed at the
/// first poll.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    let installed = tokio::runtime::Handle::try_current().ok().map(|_| Signals::install());
    async move {
        let mut signals = match installed {
            Some(signals) => signals,
            None => Signals::install(),
        };
        signals.recv().await;
        tracing::info!("shutting down: finishing in-flight requests");
    }
}

/// The signals that ask for a shutdown, listened to from the moment they are installed
/// (those that cannot be are never received).
struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            async fn one(signal: Option<&mut tokio::signal::unix::Signal>) {
                match signal {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                () = one(self.interrupt.as_mut()) => {}
                () = one(self.terminate.as_mut()) => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// A bound server. `.await` it to serve.
pub struct Server {
    service: AppService,
    listener: TcpListener,
    shutdown: Option<BoxFuture<()>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.listener.local_addr().ok())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A server for a built app on a bound listener.
    pub fn new(service: AppService, listener: TcpListener) -> Self {
        Self { service, listener, shutdown: None }
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Stops accepting when `signal` resolves, then waits (up to the shutdown timeout) for
    /// in-flight requests to finish.
    #[must_use]
    pub fn with_graceful_shutdown(
        mut self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Self {
        self.shutdown = Some(Box::pin(signal));
        self
    }
}

impl IntoFuture for Server {
    type Output = Result<(), StartError>;
    type IntoFuture = BoxFuture<Result<(), StartError>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
