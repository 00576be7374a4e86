//! HTTP/2 over plain TCP with prior knowledge (h2c): the client side of hyper.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Empty;
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// An HTTP/2 (prior knowledge) connection to `addr`: its request sender, and the task that
/// drives it (it ends when the server closes the connection).
///
/// # Panics
///
/// When the connection or the HTTP/2 handshake fails.
pub async fn connect(
    addr: SocketAddr,
) -> (SendRequest<Empty<Bytes>>, JoinHandle<Result<(), hyper::Error>>) {
    let stream = TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {addr} for HTTP/2: {e}"));
    let (sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("an HTTP/2 handshake");
    (sender, tokio::spawn(connection))
}
