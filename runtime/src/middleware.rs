//! Middleware written as an async function, as FastAPI's `@app.middleware("http")` and
//! axum's `from_fn`: it gets the request and the rest of the chain, and may answer at once,
//! or call on and change the response (its headers, its cookies).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use crate::handler::{BoxFuture, RouteHandler, panic_message};
use crate::request::Request;
use crate::response::Response;

/// A middleware, type-erased.
pub(crate) type Middleware = Arc<dyn Fn(Request, Next) -> BoxFuture<Response> + Send + Sync>;

/// Makes a middleware of an async function or closure.
pub(crate) fn middleware<F, Fut>(f: F) -> Middleware
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    Arc::new(move |request, next| Box::pin(f(request, next)))
}

/// The rest of the chain a middleware runs in: the middlewares added after it, then the
/// route's handler with the whole pipeline (its cookies re-issued, its session saved).
pub struct Next {
    chain: Arc<[Middleware]>,
    position: usize,
    handler: RouteHandler,
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next").field("remaining", &(self.chain.len() - self.position)).finish()
    }
}

impl Next {
    /// Starts the chain at its first middleware.
    pub(crate) fn start(
        chain: Arc<[Middleware]>,
        handler: RouteHandler,
        request: Request,
    ) -> Result<BoxFuture<Response>, String> {
        let next = Self { chain, position: 0, handler };
        std::panic::catch_unwind(AssertUnwindSafe(|| next.call(request)))
            .map_err(|payload| panic_message(payload.as_ref()))
    }

    fn call(mut self, request: Request) -> BoxFuture<Response> {
        match self.chain.get(self.position).cloned() {
            Some(middleware) => {
                self.position += 1;
                middleware(request, self)
            }
            None => match self.handler.call(request) {
                Ok(future) => future,
                Err(message) => std::panic::resume_unwind(Box::new(message)),
            },
        }
    }

    /// Runs the rest of the chain: the response the route's handler gives, after the
    /// middlewares that come later.
    pub async fn run(self, request: Request) -> Response {
        self.call(request).await
    }
}
