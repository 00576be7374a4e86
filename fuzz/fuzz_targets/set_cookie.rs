//! Arbitrary name, value and attributes through `Response::set_cookie`.
//!
//! Either the cookie is refused (`Err`), or the one `Set-Cookie` header it adds holds no CR,
//! LF or NUL, and `cookie::Cookie::parse` reads back the same name, value (unquoted) and
//! attributes, the secure defaults included (`Path=/`, `HttpOnly`, `SameSite=Lax`).
#![no_main]

use arbitrary::Arbitrary;
use cookie_route::Response;
use cookie_route::cookie::{Cookie, Expiration, SameSite};
use cookie_route::http::header::SET_COOKIE;
use cookie_route::time::{Duration, OffsetDateTime};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Expires {
    Session,
    /// Seconds since the epoch.
    At(i64),
}

#[derive(Debug, Arbitrary)]
struct Input {
    name: String,
    value: String,
    path: Option<String>,
    domain: Option<String>,
    secure: Option<bool>,
    http_only: Option<bool>,
    /// 0: Strict, 1: Lax, else None.
    same_site: Option<u8>,
    partitioned: Option<bool>,
    /// Seconds and nanoseconds.
    max_age: Option<(i64, i32)>,
    expires: Option<Expires>,
}

fn same_site(n: u8) -> SameSite {
    match n % 3 {
        0 => SameSite::Strict,
        1 => SameSite::Lax,
        _ => SameSite::None,
    }
}

fn unquote(raw: &str) -> String {
    cookie_route_core::cookie::unquote_value(raw).unwrap_or_else(|| raw.to_owned())
}

fuzz_target!(|input: Input| {
    let mut cookie = Cookie::new(input.name.clone(), input.value.clone());
    if let Some(path) = &input.path {
        cookie.set_path(path.clone());
    }
    if let Some(domain) = &input.domain {
        cookie.set_domain(domain.clone());
    }
    if let Some(secure) = input.secure {
        cookie.set_secure(secure);
    }
    if let Some(http_only) = input.http_only {
        cookie.set_http_only(http_only);
    }
    if let Some(n) = input.same_site {
        cookie.set_same_site(same_site(n));
    }
    if let Some(partitioned) = input.partitioned {
        cookie.set_partitioned(partitioned);
    }
    let max_age = match input.max_age {
        None => None,
        Some((s, n)) => match Duration::seconds(s).checked_add(Duration::nanoseconds(n.into())) {
            Some(age) => Some(age),
            None => return,
        },
    };
    if let Some(age) = max_age {
        cookie.set_max_age(age);
    }
    let mut expires_at = None;
    match input.expires {
        None => {}
        Some(Expires::Session) => cookie.set_expires(Expiration::Session),
        Some(Expires::At(seconds)) => match OffsetDateTime::from_unix_timestamp(seconds) {
            Ok(at) => {
                expires_at = Some(at);
                cookie.set_expires(at);
            }
            Err(_) => return,
        },
    }
    // What `Cookie::domain` reports (it drops one leading dot), to compare like with like.
    let domain = cookie.domain().map(str::to_owned);

    let mut response = Response::new();
    if response.set_cookie(cookie).is_err() {
        assert!(response.headers().get(SET_COOKIE).is_none(), "a refused cookie left a header");
        return;
    }
    let headers: Vec<_> = response.headers().get_all(SET_COOKIE).iter().collect();
    assert_eq!(headers.len(), 1, "one cookie, one Set-Cookie header");
    let bytes = headers[0].as_bytes();
    assert!(!bytes.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)), "CR, LF or NUL: {bytes:?}");
    let text = std::str::from_utf8(bytes).expect("a Set-Cookie header is UTF-8");
    let parsed = Cookie::parse(text).unwrap_or_else(|e| panic!("{text:?} does not parse: {e}"));

    assert_eq!(parsed.name(), input.name, "name in {text:?}");
    assert_eq!(unquote(parsed.value()), input.value, "value in {text:?}");
    // `Path` and `Domain` values that clients would read as something else (outer
    // whitespace, a relative path, an empty or dotted domain) are refused, so what was
    // accepted reads back exactly (a `Domain` without the one leading dot RFC 2109 allowed).
    let path = input.path.as_deref().unwrap_or("/");
    assert_eq!(parsed.path(), Some(path), "path in {text:?}");
    let asked = domain.as_deref().map(|d| d.strip_prefix('.').unwrap_or(d).to_owned());
    assert_eq!(parsed.domain().map(str::to_owned), asked, "domain in {text:?}");
    assert_eq!(parsed.secure() == Some(true), input.secure == Some(true), "Secure in {text:?}");
    assert_eq!(
        parsed.http_only() == Some(true),
        input.http_only.unwrap_or(true),
        "HttpOnly in {text:?}"
    );
    let same = input.same_site.map_or(SameSite::Lax, same_site);
    assert_eq!(parsed.same_site(), Some(same), "SameSite in {text:?}");
    assert_eq!(
        parsed.partitioned() == Some(true),
        input.partitioned == Some(true),
        "Partitioned in {text:?}"
    );
    assert_eq!(
        parsed.max_age().map(|d| d.whole_seconds()),
        max_age.map(|d| d.whole_seconds()),
        "Max-Age in {text:?}"
    );
    match (expires_at, max_age) {
        // An `Expires` before 1601 would be written with a short year that parsers read as a
        // future date: it is sent as the epoch instead, still in the past.
        (Some(at), _) if at.year() < 1601 => assert_eq!(
            parsed.expires_datetime().map(|t| t.unix_timestamp()),
            Some(0),
            "Expires in {text:?}"
        ),
        (Some(at), _) => assert_eq!(
            parsed.expires_datetime().map(|t| t.unix_timestamp()),
            Some(at.unix_timestamp()),
            "Expires in {text:?}"
        ),
        // A Max-Age gets a matching Expires unless the cookie said it has none.
        (None, Some(_)) if !matches!(input.expires, Some(Expires::Session)) => {
            assert!(parsed.expires_datetime().is_some(), "no Expires beside Max-Age in {text:?}")
        }
        (None, _) => assert!(parsed.expires_datetime().is_none(), "Expires in {text:?}"),
    }
});
