//! Arbitrary paths (percent-encoding, `..`, empty segments, very long ones) and methods
//! against an app of 26 routes, with parameters and catch-alls, called as a
//! `tower::Service`.
//!
//! Never panics; answers 200, 404 or 405 only, and exactly as a simple reference matcher
//! written from the documented rules says: a pattern matches when its literal segments equal
//! the path's, each `{param}` takes one non-empty segment and `{*rest}` the rest; among the
//! patterns that match, literal beats parameter beats catch-all, segment by segment from the
//! left; the method is then looked up in that pattern alone (`HEAD` falls back to `GET`),
//! and a path that pattern serves with other methods only is a 405.
#![no_main]

use std::sync::OnceLock;

use bytes::Bytes;
use cookie_route::http::{self, Method, StatusCode, Uri};
use cookie_route::{App, AppService, Json, Request};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/hello"),
    ("GET", "/items"),
    ("POST", "/items"),
    ("GET", "/items/{item_id}"),
    ("PUT", "/items/{item_id}"),
    ("DELETE", "/items/{item_id}"),
    ("GET", "/items/{item_id}/name"),
    ("GET", "/items/{item_id}/public"),
    ("GET", "/items/special"),
    ("GET", "/users/{user_id}/posts/{post_id}"),
    ("POST", "/users/"),
    ("GET", "/cookie/"),
    ("POST", "/cookie/"),
    ("DELETE", "/cookie/"),
    ("GET", "/static/{*rest}"),
    ("GET", "/static/index.html"),
    ("GET", "/files/{dir}/{*path}"),
    ("PATCH", "/a/b/c/d/e/f"),
    ("GET", "/setcookie"),
    ("GET", "/getcookie"),
    ("OPTIONS", "/options"),
    ("GET", "/%C3%A9t%C3%A9"),
    ("GET", "/profiles/{user_id}"),
    ("HEAD", "/head-only"),
    ("GET", "/x/{a}/y/{b}/z"),
];

const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"];

/// Path pieces for the structured mode.
const PIECES: &[&str] = &[
    "items",
    "special",
    "name",
    "public",
    "users",
    "posts",
    "static",
    "files",
    "cookie",
    "hello",
    "..",
    ".",
    "",
    "%2F",
    "%2e%2e",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "x",
    "y",
    "z",
    "index.html",
    "%C3%A9t%C3%A9",
    "profiles",
    "7",
    "%00",
    "%ff",
    "head-only",
    "options",
    "getcookie",
    "{x}",
];

fn service() -> &'static AppService {
    static SERVICE: OnceLock<AppService> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let mut app = App::new();
        for &(method, pattern) in ROUTES {
            let method = Method::from_bytes(method.as_bytes()).expect("a method");
            app = app.route(method, pattern, move |request: Request| async move {
                let names: Vec<String> = pattern
                    .split('/')
                    .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                    .map(|s| s.trim_start_matches('*').to_owned())
                    .collect();
                let params: Vec<Value> =
                    names.iter().map(|n| json!(request.param(n).map(|v| v.into_owned()))).collect();
                Json(json!({ "route": pattern, "params": params }))
            });
        }
        app.build().expect("the app builds")
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Literal,
    Param,
    CatchAll,
}

/// Whether `pattern` matches `path`, with the kinds of the segments that did; `None` for no
/// match. A catch-all given nothing is ambiguous (`Some(None)`): either answer is allowed.
fn reference_match(pattern: &str, path: &str) -> Option<Option<Vec<Kind>>> {
    let rest = path.strip_prefix('/')?;
    if pattern == "/" {
        return rest.is_empty().then_some(Some(Vec::new()));
    }
    let pattern_segments: Vec<&str> = pattern[1..].split('/').collect();
    let path_segments: Vec<&str> = rest.split('/').collect();
    let mut kinds = Vec::new();
    for (i, p) in pattern_segments.iter().enumerate() {
        if p.starts_with("{*") {
            if i >= path_segments.len() {
                return None;
            }
            kinds.push(Kind::CatchAll);
            let tail = path_segments[i..].join("/");
            return Some(if tail.is_empty() { None } else { Some(kinds) });
        }
        let s = path_segments.get(i)?;
        if p.starts_with('{') {
            if s.is_empty() {
                return None;
            }
            kinds.push(Kind::Param);
        } else {
            if p != s {
                return None;
            }
            kinds.push(Kind::Literal);
        }
    }
    (pattern_segments.len() == path_segments.len()).then_some(Some(kinds))
}

fn uri(data: &[u8]) -> Option<Uri> {
    let (&mode, rest) = data.split_first()?;
    let path: Vec<u8> = match mode % 4 {
        // As it is: whatever `http::Uri` accepts, query and absolute form included.
        0 => {
            let mut p = rest.to_vec();
            if p.first() != Some(&b'/') && p.first() != Some(&b'*') && !p.starts_with(b"http") {
                p.insert(0, b'/');
            }
            p
        }
        // Every byte that may not appear in a path percent-encoded.
        1 => {
            let mut p = vec![b'/'];
            for &b in rest {
                if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
                    p.push(b);
                } else {
                    p.extend_from_slice(format!("%{b:02X}").as_bytes());
                }
            }
            p
        }
        // Pieces that mean something to the routes, joined with `/`.
        2 => {
            let mut p = Vec::new();
            for &b in rest {
                p.push(b'/');
                p.extend_from_slice(PIECES[usize::from(b) % PIECES.len()].as_bytes());
            }
            if p.is_empty() {
                p.push(b'/');
            }
            p
        }
        // Very long: the rest repeated up to 64 KiB.
        _ => {
            let unit: Vec<u8> =
                rest.iter().copied().filter(|b| b.is_ascii_alphanumeric() || *b == b'/').collect();
            let mut p = vec![b'/'];
            while !unit.is_empty() && p.len() < 64 * 1024 {
                p.extend_from_slice(&unit);
            }
            p
        }
    };
    Uri::try_from(path).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&m, data)) = data.split_first() else { return };
    let method = Method::from_bytes(METHODS[usize::from(m) % METHODS.len()].as_bytes()).unwrap();
    let Some(uri) = uri(data) else { return };
    let path = uri.path().to_owned();
    let request = http::Request::builder()
        .method(method.clone())
        .uri(uri)
        .body(Bytes::new())
        .expect("a request");
    let answer = cookie_route_fuzz::call(service(), request);
    let status = answer.status;
    assert!(
        [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&status),
        "{method} {path:?}: {status}"
    );

    // The reference: the most specific matching pattern, then its methods.
    let mut ambiguous = false;
    let mut best: Option<(Vec<Kind>, &str)> = None;
    for &(_, pattern) in ROUTES {
        match reference_match(pattern, &path) {
            None => {}
            Some(None) => ambiguous = true,
            Some(Some(kinds)) if best.as_ref().is_none_or(|(k, _)| kinds < *k) => {
                best = Some((kinds, pattern));
            }
            Some(Some(_)) => {}
        }
    }
    if ambiguous {
        return;
    }
    let expected = match best {
        None => StatusCode::NOT_FOUND,
        Some((_, pattern)) => {
            let serves = |m: &Method| ROUTES.iter().any(|&(rm, rp)| rp == pattern && rm == m);
            if serves(&method) || (method == Method::HEAD && serves(&Method::GET)) {
                StatusCode::OK
            } else {
                StatusCode::METHOD_NOT_ALLOWED
            }
        }
    };
    assert_eq!(status, expected, "{method} {path:?} (reference: {best:?})");
    if status == StatusCode::OK && method != Method::HEAD {
        let body: Value = serde_json::from_slice(&answer.body).expect("the handler answers JSON");
        let (_, pattern) = best.expect("a route");
        assert_eq!(body["route"], pattern, "{method} {path:?}");
    }
});
