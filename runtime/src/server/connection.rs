//! Serving one connection: hyper's connection (its [`builder`], set up from the limits), shut
//! down gracefully when asked; the socket under it ([`TrackedIo`]: it tells the watchdog when
//! it wrote, and joins small vectored writes); and the app as the connection sees it
//! ([`ConnService`]).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{Ordering, fence};
use std::task::{Context, Poll};

use hyper::body::Incoming;
#[cfg(not(feature = "http2"))]
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
#[cfg(feature = "http2")]
use hyper_util::rt::{TokioExecutor, TokioTimer};
#[cfg(feature = "http2")]
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulConnection;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::watchdog::Activity;
use crate::app::{AppService, ResponseFuture};
use crate::limits::Limits;

/// hyper's builder of connections: HTTP/1 and HTTP/2 (the `http2` feature) or HTTP/1 only.
#[cfg(feature = "http2")]
pub(super) type Builder = auto::Builder<TokioExecutor>;
/// hyper's builder of connections: HTTP/1 and HTTP/2 (the `http2` feature) or HTTP/1 only.
#[cfg(not(feature = "http2"))]
pub(super) type Builder = http1::Builder;

/// hyper's builder of connections, HTTP/1 and HTTP/2 set up from the app's limits.
#[cfg(feature = "http2")]
pub(super) fn builder(limits: &Limits) -> Builder {
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
    builder
}

/// hyper's builder of HTTP/1 connections, set up from the app's limits.
#[cfg(not(feature = "http2"))]
pub(super) fn builder(limits: &Limits) -> Builder {
    let mut builder = http1::Builder::new();
    // The header read timeout is the connection watchdog's (see above). `max_header_size`
    // holds a head to the limit however it arrives; `max_buf_size` alone stops only a head
    // still incomplete when the buffer is full, and one read can fill it past the limit.
    builder
        .max_buf_size(limits.max_header_bytes)
        .max_header_size(limits.max_header_bytes)
        .max_headers(limits.max_headers)
        .keep_alive(true);
    builder
}

/// The connection `builder` makes of `io` for `service`, HTTP/1 or (with the `http2`
/// feature) HTTP/2, as the client's first bytes say.
pub(super) fn connection(
    builder: &Builder,
    io: TokioIo<TrackedIo>,
    service: ConnService,
) -> impl GracefulConnection<Error: std::fmt::Display> + Send + 'static {
    #[cfg(feature = "http2")]
    return builder.serve_connection(io, service).into_owned();
    #[cfg(not(feature = "http2"))]
    return builder.serve_connection(io, service);
}

/// Serves one connection to its end, shutting it down gracefully once the server asks
/// ([`Activity::close_gracefully`]): the request in flight is answered, then it is closed.
pub(super) async fn serve_connection<C>(
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

pin_project_lite::pin_project! {
    /// A socket that records when it last moved a byte, and writes a small response in one
    /// piece.
    pub(super) struct TrackedIo {
        #[pin]
        pub(super) inner: TcpStream,
        pub(super) activity: Arc<Activity>,
        // Where the pieces of a small vectored write are joined (kept between writes).
        pub(super) joined: Vec<u8>,
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
pub(super) struct ConnService {
    pub(super) app: AppService,
    pub(super) remote: SocketAddr,
    pub(super) activity: Arc<Activity>,
}

impl hyper::service::Service<http::Request<Incoming>> for ConnService {
    type Response = http::Response<crate::body::Body>;
    type Error = std::convert::Infallible;
    type Future = InFlight;

    fn call(&self, request: http::Request<Incoming>) -> InFlight {
        self.activity.request_started(request.version());
        InFlight { inner: self.app.serve(request, self.remote), activity: self.activity.clone() }
    }
}

/// A request in flight on a connection.
pub(super) struct InFlight {
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
    use tokio::net::TcpListener;

    use super::*;

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
}
