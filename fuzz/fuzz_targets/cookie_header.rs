//! Arbitrary bytes as one or several `Cookie` header values (split at `\n`), read by a
//! handler through the public API (`Request::cookie`, `cookies`, `signed_cookie`,
//! `private_cookie`) of an app called as a `tower::Service`.
//!
//! Never panics; every pair that is well-formed (a token name, and a value of RFC 6265
//! cookie-octets or a quoted string) and is the first pair of its name reads back as its
//! value, unquoted; every cookie read back names a pair that was sent.
#![no_main]

use std::sync::OnceLock;

use bytes::Bytes;
use cookie_route::http::{self, HeaderValue, StatusCode, header::COOKIE};
use cookie_route::{App, AppService, Json, Keys, Request};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// The names the handler is asked to look up, put in the request's extensions.
#[derive(Clone)]
struct Names(Vec<String>);

async fn read(request: Request) -> Json<Value> {
    let names = request.extensions().get::<Names>().cloned().map(|n| n.0).unwrap_or_default();
    let all: Vec<Value> = request.cookies().map(|(n, v)| json!([n, v])).collect();
    let get: Vec<Value> = names.iter().map(|n| json!(request.cookie(n))).collect();
    for name in &names {
        // Anything at all may come in: these only must not panic.
        let _ = request.signed_cookie(name);
        let _ = request.private_cookie(name);
    }
    Json(json!({ "all": all, "get": get }))
}

fn service() -> &'static AppService {
    static SERVICE: OnceLock<AppService> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let keys = Keys::from_secret("fuzzing secret: thirty-two bytes or more of it")
            .expect("a valid secret");
        App::new().get("/", read).keys(keys).build().expect("the app builds")
    })
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// The value a well-formed raw value stands for, or `None` when it is not well-formed.
fn well_formed_value(raw: &[u8]) -> Option<String> {
    if raw.iter().all(|&b| is_cookie_octet(b)) {
        return String::from_utf8(raw.to_vec()).ok();
    }
    let inner = raw.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    if !inner.iter().all(|&b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    // Python's http.cookies: a backslash escapes the next character.
    let mut out = String::new();
    let mut bytes = inner.iter();
    while let Some(&b) = bytes.next() {
        if b == b'\\' {
            if let Some(&next) = bytes.next() {
                out.push(char::from(next));
            }
        } else {
            out.push(char::from(b));
        }
    }
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let values: Vec<HeaderValue> = data
        .split(|&b| b == b'\n')
        .take(16)
        .filter_map(|v| HeaderValue::from_bytes(v).ok())
        .collect();
    // Every `name=value` piece, as (name, value) with optional whitespace trimmed.
    let pieces: Vec<(&[u8], &[u8])> = values
        .iter()
        .flat_map(|v| v.as_bytes().split(|&b| b == b';'))
        .filter_map(|piece| {
            let eq = piece.iter().position(|&b| b == b'=')?;
            Some((trim_ows(&piece[..eq]), trim_ows(&piece[eq + 1..])))
        })
        .collect();
    let mut expected: Vec<(String, String)> = Vec::new();
    for (i, &(name, value)) in pieces.iter().enumerate() {
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            continue;
        }
        if pieces[..i].iter().any(|&(earlier, _)| earlier == name) {
            continue; // not the first of its name: the first one wins
        }
        if let Some(value) = well_formed_value(value) {
            let name = String::from_utf8(name.to_vec()).expect("token bytes are ASCII");
            expected.push((name, value));
        }
    }
    let names: Vec<String> = expected.iter().map(|(n, _)| n.clone()).collect();

    let mut request = http::Request::get("/").body(Bytes::new()).expect("a request");
    for value in values.iter().cloned() {
        request.headers_mut().append(COOKIE, value);
    }
    request.extensions_mut().insert(Names(names));
    let answer = cookie_route_fuzz::call(service(), request);
    assert_eq!(answer.status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&answer.body).expect("the handler answers JSON");

    let got = body["get"].as_array().expect("a list");
    assert_eq!(got.len(), expected.len());
    for ((name, value), got) in expected.iter().zip(got) {
        assert_eq!(got.as_str(), Some(value.as_str()), "cookie({name:?})");
    }
    let all = body["all"].as_array().expect("a list");
    let mut seen = Vec::new();
    for pair in all {
        let name = pair[0].as_str().expect("a name");
        let value = pair[1].as_str().expect("a value");
        assert!(!seen.contains(&name), "cookies() yields {name:?} twice");
        seen.push(name);
        assert!(
            pieces.iter().any(|&(n, _)| n == name.as_bytes()),
            "cookies() yields {name:?}, which was not sent"
        );
        if let Some((_, v)) = expected.iter().find(|(n, _)| n == name) {
            assert_eq!(value, v, "cookies() disagrees with the pair {name:?} sent");
        }
    }
    for (name, _) in &expected {
        assert!(seen.contains(&name.as_str()), "cookies() leaves out {name:?}");
    }
});
