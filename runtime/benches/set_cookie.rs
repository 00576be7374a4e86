//! Writing `Set-Cookie` headers: `Response::set_cookie` and `Response::into_http` against the
//! `cookie` crate's `Display` and a hand-written `format!`.
//!
//! `cargo bench -p cookie-route --bench set_cookie`
//!
//! Two cookies: `last_user=42` with `Max-Age=3600`, `Path=/`, `Secure`, `HttpOnly` and
//! `SameSite=Strict`, and a plain session cookie, to which ours adds its defaults (`Path=/`,
//! `HttpOnly`, `SameSite=Lax`). Ours also checks every rule of the cookie grammar and writes
//! an `Expires` matching `Max-Age`, which `Display` of the cookie as given does not. The
//! `format!` rows write exactly our bytes, `Expires` included, with no checks: the floor.

use std::hint::black_box;

use cookie_route::http::header::SET_COOKIE;
use cookie_route::http::{self, HeaderValue};
use cookie_route::time::{Duration, OffsetDateTime};
use cookie_route::{Body, Cookie, Response, SameSite};
use criterion::{Criterion, criterion_group, criterion_main};

const SESSION: &str = "Y2xpZW50LXNlc3Npb24tdG9rZW4tMDEyMzQ1Njc4OQ";

fn last_user() -> Cookie<'static> {
    Cookie::build(("last_user", "42"))
        .max_age(Duration::seconds(3600))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .build()
}

fn session() -> Cookie<'static> {
    Cookie::new("session", SESSION)
}

/// An HTTP date (`Tue, 24 Nov 2026 11:02:00 GMT`), by hand.
fn http_date(at: OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[usize::from(at.weekday().number_days_from_monday())],
        at.day(),
        MONTHS[usize::from(u8::from(at.month())) - 1],
        at.year(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn last_user_by_hand() -> String {
    let expires = http_date(OffsetDateTime::now_utc() + Duration::seconds(3600));
    format!(
        "last_user={}; HttpOnly; SameSite=Strict; Secure; Path=/; Max-Age=3600; Expires={expires}",
        black_box(42)
    )
}

fn session_by_hand() -> String {
    format!("session={}; HttpOnly; SameSite=Lax; Path=/", black_box(SESSION))
}

fn ours(cookies: impl IntoIterator<Item = Cookie<'static>>) -> http::Response<Body> {
    let mut response = Response::new();
    for cookie in cookies {
        response.set_cookie(cookie).unwrap();
    }
    response.into_http()
}

fn by_hand(values: impl IntoIterator<Item = String>) -> http::Response<Body> {
    let mut response = http::Response::new(Body::empty());
    for value in values {
        response.headers_mut().append(SET_COOKIE, HeaderValue::try_from(value).unwrap());
    }
    response
}

fn set_cookie_values(response: &http::Response<Body>) -> Vec<&str> {
    response.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect()
}

/// The `Expires` date moves with the clock: compare everything before it.
fn same_but_expires(a: &str, b: &str) -> bool {
    let cut = |s: &str| s.split("; Expires=").next().unwrap().to_owned();
    cut(a) == cut(b) && a.len() == b.len()
}

fn set_cookie(c: &mut Criterion) {
    // Ours and the hand-written rows write the same headers.
    let ours_both = ours([last_user(), session()]);
    let hand_both = by_hand([last_user_by_hand(), session_by_hand()]);
    let (ours_both, hand_both) = (set_cookie_values(&ours_both), set_cookie_values(&hand_both));
    println!("ours: {ours_both:?}");
    assert_eq!(ours_both.len(), 2);
    assert!(same_but_expires(ours_both[0], hand_both[0]), "{ours_both:?} / {hand_both:?}");
    assert_eq!(ours_both[1], hand_both[1]);
    println!("cookie::Cookie Display: {:?}", [last_user().to_string(), session().to_string()]);

    let mut group = c.benchmark_group("set_cookie_last_user");
    group.bench_function("Response::set_cookie + into_http", |b| {
        b.iter(|| ours([black_box(last_user())]))
    });
    group.bench_function("cookie::Cookie to_string (no Expires, no checks)", |b| {
        b.iter(|| black_box(last_user()).to_string())
    });
    group.bench_function("format! (same bytes)", |b| b.iter(last_user_by_hand));
    group.finish();

    let mut group = c.benchmark_group("set_cookie_session");
    group.bench_function("Response::set_cookie + into_http", |b| {
        b.iter(|| ours([black_box(session())]))
    });
    group.bench_function("cookie::Cookie to_string (no defaults, no checks)", |b| {
        b.iter(|| black_box(session()).to_string())
    });
    group.bench_function("format! (same bytes)", |b| b.iter(session_by_hand));
    group.finish();

    let mut group = c.benchmark_group("set_cookie_both_into_http_response");
    group.bench_function("Response::set_cookie x2 + into_http", |b| {
        b.iter(|| ours([black_box(last_user()), black_box(session())]))
    });
    group.bench_function("format! x2 into http::Response headers", |b| {
        b.iter(|| by_hand([last_user_by_hand(), session_by_hand()]))
    });
    group.finish();
}

criterion_group!(benches, set_cookie);
criterion_main!(benches);
