//! HTTP/1.1 byte for byte on a `TcpStream`: requests written as they are, responses read
//! back as the server sent them. For what a well-behaved client cannot send (malformed or
//! smuggling requests, a head trickled byte by byte), and to see the wire itself (one
//! `Set-Cookie` line per cookie, no body after a `HEAD`).
//!
//! Every read is bounded by [`PATIENCE`]: a server that falls silent fails the test instead
//! of hanging it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::PATIENCE;

/// A response as read off the wire.
#[derive(Debug)]
pub struct RawResponse {
    /// The status code of the status line.
    pub status: u16,
    /// The header fields in order, names as sent, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body: what followed the head (see the function that read it).
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The value of the first header field `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// How many header fields are named `name` (any case).
    pub fn headers_named(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// When the body is not JSON, with the body in the message.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// The status and header fields of a response head (without its final CRLF CRLF).
/// `strict`: the head must be ASCII and every field line must have a colon.
fn parse_head(head: &[u8], strict: bool) -> (u16, Vec<(String, String)>) {
    let head = if strict {
        std::str::from_utf8(head).expect("an ASCII head").to_owned()
    } else {
        String::from_utf8_lossy(head).into_owned()
    };
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status in {status_line:?}"));
    let headers = lines
        .filter_map(|l| {
            let pair = l.split_once(':');
            assert!(pair.is_some() || !strict, "a header line: {l:?}");
            pair
        })
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    (status, headers)
}

/// Sends `request` as it is on a new connection (it should say `Connection: close`) and
/// reads the response to the end of the connection: the body is every byte after the head,
/// whatever `Content-Length` says.
///
/// # Panics
///
/// When the server does not close the connection within [`PATIENCE`], or what it sent is
/// not one response head (ASCII, a status line, `name: value` lines).
pub async fn raw_request(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    stream.write_all(request).await.expect("the request is written");
    let mut bytes = Vec::new();
    timeout(PATIENCE, stream.read_to_end(&mut bytes))
        .await
        .expect("the server closes the connection")
        .expect("the response is read");
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of head in {:?}", String::from_utf8_lossy(&bytes)));
    let (status, headers) = parse_head(&bytes[..split], true);
    RawResponse { status, headers, body: bytes[split + 4..].to_vec() }
}

/// What reading a response off a connection came to.
#[derive(Debug)]
pub enum Read {
    /// A whole response.
    Response(RawResponse),
    /// The connection ended (EOF or a reset) before a whole head.
    Closed,
    /// Nothing more came within [`PATIENCE`], and the connection is still open.
    Silent,
}

/// Reads one response (head, then a `Content-Length` body or none) from `stream`, keeping
/// what follows in `buf` for the next call.
pub async fn read_one(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Read {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 4096];
        match timeout(PATIENCE, stream.read(&mut chunk)).await {
            Err(_) => return Read::Silent,
            Ok(Ok(0) | Err(_)) => return Read::Closed,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let (status, headers) = parse_head(&buf[..head_end], false);
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    buf.drain(..head_end + 4);
    while buf.len() < length {
        let mut chunk = [0u8; 4096];
        match timeout(PATIENCE, stream.read(&mut chunk)).await {
            Ok(Ok(0) | Err(_)) | Err(_) => break,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body: Vec<u8> = buf.drain(..length.min(buf.len())).collect();
    Read::Response(RawResponse { status, headers, body })
}

/// Reads one response that must come.
///
/// # Panics
///
/// When the connection closes or falls silent first.
pub async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> RawResponse {
    match read_one(stream, buf).await {
        Read::Response(r) => r,
        other => panic!("no response: {other:?}"),
    }
}

/// Every response on a connection, and whether the server closed it (rather than falling
/// silent for [`PATIENCE`]).
#[derive(Debug)]
pub struct Exchange {
    /// The responses, in order.
    pub responses: Vec<RawResponse>,
    /// Whether the server closed the connection.
    pub closed: bool,
}

/// Writes `request` on a new connection and reads every response until the server closes
/// the connection or falls silent.
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> Exchange {
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    // The server may answer and close before reading everything: a failed write is fine.
    let _ = stream.write_all(request).await;
    let mut buf = Vec::new();
    let mut responses = Vec::new();
    loop {
        match read_one(&mut stream, &mut buf).await {
            Read::Response(r) => responses.push(r),
            Read::Closed => return Exchange { responses, closed: true },
            Read::Silent => return Exchange { responses, closed: false },
        }
    }
}

/// Reads until the peer closes the connection (EOF or a reset): whether it did within
/// [`PATIENCE`] of the last byte read.
pub async fn closed_by_peer(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match timeout(PATIENCE, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

/// Writes `bytes` one at a time, `gap` apart, until the server closes the connection or
/// answers; `Some(elapsed)` when it did, `None` when every byte was written.
pub async fn trickle(stream: &mut TcpStream, bytes: &[u8], gap: Duration) -> Option<Duration> {
    let started = Instant::now();
    for byte in bytes {
        if stream.write_all(&[*byte]).await.is_err() {
            return Some(started.elapsed());
        }
        let mut probe = [0u8; 4096];
        // Wait `gap`, waking early if the server closes the connection (or answers).
        match timeout(gap, stream.read(&mut probe)).await {
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {
                // An answer (a 408, say): the connection must end right after it.
                return closed_by_peer(stream).await.then(|| started.elapsed());
            }
            Err(_) => {}
        }
    }
    None
}
