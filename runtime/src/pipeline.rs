//! The one pipeline: what happens to every response between its handler's return and the
//! bytes sent, for every handler, generated or written by hand.
//!
//! 1. The returned value is written onto the temporal response, the `&mut Response` that
//!    the handler and its dependencies set cookies, headers and a status on ([`finish`]),
//!    after the route's response model has filtered it ([`finish_model`]).
//! 2. The route's status applies unless someone set one, and a status that forbids a body
//!    drops it ([`complete`]).
//! 3. An error the handler returned as [`Raised`](crate::Raised) is answered by the app's
//!    error handlers (`App::on_error`); cookies read under a fallback key are re-issued under
//!    the current key, and the session is saved ([`after`]). A rejection (a 422, a
//!    dependency's) is written onto the temporal response and goes through this step too.
//!
//! A generated handler's future (the runtime's [`run`] or [`run_model`], or the route's own
//! async block when it reads a dependency or a body) runs the three steps inline, since it
//! still holds its request when the handler's function returns. A handler written by hand
//! owns its request, so the dispatcher keeps a handle on the request's [`Pending`] work and
//! runs step 3 when the handler's future ends (`handler::RouteHandler::call`). Either way,
//! nothing a handler reads under an old key or changes in the session is lost.

use std::any::{Any, TypeId};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use cookie::Cookie;
use http::StatusCode;

use crate::body::Body;
use crate::handler::BoxFuture;
use crate::model::{FilterOptions, ResponseModel, ResponseValidationError, filter_to_vec};
use crate::request::Request;
use crate::response::{IntoResponse, Json, Response};
use crate::session::Session;
use crate::shared::Shared;

/// What waits for the response once the handler has made it: cookies to re-issue under the
/// current key, and the loaded session. Filled while the request is handled; most requests
/// leave it empty and are finished without taking its lock. The work itself is boxed when
/// there is some, so that every request (moved several times on its way) stays small; the
/// dependencies made with `Depends` are kept in the same box, for the same reason (they are
/// not work: they do not make the request wait).
#[derive(Default)]
pub(crate) struct Pending {
    /// Whether `work` holds anything.
    any: AtomicBool,
    work: Mutex<Option<Box<Work>>>,
}

#[derive(Default)]
struct Work {
    reissue: Vec<Cookie<'static>>,
    session: Option<Session>,
    /// The dependencies made with `Depends`, by type.
    made: Vec<(TypeId, Arc<dyn Any + Send + Sync>)>,
}

impl Pending {
    fn work(&self) -> MutexGuard<'_, Option<Box<Work>>> {
        self.work.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the work, making it on first use.
    fn add(&self, change: impl FnOnce(&mut Work)) {
        change(self.work().get_or_insert_default());
        self.any.store(true, Ordering::Release);
    }

    /// Re-issues `cookie` (already sealed under the current key) with the response.
    pub(crate) fn reissue(&self, cookie: Cookie<'static>) {
        self.add(|work| work.reissue.push(cookie));
    }

    /// The session, once loaded.
    pub(crate) fn session(&self) -> Option<Session> {
        if !self.is_waiting() {
            return None;
        }
        self.work().as_ref().and_then(|work| work.session.clone())
    }

    /// Keeps the loaded session, to be saved with the response.
    pub(crate) fn set_session(&self, session: Session) {
        self.add(|work| work.session = Some(session));
    }

    /// The dependency of type `T` made earlier in the request (`Depends`), if any.
    pub(crate) fn made<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        let work = self.work();
        let (_, value) = work.as_ref()?.made.iter().find(|(id, _)| *id == TypeId::of::<T>())?;
        Arc::clone(value).downcast::<T>().ok()
    }

    /// Keeps `value` as the request's dependency of type `T`, unless one was kept while it
    /// was being made (a dependency that asks for itself): the first stays.
    pub(crate) fn keep_made<T: Send + Sync + 'static>(&self, value: Arc<T>) {
        let mut work = self.work();
        let made = &mut work.get_or_insert_default().made;
        if !made.iter().any(|(id, _)| *id == TypeId::of::<T>()) {
            made.push((TypeId::of::<T>(), value));
        }
    }

    fn is_waiting(&self) -> bool {
        self.any.load(Ordering::Acquire)
    }
}

/// A request's [`Pending`]: its own, or shared with the dispatcher when a handler written by
/// hand takes the request (the one case that costs an allocation).
pub(crate) enum PendingSlot {
    Own(Pending),
    Shared(Arc<Pending>),
}

impl Default for PendingSlot {
    fn default() -> Self {
        Self::Own(Pending::default())
    }
}

impl PendingSlot {
    /// A handle that outlives the request.
    pub(crate) fn share(&mut self) -> Arc<Pending> {
        match self {
            Self::Shared(shared) => shared.clone(),
            Self::Own(own) => {
                let shared = Arc::new(std::mem::take(own));
                *self = Self::Shared(shared.clone());
                shared
            }
        }
    }
}

impl std::ops::Deref for PendingSlot {
    type Target = Pending;

    fn deref(&self) -> &Pending {
        match self {
            Self::Own(own) => own,
            Self::Shared(shared) => shared,
        }
    }
}

/// Step 1 without a response model: the returned value written onto the temporal response;
/// then step 2.
pub fn finish<R: IntoResponse>(response: &mut Response, value: R, status: Option<StatusCode>) {
    value.respond_on(response);
    complete(response, status);
}

/// Step 1 with a response model `M`: a serializable value filtered through it (a value that
/// does not fit is a logged 500, never a leak), a full `Response` sent as it is; then step 2.
pub fn finish_model<M: ResponseModel, R: ModelOutput>(
    response: &mut Response,
    value: R,
    status: Option<StatusCode>,
    options: &FilterOptions,
) {
    value.respond_with_model::<M>(response, options);
    complete(response, status);
}

/// A route's handler called with the arguments read for it: the shape the macros generate
/// for a route whose arguments are all read before the call (path, query, header and cookie
/// values, the request, the temporal response), a plain
/// `fn(args, &Request, &mut Response) -> impl Future`. The future that runs it, [`run`] or
/// [`run_model`], is written once here, so a route costs its crate a small non-async
/// function rather than a state machine of its own to check (the borrow checker's time on
/// a 100-route app, `cargo check` from scratch, fell by more than half).
pub trait Call<'a, Args>: Send + 'static {
    /// What the handler returns.
    type Output;
    /// The handler's future, borrowing the request and the temporal response.
    type Future: Future<Output = Self::Output> + Send + 'a;
    /// Calls the handler.
    fn call(self, args: Args, request: &'a Request, response: &'a mut Response) -> Self::Future;
}

impl<'a, Args, F, Fut> Call<'a, Args> for F
where
    F: FnOnce(Args, &'a Request, &'a mut Response) -> Fut + Send + 'static,
    Fut: Future + Send + 'a,
{
    type Output = Fut::Output;
    type Future = Fut;
    #[inline]
    fn call(self, args: Args, request: &'a Request, response: &'a mut Response) -> Fut {
        self(args, request, response)
    }
}

/// The future of a route without a response model: the call, then steps 1 to 3.
pub fn run<T: IntoResponse, Args: Send + 'static, F>(
    request: Request,
    args: Args,
    handler: F,
    status: Option<StatusCode>,
) -> BoxFuture<Response>
where
    F: for<'a> Call<'a, Args, Output = T>,
{
    Box::pin(async move {
        let mut response = Response::new();
        let value = handler.call(args, &request, &mut response).await;
        finish(&mut response, value, status);
        if let Some(later) = after(request.pending(), request.shared(), &mut response) {
            later.await;
        }
        response
    })
}

/// The future of a route with the response model `M`: the call, then steps 1 to 3.
pub fn run_model<M: ResponseModel, T: ModelOutput, Args: Send + 'static, F>(
    request: Request,
    args: Args,
    handler: F,
    status: Option<StatusCode>,
    options: &'static FilterOptions,
) -> BoxFuture<Response>
where
    F: for<'a> Call<'a, Args, Output = T>,
{
    Box::pin(async move {
        let mut response = Response::new();
        let value = handler.call(args, &request, &mut response).await;
        finish_model::<M, T>(&mut response, value, status, options);
        if let Some(later) = after(request.pending(), request.shared(), &mut response) {
            later.await;
        }
        response
    })
}

/// The future of a route whose arguments were rejected (a 422): the rejection on the
/// temporal response, then step 3.
pub fn rejected(request: Request, rejection: Response) -> BoxFuture<Response> {
    Box::pin(async move {
        let mut response = Response::new();
        rejection.respond_on(&mut response);
        if let Some(later) = after(request.pending(), request.shared(), &mut response) {
            later.await;
        }
        response
    })
}

/// Step 2: `status` unless one was set, and no body where the status forbids one.
pub(crate) fn complete(response: &mut Response, status: Option<StatusCode>) {
    if let Some(status) = status {
        response.default_status(status);
    }
    let status = response.status();
    if status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
    {
        response.set_body(Body::empty());
        response.headers_mut().remove(http::header::CONTENT_TYPE);
    }
}

/// Step 3, when there is anything to do: most requests re-issue no cookie and load no
/// session, and get `None` (their handler's future does not carry the saving inline).
#[inline]
pub(crate) fn after<'a>(
    pending: &'a Pending,
    shared: &'a Shared,
    response: &'a mut Response,
) -> Option<Pin<Box<dyn Future<Output = ()> + Send + 'a>>> {
    if response.is_raised() {
        answer_raised(shared, response);
    }
    if pending.is_waiting() { Some(Box::pin(after_slow(pending, shared, response))) } else { None }
}

/// An error a handler raised, answered by the app's hook for its type ([`App::on_error`]).
///
/// [`App::on_error`]: crate::App::on_error
#[cold]
#[inline(never)]
fn answer_raised(shared: &Shared, response: &mut Response) {
    shared.errors.answer(response);
}

async fn after_slow(pending: &Pending, shared: &Shared, response: &mut Response) {
    let Some(work) = pending.work().take() else { return };
    let Work { reissue, session, made: _ } = *work;
    for cookie in reissue {
        let name = cookie.name();
        let set_already = response
            .set_cookie_headers()
            .any(|h| h.split('=').next().is_some_and(|n| n.trim() == name));
        if !set_already && let Err(error) = response.set_cookie(cookie) {
            tracing::error!(%error, "could not re-issue a cookie under the current key");
        }
    }
    if let Some(session) = session {
        let saved = match shared.session_setup() {
            Ok((keys, config)) => session.save(keys, config, response).await,
            Err(error) => Err(error),
        };
        if let Err(error) = saved {
            *response = error.into_response();
        }
    }
}

/// What a handler with a response model may return: `Json<T>` (filtered), a full
/// `Response` (sent as it is), `(StatusCode, T)` or `Result<T, E>` of these.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a handler with a `response_model`",
    note = "return `Json<T>` with `T: Serialize` (it is filtered through the model), a full \
            `Response` (sent as it is), or `Result<_, E>` / `(StatusCode, _)` of those"
)]
pub trait ModelOutput {
    /// Writes the value onto the temporal response, filtering serializable values through
    /// `M` (see [`IntoResponse::respond_on`]).
    fn respond_with_model<M: ResponseModel>(self, temporal: &mut Response, options: &FilterOptions);
}

impl<T: serde::Serialize> ModelOutput for Json<T> {
    fn respond_with_model<M: ResponseModel>(
        self,
        temporal: &mut Response,
        options: &FilterOptions,
    ) {
        write_filtered(temporal, filter_to_vec(&self.0, M::schema(), options));
    }
}

const APPLICATION_JSON: http::HeaderValue = http::HeaderValue::from_static("application/json");

/// The filtered body onto the temporal response, or a logged 500: out of the generic
/// [`ModelOutput`] impl, so compiled once rather than for each type. (Not generic, so
/// `#[inline]` adds one copy to a debug build, not one per type; an optimized build
/// inlines the few instructions of the way taken.)
#[inline]
fn write_filtered(temporal: &mut Response, filtered: Result<Vec<u8>, ResponseValidationError>) {
    match filtered {
        Ok(bytes) => temporal.with_typed_body_on(APPLICATION_JSON, bytes.into()),
        Err(error) => filter_failed(temporal, error),
    }
}

#[cold]
#[inline(never)]
fn filter_failed(temporal: &mut Response, error: ResponseValidationError) {
    tracing::error!(%error, "ResponseValidationError");
    Response::internal_server_error().respond_on(temporal);
}

impl ModelOutput for Response {
    fn respond_with_model<M: ResponseModel>(self, temporal: &mut Response, _: &FilterOptions) {
        self.respond_on(temporal);
    }
}

impl<T: ModelOutput> ModelOutput for (StatusCode, T) {
    fn respond_with_model<M: ResponseModel>(
        self,
        temporal: &mut Response,
        options: &FilterOptions,
    ) {
        self.1.respond_with_model::<M>(temporal, options);
        temporal.set_status(self.0);
    }
}

impl<T: ModelOutput, E: IntoResponse> ModelOutput for Result<T, E> {
    fn respond_with_model<M: ResponseModel>(
        self,
        temporal: &mut Response,
        options: &FilterOptions,
    ) {
        match self {
            Ok(v) => v.respond_with_model::<M>(temporal, options),
            Err(e) => e.respond_on(temporal),
        }
    }
}
