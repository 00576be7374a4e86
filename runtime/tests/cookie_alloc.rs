//! Issue 7: "Cookie parsing: no allocation for cookies a handler does not read".
//!
//! A handler's `Request::cookie` is run under a counting global allocator
//! (`allocation-counter`, which counts the current thread's allocations; the workspace
//! forbids `unsafe`, which a hand-written `GlobalAlloc` needs). Reading one cookie must cost
//! the same number of allocations whether the request carries 5, 20 or 60 cookies, in one
//! `Cookie` header (HTTP/1.1) or one header per cookie (as HTTP/2 clients send them): the
//! first read scans the headers and allocates nothing, the second builds the index of byte
//! ranges (at most one allocation), and a later read allocates nothing.
//! An allocation per cookie, or an index that grows as it is filled, fails these tests.

use std::hint::black_box;
use std::sync::{Arc, Mutex};

use allocation_counter::measure;
use bytes::Bytes;
use cookie_route::{App, Request, StatusCode};
use http::header::COOKIE;
use http_body_util::Empty;
use tower_service::Service;

const COUNTS: [usize; 3] = [5, 20, 60];

/// A request as a handler receives it, carrying the `Cookie` header values `values`.
fn request(values: &[String]) -> Request {
    let slot: Arc<Mutex<Option<Request>>> = Arc::default();
    let stash = slot.clone();
    let mut service = App::new()
        .get("/", move |request: Request| {
            *stash.lock().unwrap() = Some(request);
            async { StatusCode::NO_CONTENT }
        })
        .build()
        .unwrap();
    let mut builder = http::Request::get("/");
    for value in values {
        builder = builder.header(COOKIE, value.as_str());
    }
    // The handler runs when the service is called: the request is in the slot by then.
    drop(service.call(builder.body(Empty::<Bytes>::new()).unwrap()));
    slot.lock().unwrap().take().expect("the handler was called")
}

fn pairs(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("cookie_{i:02}=value-{i:02}-abcdefghijklmnop")).collect()
}

/// Allocations made by the first read of one cookie, by a second read of another (which
/// builds the index), and by a third.
fn reads(request: &Request, first: &str, second: &str) -> (u64, u64, u64) {
    let one = measure(|| {
        assert!(black_box(request.cookie(black_box(first))).is_some());
    });
    let two = measure(|| {
        assert!(black_box(request.cookie(black_box(second))).is_some());
    });
    let three = measure(|| {
        assert!(black_box(request.cookie(black_box(first))).is_some());
    });
    (one.count_total, two.count_total, three.count_total)
}

#[test]
fn the_counter_counts() {
    // Without this, a counter that is not installed would pass every test below.
    let info = measure(|| drop(black_box(vec![1u8; 16])));
    assert_eq!(info.count_total, 1);
}

fn check(layout: &str, make: impl Fn(usize) -> Vec<String>) {
    let mut firsts = Vec::new();
    for n in COUNTS {
        let request = request(&make(n));
        // One cookie near the start and the last one: both scan the whole index.
        let (first, second, third) = reads(&request, "cookie_03", &format!("cookie_{:02}", n - 1));
        println!("{layout}, {n} cookies: reads made {first}, {second} and {third} allocation(s)");
        assert_eq!(first, 0, "{layout}, {n} cookies: the first read (a scan) allocated");
        assert!(second <= 1, "{layout}, {n} cookies: the second read made {second} allocations");
        assert_eq!(third, 0, "{layout}, {n} cookies: a read after the index was built allocated");
        firsts.push(first + second);
    }
    assert!(
        firsts.iter().all(|&f| f == firsts[0]),
        "{layout}: allocations of one read grow with the number of cookies ({COUNTS:?} -> {firsts:?})"
    );
}

#[test]
fn one_header_reading_one_cookie_allocates_the_same_for_5_20_60_cookies() {
    check("one Cookie header", |n| vec![pairs(n).join("; ")]);
}

#[test]
fn one_header_per_cookie_reading_one_cookie_allocates_the_same_for_5_20_60_cookies() {
    check("one Cookie header per cookie", pairs);
}

#[test]
fn no_cookie_header_no_allocation() {
    let request = request(&[]);
    let info = measure(|| assert!(black_box(request.cookie("session")).is_none()));
    assert_eq!(info.count_total, 0);
}
