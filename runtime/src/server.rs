//! Serving an app over TCP: HTTP/1.1 and HTTP/2, limits on every connection, and a graceful
//! shutdown that lets in-flight requests finish.

use std::future::{Future, IntoFuture};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulConnection;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::Semaphore;
use tokio::time::Instant;

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
        // Each connection's watchdog holds a receiver while its connection lives: the shutdown
        // signals them all, then waits until none is left.
        let (closing, _) = tokio::sync::watch::channel(());
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
            let activity = Arc::new(Activity::default());
            let io = TokioIo::new(TrackedIo {
                inner: stream,
                activity: activity.clone(),
                joined: Vec::new(),
            });
            let conn_service =
                ConnService { app: service.clone(), remote, activity: activity.clone() };
            let conn = builder.serve_connection(io, conn_service).into_owned();
            let connection = tokio::spawn(serve_connection(conn, activity.clone(), remote, permit));
            // The watchdog is a task of its own rather than a branch of the connection's: the
            // connection's task then polls nothing but the connection on each wake-up.
            let (idle_timeout, head_timeout) = (limits.idle_timeout, limits.header_read_timeout);
            let mut closing = closing.subscribe();
            tokio::spawn(async move {
                let close = connection.abort_handle();
                let mut connection = std::pin::pin!(connection);
                let mut watch = std::pin::pin!(activity.watch(idle_timeout, head_timeout));
                let mut asked = false;
                loop {
                    tokio::select! {
                        _ = &mut connection => break,
                        end = &mut watch => {
                            close.abort();
                            match end {
                                Quiet::Idle => tracing::debug!(%remote, "closing an idle connection"),
                                Quiet::SlowHead => tracing::debug!(
                                    %remote,
                                    "closing a connection: read header from client timeout"
                                ),
                            }
                            break;
                        }
                        // A dropped sender (the server is gone) closes as well.
                        _ = closing.changed(), if !asked => {
                            asked = true;
                            activity.close_gracefully();
                        }
                    }
                }
            });
        }
        drop(listener);
        closing.send_replace(());
        tokio::select! {
            () = closing.closed() => {}
            () = tokio::time::sleep(limits.shutdown_timeout) => {
                tracing::warn!("shutdown timeout: closing connections with requests still in flight");
            }
        }
        Ok(())
    }
}

/// Serves one connection to its end, shutting it down gracefully once the server asks
/// ([`Activity::close_gracefully`]): the request in flight is answered, then it is closed.
async fn serve_connection<C>(
    conn: C,
    activity: Arc<Activity>,
    remote: SocketAddr,
    permit: tokio::sync::OwnedSemaphorePermit,
) where
    C: GracefulConnection,
    C::Error: std::fmt::Display,
{
    let _permit = permit;
    let mut conn = std::pin::pin!(conn);
    let mut closing = false;
    let result = std::future::poll_fn(|cx| {
        if !closing {
            if activity.conn_waker.get().is_none() {
                // This future is polled by its own task only, whose waker stays the same.
                let _ = activity.conn_waker.set(cx.waker().clone());
                fence(Ordering::SeqCst);
            }
            if activity.closing.load(Ordering::SeqCst) {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
        conn.as_mut().poll(cx)
    })
    .await;
    if let Err(error) = result {
        tracing::debug!(%remote, error = %error, "connection ended with an error");
    }
}

impl IntoFuture for Server {
    type Output = Result<(), Error>;
    type IntoFuture = BoxFuture<Result<(), Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// What a connection's watchdog watches: counters the connection bumps as it goes, so that
/// serving a request reads no clock. The watchdog reads the clock on its own ticks.
#[derive(Default)]
struct Activity {
    /// Requests whose head arrived.
    started: AtomicU64,
    /// Requests whose response was made (or that were dropped).
    ended: AtomicU64,
    /// Whether the server wrote a byte since the watchdog last looked.
    wrote: AtomicBool,
    /// Whether the connection speaks HTTP/2 (set on its first request), whose idle
    /// connections the idle timeout closes: the header read timeout is HTTP/1's.
    http2: AtomicBool,
    /// Whether the server is shutting down: the connection finishes what is in flight and
    /// closes.
    closing: AtomicBool,
    /// The waker of the connection's task, to tell it about `closing` (checked on each poll:
    /// one load, where a shutdown channel's receiver would be polled).
    conn_waker: OnceLock<Waker>,
}

/// Why a connection's watchdog closes it.
#[derive(Debug, PartialEq, Eq)]
enum Quiet {
    /// No request in flight and no byte written for the idle timeout.
    Idle,
    /// The next request head did not arrive within the header read timeout (slowloris).
    SlowHead,
}

/// How many times per timeout the watchdog looks: a connection is closed between one and
/// `1 + 1/WATCHES_PER_TIMEOUT` timeouts after its last activity.
const WATCHES_PER_TIMEOUT: u32 = 4;

impl Activity {
    /// A request head arrived (hyper calls the service once it has read one).
    fn request_started(&self, version: http::Version) {
        if version == http::Version::HTTP_2 {
            self.http2.store(true, Ordering::Relaxed);
        }
        self.started.fetch_add(1, Ordering::Release);
    }

    /// A response was made: on HTTP/1 the connection waits for the next head again.
    fn request_ended(&self) {
        self.ended.fetch_add(1, Ordering::Release);
    }

    fn wrote(&self) {
        self.wrote.store(true, Ordering::Relaxed);
    }

    /// Asks the connection to shut down gracefully.
    fn close_gracefully(&self) {
        self.closing.store(true, Ordering::SeqCst);
        // Paired with the fence after the waker is kept: either the connection's next poll
        // sees `closing`, or its waker is here to wake it.
        fence(Ordering::SeqCst);
        if let Some(waker) = self.conn_waker.get() {
            waker.wake_by_ref();
        }
    }

    /// Resolves when the connection should be closed: no request in flight and nothing
    /// written for `idle`, or (HTTP/1) no complete request head within `head` of waiting for
    /// one. The wait for a head starts with the connection and again after each response,
    /// from the last byte written (a response still being written to a slow reader is not a
    /// wait for a head); what the client sends does not count.
    ///
    /// Each look compares the counters with the previous look's: any change is activity,
    /// dated at the look that saw it, so a connection is never closed early and at most one
    /// look interval late.
    async fn watch(&self, idle: Duration, head: Duration) -> Quiet {
        let every = (idle.min(head) / WATCHES_PER_TIMEOUT).max(Duration::from_millis(10));
        let mut since = Instant::now();
        let mut looks = tokio::time::interval_at(since + every, every);
        looks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut seen = (0, 0);
        loop {
            let now = looks.tick().await;
            // `ended` first: a request that starts between the two loads then reads as in
            // flight, never the reverse.
            let ended = self.ended.load(Ordering::Acquire);
            let started = self.started.load(Ordering::Acquire);
            let wrote = self.wrote.swap(false, Ordering::Relaxed);
            if wrote || (started, ended) != seen {
                seen = (started, ended);
                since = now;
                continue;
            }
            if started != ended {
                continue;
            }
            let quiet = now.saturating_duration_since(since);
            if quiet >= idle {
                return Quiet::Idle;
            }
            if quiet >= head && !self.http2.load(Ordering::Relaxed) {
                return Quiet::SlowHead;
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// A socket that records when it last moved a byte, and writes a small response in one
    /// piece.
    struct TrackedIo {
        #[pin]
        inner: TcpStream,
        activity: Arc<Activity>,
        // Where the pieces of a small vectored write are joined (kept between writes).
        joined: Vec<u8>,
    }
}

/// Vectored writes up to this many bytes in all are joined and written with one `write`.
///
/// hyper writes a response's head and body as two pieces. Measured on loopback, `writev` of
/// the two cost the kernel 3-5 % more CPU per request than one `write` of both joined; hyper's
/// own remedy (`writev(false)`) copies every body into its buffer, a large one too. Joining
/// only small writes keeps large bodies uncopied, and what a connection keeps for joining
/// small.
const JOIN_MAX: usize = 4 * 1024;

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
            this.activity.wrote();
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.project();
        let result = if bufs.len() > 1 && bufs.iter().map(|b| b.len()).sum::<usize>() <= JOIN_MAX {
            // `writev` writes the pieces in order, as one stream of bytes: so does this, and
            // a short count means the same bytes.
            this.joined.clear();
            for buf in bufs {
                this.joined.extend_from_slice(buf);
            }
            this.inner.poll_write(cx, this.joined)
        } else {
            this.inner.poll_write_vectored(cx, bufs)
        };
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.wrote();
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

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: Duration = Duration::from_secs(8);
    const HEAD: Duration = Duration::from_secs(2);

    /// Runs the watchdog of `activity` while `meanwhile` acts on it; answers why and when
    /// (after the start) it closed, or `None` if it had not by the end of `meanwhile`.
    async fn watched(
        activity: &Activity,
        meanwhile: impl Future<Output = ()>,
    ) -> Option<(Quiet, Duration)> {
        let start = Instant::now();
        tokio::select! {
            biased;
            quiet = activity.watch(IDLE, HEAD) => Some((quiet, start.elapsed())),
            () = meanwhile => None,
        }
    }

    async fn sleep(seconds: f64) {
        tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    }

    /// Writes `pieces` as one vectored write on a loopback connection and reads what the
    /// other end gets.
    async fn written(pieces: &[Vec<u8>]) -> (usize, Vec<u8>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let activity = Arc::new(Activity::default());
        let mut io = TrackedIo { inner: server, activity: activity.clone(), joined: Vec::new() };
        let slices: Vec<io::IoSlice<'_>> = pieces.iter().map(|p| io::IoSlice::new(p)).collect();
        let n = io.write_vectored(&slices).await.unwrap();
        assert!(activity.wrote.load(Ordering::Relaxed) || n == 0);
        drop(io);
        let mut received = Vec::new();
        let mut client = client;
        client.read_to_end(&mut received).await.unwrap();
        (n, received)
    }

    #[tokio::test]
    async fn vectored_writes_arrive_whole_and_in_order_joined_or_not() {
        let piece = |len: usize, seed: u8| -> Vec<u8> {
            (0..len).map(|i| seed.wrapping_add((i % 251) as u8)).collect()
        };
        let cases: [&[usize]; 7] = [
            &[130, 13],
            &[0, 5, 0],
            &[JOIN_MAX - 1, 1],
            &[JOIN_MAX, 1],
            &[200, 3000, 900, 7],
            &[1],
            &[40_000, 30_000],
        ];
        for lens in cases {
            let pieces: Vec<Vec<u8>> =
                lens.iter().enumerate().map(|(i, &len)| piece(len, i as u8 * 37)).collect();
            let all = pieces.concat();
            let (n, received) = written(&pieces).await;
            // A short count is allowed, as for `writev`: then exactly that prefix arrived.
            assert!(n > 0 || all.is_empty(), "{lens:?}");
            assert_eq!(received, all[..n], "{lens:?}");
            if all.len() <= JOIN_MAX {
                assert_eq!(n, all.len(), "a small write is written whole: {lens:?}");
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_http1_connection_is_closed_within_a_quarter_past_the_head_timeout() {
        let activity = Activity::default();
        let (quiet, after) = watched(&activity, sleep(60.0)).await.unwrap();
        assert_eq!(quiet, Quiet::SlowHead);
        assert!(after >= HEAD && after <= HEAD + HEAD / 4, "closed after {after:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_head_wait_starts_again_after_each_response() {
        let activity = Activity::default();
        let requests = async {
            for _ in 0..5 {
                sleep(1.0).await;
                activity.request_started(http::Version::HTTP_11);
                activity.wrote();
                activity.request_ended();
            }
            sleep(60.0).await;
        };
        let (quiet, after) = watched(&activity, requests).await.unwrap();
        assert_eq!(quiet, Quiet::SlowHead);
        let since_last = after - Duration::from_secs(5);
        assert!(since_last >= HEAD && since_last <= HEAD + HEAD / 4, "closed after {after:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_in_flight_is_never_timed_out_by_the_watchdog() {
        let activity = Activity::default();
        activity.request_started(http::Version::HTTP_11);
        assert!(watched(&activity, sleep(10.0 * IDLE.as_secs_f64())).await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn writing_a_response_keeps_the_connection() {
        let activity = Activity::default();
        let writing = async {
            sleep(0.1).await;
            activity.request_started(http::Version::HTTP_11);
            activity.request_ended();
            // A long response to a slow reader: the head wait starts after its last byte.
            for _ in 0..20 {
                activity.wrote();
                sleep(1.0).await;
            }
            sleep(60.0).await;
        };
        let (quiet, after) = watched(&activity, writing).await.unwrap();
        assert_eq!(quiet, Quiet::SlowHead);
        let since_last = after - Duration::from_secs_f64(19.1);
        assert!(since_last >= HEAD && since_last <= HEAD + HEAD / 4, "closed after {after:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn an_http2_connection_is_closed_by_the_idle_timeout_only() {
        let activity = Activity::default();
        let request = async {
            sleep(1.0).await;
            activity.request_started(http::Version::HTTP_2);
            activity.request_ended();
            sleep(60.0).await;
        };
        let (quiet, after) = watched(&activity, request).await.unwrap();
        assert_eq!(quiet, Quiet::Idle);
        let since_last = after - Duration::from_secs(1);
        assert!(since_last >= IDLE && since_last <= IDLE + HEAD / 4, "closed after {after:?}");
    }
}
