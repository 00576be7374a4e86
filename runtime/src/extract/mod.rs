//! What handler parameters are made from: dependencies ([`FromRequest`]) and bodies
//! ([`FromBody`]).

mod depends;
mod params;

pub use depends::Depends;

pub use params::{
    Errors, ValueType, body, cookie, dependency, header, path, private_cookie, query, required,
    signed_cookie,
};

use std::any::TypeId;
use std::future::Future;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::request::Request;
use crate::response::{IntoResponse, Json, Response};
use crate::session::Session;
use crate::state::State;

/// A dependency: a handler parameter built from the request, which may also set cookies,
/// headers or the status on the temporal response, as a FastAPI dependency that takes a
/// `Response`. Failing with its `Rejection` answers the request with it, and the handler is
/// not called.
///
/// ```
/// use cookie_route::{Cookie, Error, FromRequest, Request, Response};
///
/// /// The visitor's tracking id, issued on the first visit.
/// struct Tracking(String);
///
/// impl FromRequest for Tracking {
///     type Rejection = Error;
///
///     async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
///         if let Some(id) = request.cookie("tracking_id") {
///             return Ok(Tracking(id.into_owned()));
///         }
///         response.set_cookie(Cookie::new("tracking_id", "visitor-1"))?;
///         Ok(Tracking("visitor-1".to_owned()))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a handler parameter",
    label = "not a cookie, query, header, body or path parameter, and not a dependency",
    note = "mark the parameter `#[cookie]`, `#[query]`, `#[header]` or `#[body]`, name it like a \
            `{{parameter}}` of the path, take `response: &mut Response` or `request: &Request`, \
            or implement `FromRequest` for `{Self}` to make it a dependency"
)]
pub trait FromRequest: Sized + Send {
    /// What answers the request when the dependency fails.
    type Rejection: IntoResponse;

    /// Builds the dependency.
    fn from_request(
        request: &Request,
        response: &mut Response,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send;

    /// What the dependency needs from the app: the [`State`](crate::State) types it takes,
    /// directly or through dependencies of its own. [`App::build`](crate::App::build) checks
    /// every declared route's needs, so that a missing state stops the app at start-up
    /// naming the route. Nothing, by default.
    ///
    /// ```
    /// use cookie_route::{Error, FromRequest, Request, Requirements, Response, State};
    ///
    /// struct Db;
    /// struct CurrentUser(String);
    ///
    /// impl FromRequest for CurrentUser {
    ///     type Rejection = Error;
    ///
    ///     async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
    ///         let _db = State::<Db>::from_request(request, response).await?;
    ///         Ok(CurrentUser("ann".to_owned()))
    ///     }
    ///
    ///     fn requires(requirements: &mut Requirements) {
    ///         requirements.dependency::<State<Db>>();
    ///     }
    /// }
    /// ```
    fn requires(requirements: &mut Requirements) {
        let _ = requirements;
    }
}

/// What a route needs from its app, gathered from its dependencies' [`FromRequest::requires`].
#[derive(Debug, Default)]
pub struct Requirements {
    pub(crate) states: Vec<(TypeId, &'static str)>,
    /// The route uses the session (for the OpenAPI document's security scheme).
    pub(crate) session: bool,
}

impl Requirements {
    /// The route needs state of type `T` ([`App::state`](crate::App::state)).
    pub fn state<T: 'static>(&mut self) {
        let id = TypeId::of::<T>();
        if !self.states.iter().any(|(other, _)| *other == id) {
            self.states.push((id, std::any::type_name::<T>()));
        }
    }

    /// The route uses the session ([`Session`] and [`Flash`](crate::session::Flash) say so).
    pub fn session(&mut self) {
        self.session = true;
    }

    /// The route needs what the dependency `D` needs.
    pub fn dependency<D: FromRequest>(&mut self) {
        D::requires(self);
    }
}

/// A request body a handler can take with `#[body]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a request body",
    label = "used as `#[body]` here",
    note = "a `#[body]` parameter is `Json<T>`, `Form<T>` (with `T: Deserialize`), `String` or `Bytes`"
)]
pub trait FromBody: Sized + Send {
    /// Reads the body.
    fn from_body(request: &Request) -> impl Future<Output = Result<Self, Error>> + Send;
}

impl<T: DeserializeOwned + Send> FromBody for Json<T> {
    async fn from_body(request: &Request) -> Result<Self, Error> {
        request.json().await.map(Json)
    }
}

/// A form body, `application/x-www-form-urlencoded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + Send> FromBody for Form<T> {
    async fn from_body(request: &Request) -> Result<Self, Error> {
        request.form().await.map(Form)
    }
}

impl FromBody for Bytes {
    async fn from_body(request: &Request) -> Result<Self, Error> {
        request.bytes().await
    }
}

impl FromBody for String {
    async fn from_body(request: &Request) -> Result<Self, Error> {
        request.text().await
    }
}

impl<T> std::ops::Deref for Form<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The session: `session: Session` in a handler or a dependency (see [`Request::session`]).
impl FromRequest for Session {
    type Rejection = Error;

    async fn from_request(request: &Request, _: &mut Response) -> Result<Self, Error> {
        request.session().await
    }

    fn requires(requirements: &mut Requirements) {
        requirements.session();
    }
}

/// State registered with [`App::state`](crate::App::state) (see [`State`]).
impl<T: Send + Sync + 'static> FromRequest for State<T> {
    type Rejection = Error;

    async fn from_request(request: &Request, _: &mut Response) -> Result<Self, Error> {
        request.state::<T>()
    }

    fn requires(requirements: &mut Requirements) {
        requirements.state::<T>();
    }
}

/// Flash messages (see [`Flash`](crate::session::Flash)): `flash: Flash` in a handler.
impl FromRequest for crate::session::Flash {
    type Rejection = Error;

    async fn from_request(request: &Request, _: &mut Response) -> Result<Self, Error> {
        Self::of(request).await
    }

    fn requires(requirements: &mut Requirements) {
        requirements.session();
    }
}
