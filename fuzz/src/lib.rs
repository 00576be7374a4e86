//! What the fuzz targets share: one single-threaded runtime per thread, and a way to put one
//! request through an [`AppService`] (the `tower::Service` the server and the test client
//! call) and read the status, the headers and the whole body back.

use std::cell::RefCell;

use bytes::Bytes;
use cookie_route::AppService;
use cookie_route::http::{self, HeaderMap, StatusCode};
use http_body_util::Full;
use tower_service::Service as _;

thread_local! {
    static RUNTIME: RefCell<Option<tokio::runtime::Runtime>> = const { RefCell::new(None) };
}

/// Runs `future` to completion on this thread's runtime (current-thread, with timers: the
/// body read timeout needs them).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    RUNTIME.with(|slot| {
        let mut slot = slot.borrow_mut();
        let runtime = slot.get_or_insert_with(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("a tokio runtime")
        });
        runtime.block_on(future)
    })
}

/// A response, read to the end.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

/// Puts `request` through `service` and reads the whole response.
pub fn call(service: &AppService, request: http::Request<Bytes>) -> Answer {
    let mut service = service.clone();
    let future = service.call(request.map(Full::new));
    block_on(async {
        let response = match future.await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("an in-memory body reads to the end");
        Answer { status: parts.status, headers: parts.headers, body }
    })
}
