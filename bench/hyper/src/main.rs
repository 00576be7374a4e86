//! Raw hyper 1.x: one `service_fn`, routing by `match`, cookies read and written by hand.
//! `bench-hyper PORT` (or env `PORT`).

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, COOKIE, HeaderValue, SET_COOKIE};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde::Serialize;
use serde_json::json;
use tokio::net::TcpListener;

struct UserIn {
    id: u32,
    username: String,
    email: String,
    full_name: String,
    #[allow(dead_code)] // read by nobody: it must never leave
    password: String,
    #[allow(dead_code)]
    disabled: bool,
}

#[derive(Serialize)]
struct UserOut {
    id: u32,
    username: String,
    email: String,
    full_name: String,
}

impl From<UserIn> for UserOut {
    fn from(u: UserIn) -> Self {
        Self { id: u.id, username: u.username, email: u.email, full_name: u.full_name }
    }
}

fn load_user(id: u32) -> UserIn {
    UserIn {
        id,
        username: format!("user{id}"),
        email: format!("user{id}@example.com"),
        full_name: format!("User {id}"),
        password: "secret".to_owned(),
        disabled: false,
    }
}

type Res = Response<Full<Bytes>>;

fn text(status: StatusCode, body: &'static str) -> Res {
    let mut res = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *res.status_mut() = status;
    res.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    res
}

fn json(body: Vec<u8>) -> Res {
    let mut res = Response::new(Full::new(Bytes::from(body)));
    res.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

/// The first cookie called `name` in the `Cookie` headers.
fn cookie<'a>(req: &'a Request<Incoming>, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

async fn handle(req: Request<Incoming>) -> Result<Res, Infallible> {
    let res = match (req.method(), req.uri().path()) {
        (&Method::GET, "/plaintext") => text(StatusCode::OK, "Hello, World!"),
        (&Method::GET, "/getcookie") => {
            json(serde_json::to_vec(&json!({ "username": cookie(&req, "username") })).unwrap())
        }
        (&Method::POST, "/cookie-and-object/") => {
            let body = json!({ "message": "Come to the dark side, we have cookies" });
            let mut res = json(serde_json::to_vec(&body).unwrap());
            res.headers_mut().insert(
                SET_COOKIE,
                HeaderValue::from_static(
                    "fakesession=fake-cookie-session-value; Path=/; HttpOnly; SameSite=Lax",
                ),
            );
            res
        }
        (&Method::GET, path) => match path.strip_prefix("/users/").map(str::parse::<u32>) {
            Some(Ok(id)) => {
                let user = UserOut::from(load_user(id));
                let mut res = json(serde_json::to_vec(&user).unwrap());
                let cookie = format!(
                    "last_user={id}; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Strict"
                );
                res.headers_mut().insert(SET_COOKIE, HeaderValue::try_from(cookie).unwrap());
                res
            }
            _ => text(StatusCode::NOT_FOUND, "Not Found"),
        },
        _ => text(StatusCode::NOT_FOUND, "Not Found"),
    };
    Ok(res)
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(format!("127.0.0.1:{}", port())).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let io = TokioIo::new(stream);
            if let Err(e) = auto::Builder::new(TokioExecutor::new())
                .serve_connection(io, service_fn(handle))
                .await
            {
                eprintln!("connection error: {e}");
            }
        });
    }
}
