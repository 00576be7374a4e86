//! Raw hyper 1.x, the layer-state scenario, by hand: the state is an `Arc` that each
//! connection's `service_fn` holds and hands to each request (as axum's `State` and
//! cookie-route's do), and the header the other peers' layer sets is inserted into every
//! response, 404s included. `bench-hyper-layer-state PORT` (or env `PORT`).

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue, X_CONTENT_TYPE_OPTIONS};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

/// The app's configuration.
struct Greeting {
    text: &'static str,
}

type Res = Response<Full<Bytes>>;

fn text(status: StatusCode, body: &'static str) -> Res {
    let mut res = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *res.status_mut() = status;
    res.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    res
}

async fn handle(greeting: Arc<Greeting>, req: Request<Incoming>) -> Result<Res, Infallible> {
    let mut res = match (req.method(), req.uri().path()) {
        (&Method::GET, "/state") => text(StatusCode::OK, greeting.text),
        _ => text(StatusCode::NOT_FOUND, "Not Found"),
    };
    res.headers_mut().insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let greeting = Arc::new(Greeting { text: "Hello, State!" });
    let listener = TcpListener::bind(format!("127.0.0.1:{}", port())).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        let greeting = Arc::clone(&greeting);
        tokio::spawn(async move {
            let io = TokioIo::new(stream);
            let service = service_fn(move |req| handle(Arc::clone(&greeting), req));
            if let Err(e) =
                auto::Builder::new(TokioExecutor::new()).serve_connection(io, service).await
            {
                eprintln!("connection error: {e}");
            }
        });
    }
}
