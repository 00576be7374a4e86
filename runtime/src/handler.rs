//! Handlers: anything that turns a [`Request`] into a response, type-erased for the table.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// A boxed, sendable future, as handlers return.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A request handler. Implemented for every `async fn(Request) -> impl IntoResponse` and
/// every closure of that shape; `#[cookie_route]` generates one for each declared route.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a handler",
    note = "a handler is an `async fn(Request) -> R` (or a closure returning such a future) \
            where `R: IntoResponse`, `Send` and `'static`"
)]
pub trait Handler: Send + Sync + 'static {
    /// Handles one request.
    fn call(&self, request: Request) -> BoxFuture<Response>;

    /// [`Handler::call`], with a panic before the future comes back as its message.
    #[doc(hidden)]
    fn call_caught(&self, request: Request) -> Result<BoxFuture<Response>, String> {
        std::panic::catch_unwind(AssertUnwindSafe(|| self.call(request)))
            .map_err(|payload| panic_message(payload.as_ref()))
    }
}

impl<F, Fut, R> Handler for F
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoResponse,
{
    fn call(&self, request: Request) -> BoxFuture<Response> {
        let fut = self(request);
        Box::pin(async move { fut.await.into_response() })
    }
}

pub(crate) type BoxHandler = Box<dyn Handler>;

/// A generated handler: a function that already boxes its future, and runs none of the
/// user's code before it.
pub(crate) struct FnHandler(pub(crate) fn(Request) -> BoxFuture<Response>);

impl Handler for FnHandler {
    fn call(&self, request: Request) -> BoxFuture<Response> {
        (self.0)(request)
    }

    /// Nothing to catch: the generated function only boxes its future (whose panics
    /// [`CatchUnwind`] catches), and moving the request into a closure for `catch_unwind`
    /// would copy it once more.
    fn call_caught(&self, request: Request) -> Result<BoxFuture<Response>, String> {
        Ok((self.0)(request))
    }
}

pin_project_lite::pin_project! {
    /// Polls a future, turning a panic into `Err` so that one handler cannot take the
    /// connection, let alone the server, down with it.
    pub(crate) struct CatchUnwind<F> {
        #[pin]
        inner: F,
    }
}

impl<F> CatchUnwind<F> {
    pub(crate) fn new(inner: F) -> Self {
        Self { inner }
    }
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, String>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.project().inner;
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(payload) => Poll::Ready(Err(panic_message(payload.as_ref()))),
        }
    }
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a non-string panic payload".to_owned()
    }
}
