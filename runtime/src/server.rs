//! Serving an app over TCP: HTTP/1.1 and HTTP/2, limits on every connection, and a graceful
//! shutdown that lets in-flight requests finish.

use std::future::{Future, IntoFuture};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::Semaphore;

use crate::app::{App, AppService, ResponseFuture, request_body};
use crate::error::Error;
use crate::handler::BoxFuture;

impl App {
    /// Binds `addr` and returns the server, not yet running: read its
    /// [`local_addr`](Server::local_addr) (bind port 0 in tests), then `.await` it.
    pub async fn bind(self, addr: impl ToSocketAddrs + std::fmt::Display) -> Result<Server, Error> {
        let service = self.build()?;
        let name = addr.to_string();
        let listener =
            TcpListener::bind(addr).await.map_err(|source| Error::Bind { addr: name, source })?;
        Ok(Server::new(service, listener))
    }

    /// Serves on a listener the caller bound.
    pub fn on_listener(self, listener: TcpListener) -> Result<Server, Error> {
        Ok(Server::new(self.build()?, listener))
    }

    /// Binds `addr` and serves until Ctrl-C or SIGTERM, then shuts down gracefully.
    pub async fn serve(self, addr: impl ToSocketAddrs + std::fmt::Display) -> Result<(), Error> {
        let server = self.bind(addr).await?;
        tracing::info!(addr = %server.local_addr()?, "listening");
        server.with_graceful_shutdown(shutdown_signal()).await
    }
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
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

    /// Serves until the shutdown signal, if any.
    pub async fn run(self) -> Result<(), Error> {
        let Self { service, listener, shutdown } = self;
        let limits = service.limits().clone();
        let mut builder = auto::Builder::new(TokioExecutor::new());
        // The header read timeout is the connection watchdog's (`Activity::watch`), not
        // hyper's: hyper's boxes and registers a timer for every request, which cost more
        // than routing and extraction together.
        builder
            .http1()
            .max_buf_size(limits.max_header_bytes)
            .max_headers(limits.max_headers)
            .keep_alive(true);
        builder
            .http2()
            .timer(TokioTimer::new())
            .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX))
            .max_concurrent_streams(256)
            // No server PINGs: their acknowledgements would look like a live client. A dead
            // or idle peer is closed by the idle timeout instead.
            .keep_alive_interval(None);
        let builder = Arc::new(builder);
        let graceful = GracefulShutdown::new();
        let permits = Arc::new(Semaphore::new(limits.max_connections));
        let mut shutdown = shutdown.unwrap_or_else(|| Box::pin(std::future::pending()));
        loop {
            let permit = tokio::select! {
                permit = permits.clone().acquire_owned() => match permit {
                    Ok(p) => p,
                    Err(_) => break,
                },
                () = &mut shutdown => break,
            };
            let (stream, remote) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(error) => {
                        // Out of file descriptors, or a connection reset before accept:
                        // wait a moment rather than spin, and keep serving.
                        tracing::warn!(%error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let activity = Arc::new(Activity::new());
            let io = TokioIo::new(TrackedIo { inner: stream, activity: activity.clone() });
            let conn_service =
                ConnService { app: service.clone(), remote, activity: activity.clone() };
            let conn = builder.serve_connection(io, conn_service).into_owned();
            let conn = graceful.watch(conn);
            let (idle_timeout, head_timeout) = (limits.idle_timeout, limits.header_read_timeout);
            tokio::spawn(async move {
                let _permit = permit;
                tokio::select! {
                    result = conn => {
                        if let Err(error) = result {
                            tracing::debug!(%remote, error = %error, "connection ended with an error");
                        }
                    }
                    end = activity.watch(idle_timeout, head_timeout) => match end {
                        Quiet::Idle => tracing::debug!(%remote, "closing an idle connection"),
                        Quiet::SlowHead => {
                            tracing::debug!(%remote, "closing a connection: read header from client timeout");
                        }
                    }
                }
            });
        }
        drop(listener);
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(limits.shutdown_timeout) => {
                tracing::warn!("shutdown timeout: closing connections with requests still in flight");
            }
        }
        Ok(())
    }
}

impl IntoFuture for Server {
    type Output = Result<(), Error>;
    type IntoFuture = BoxFuture<Result<(), Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// When a connection last moved a byte, how many of its requests are in flight, and since
/// when it has been waiting for a request head.
struct Activity {
    start: Instant,
    last_ms: AtomicU64,
    in_flight: AtomicUsize,
    /// Since when (ms after `start`) the connection waits for the next request head: from
    /// its start, and from each response of HTTP/1; [`NO_HEAD_WAIT`] while a request is in
    /// flight and on HTTP/2 (whose idle connections the idle timeout closes).
    head_since_ms: AtomicU64,
    http2: AtomicBool,
}

/// [`Activity::head_since_ms`] when no head is awaited.
const NO_HEAD_WAIT: u64 = u64::MAX;

/// Why a connection's watchdog closes it.
#[derive(Debug, PartialEq, Eq)]
enum Quiet {
    /// No request in flight and no byte written for the idle timeout.
    Idle,
    /// The next request head did not arrive within the header read timeout (slowloris).
    SlowHead,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            head_since_ms: AtomicU64::new(0),
            http2: AtomicBool::new(false),
        }
    }

    fn now_ms(&self) -> u64 {
        #[allow(clippy::cast_possible_truncation)] // u64 milliseconds last 584 million years
        let now = self.start.elapsed().as_millis() as u64;
        now
    }

    fn touch(&self) {
        self.last_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    fn at(&self, ms: u64) -> Instant {
        self.start + Duration::from_millis(ms)
    }

    /// A request head arrived (hyper calls the service once it has read one).
    fn request_started(&self, version: http::Version) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.head_since_ms.store(NO_HEAD_WAIT, Ordering::Relaxed);
        if version == http::Version::HTTP_2 {
            self.http2.store(true, Ordering::Relaxed);
        }
        self.touch();
    }

    /// A response was made: on HTTP/1 the connection waits for the next head again.
    fn request_ended(&self) {
        let now = self.now_ms();
        self.last_ms.store(now, Ordering::Relaxed);
        if self.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 && !self.http2.load(Ordering::Relaxed)
        {
            self.head_since_ms.store(now, Ordering::Relaxed);
        }
    }

    /// Resolves when the connection should be closed: no request in flight and nothing
    /// written for `idle`, or (HTTP/1) no complete request head within `head` of waiting for
    /// one, counted from the last byte written (a response still being written to a slow
    /// reader is not a wait for a head).
    async fn watch(&self, idle: Duration, head: Duration) -> Quiet {
        loop {
            let now = Instant::now();
            let last = self.at(self.last_ms.load(Ordering::Relaxed));
            let quiet = self.in_flight.load(Ordering::Acquire) == 0;
            let idle_deadline = last + idle;
            if quiet && now >= idle_deadline {
                return Quiet::Idle;
            }
            let since = self.head_since_ms.load(Ordering::Relaxed);
            let head_deadline = (since != NO_HEAD_WAIT).then(|| self.at(since).max(last) + head);
            if quiet && head_deadline.is_some_and(|d| now >= d) {
                return Quiet::SlowHead;
            }
            // A wait for a head that begins while this sleeps ends `head` after its start,
            // later than `now + head`: waking by then cannot miss it.
            let wake = [Some(idle_deadline), head_deadline, Some(now + head)]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(idle_deadline)
                .max(now + Duration::from_millis(100));
            tokio::time::sleep_until(wake.into()).await;
        }
    }
}

pin_project_lite::pin_project! {
    /// A socket that records when it last moved a byte.
    struct TrackedIo {
        #[pin]
        inner: TcpStream,
        activity: Arc<Activity>,
    }
}

impl AsyncRead for TrackedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // What a client sends does not count as activity: requests do (their start and end),
        // and what the server writes. Otherwise frames any client sends by itself (HTTP/2
        // PING acknowledgements, window updates) would keep an idle connection, and its
        // `max_connections` slot, forever.
        self.project().inner.poll_read(cx, buf)
    }
}

impl AsyncWrite for TrackedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.project();
        let result = this.inner.poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.project();
        let result = this.inner.poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
    }
}

/// The app as one connection sees it: it stamps the remote address and counts requests in
/// flight for the idle timeout.
#[derive(Clone)]
struct ConnService {
    app: AppService,
    remote: SocketAddr,
    activity: Arc<Activity>,
}

impl hyper::service::Service<http::Request<Incoming>> for ConnService {
    type Response = http::Response<crate::response::Body>;
    type Error = std::convert::Infallible;
    type Future = InFlight;

    fn call(&self, request: http::Request<Incoming>) -> InFlight {
        self.activity.request_started(request.version());
        InFlight {
            inner: self.app.dispatch(request.map(request_body), Some(self.remote)),
            activity: self.activity.clone(),
        }
    }
}

/// A request in flight on a connection.
struct InFlight {
    inner: ResponseFuture,
    activity: Arc<Activity>,
}

impl Future for InFlight {
    type Output = <ResponseFuture as Future>::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.inner).poll(cx)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.activity.request_ended();
    }
}
