//! Reading cookies from a `Cookie` header of 20 cookies, as a handler reads them, against the
//! `cookie` crate's `Cookie::split_parse` on the same header.
//!
//! `cargo bench -p cookie-route --bench cookies`
//!
//! The `Request` is made by calling an `App` whose handler keeps it, outside the timed part
//! (criterion's `iter_batched_ref`): cookies are parsed on a request's first read, so each
//! iteration needs a request that has not been read yet. Only the read is timed. The first
//! read scans the header for its name; the second builds the request's index of byte ranges
//! (its one allocation); later reads use the index.
//!
//! `split_parse` yields every pair as sent: it neither skips a repeated name nor unquotes,
//! which `Request::cookies` does.

use std::hint::black_box;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use cookie_route::{App, Cookie, Request, StatusCode};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::HeaderValue;
use http::header::COOKIE;
use http_body_util::Empty;
use tower_service::Service;

const COOKIES: usize = 20;
const LAST: &str = "cookie_19";
const MIDDLE: &str = "cookie_10";

/// `cookie_00=value-00-abcdefghijklmnop; ...`: 20 pairs, 738 bytes.
fn header() -> String {
    (0..COOKIES)
        .map(|i| format!("cookie_{i:02}=value-{i:02}-abcdefghijklmnop"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Hands out requests as a handler receives them, each with the same `Cookie` header.
struct Requests {
    service: cookie_route::AppService,
    slot: Arc<Mutex<Option<Request>>>,
    cookie: HeaderValue,
}

impl Requests {
    fn new(header: &str) -> Self {
        let slot: Arc<Mutex<Option<Request>>> = Arc::default();
        let stash = slot.clone();
        let service = App::new()
            .get("/", move |request: Request| {
                *stash.lock().unwrap() = Some(request);
                async { StatusCode::NO_CONTENT }
            })
            .build()
            .unwrap();
        Self { service, slot, cookie: HeaderValue::from_str(header).unwrap() }
    }

    fn next(&mut self) -> Request {
        let request = http::Request::get("/")
            .header(COOKIE, self.cookie.clone())
            .body(Empty::<Bytes>::new())
            .unwrap();
        // The handler runs when the service is called: the request is in the slot by then.
        drop(self.service.call(request));
        self.slot.lock().unwrap().take().unwrap()
    }
}

fn cookie_header_20(c: &mut Criterion) {
    let header = header();
    let mut requests = Requests::new(&header);
    let check = requests.next();
    assert_eq!(check.cookie(LAST).as_deref(), Some("value-19-abcdefghijklmnop"));
    assert_eq!(check.cookies().count(), COOKIES);
    assert_eq!(Cookie::split_parse(header.as_str()).filter_map(Result::ok).count(), COOKIES);

    let mut group = c.benchmark_group("cookie_header_20");
    group.bench_function("Request::cookie(last), first read", |b| {
        b.iter_batched_ref(
            || requests.next(),
            |request| request.cookie(black_box(LAST)).map(|v| v.len()),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("Request::cookie(middle), first read", |b| {
        b.iter_batched_ref(
            || requests.next(),
            |request| request.cookie(black_box(MIDDLE)).map(|v| v.len()),
            BatchSize::SmallInput,
        )
    });
    // A handler's second cookie (the index of all 20 is built) and, for scale, its third
    // (the index exists).
    for (label, earlier_reads) in [("second", 1), ("third", 2)] {
        group.bench_function(format!("Request::cookie(last), {label} read"), |b| {
            b.iter_batched_ref(
                || {
                    let request = requests.next();
                    for _ in 0..earlier_reads {
                        assert!(request.cookie(MIDDLE).is_some());
                    }
                    request
                },
                |request| request.cookie(black_box(LAST)).map(|v| v.len()),
                BatchSize::SmallInput,
            )
        });
    }
    group.bench_function("Request::cookies() (all 20)", |b| {
        b.iter_batched_ref(
            || requests.next(),
            |request| request.cookies().map(|(n, v)| n.len() + v.len()).sum::<usize>(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("cookie::Cookie::split_parse, find last", |b| {
        b.iter(|| {
            Cookie::split_parse(black_box(header.as_str()))
                .filter_map(Result::ok)
                .find(|c| c.name() == LAST)
                .map(|c| c.value().len())
        })
    });
    group.bench_function("cookie::Cookie::split_parse, find middle", |b| {
        b.iter(|| {
            Cookie::split_parse(black_box(header.as_str()))
                .filter_map(Result::ok)
                .find(|c| c.name() == MIDDLE)
                .map(|c| c.value().len())
        })
    });
    group.bench_function("cookie::Cookie::split_parse, all 20", |b| {
        b.iter(|| {
            Cookie::split_parse(black_box(header.as_str()))
                .filter_map(Result::ok)
                .map(|c| c.name().len() + c.value().len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, cookie_header_20);
criterion_main!(benches);
