#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod app;
mod body;
mod convert;
mod cookies;
mod cross_origin;
pub mod csrf;
mod declared_groups;
#[cfg(feature = "openapi")]
mod docs_ui;
mod error;
mod extract;
mod group;
mod handler;
pub mod keys;
mod limits;
mod middleware;
#[cfg(feature = "openapi")]
mod openapi;
#[doc(hidden)]
pub mod __private {
    //! Not public API.
    pub use crate::private::*;
}
pub mod model;
mod pipeline;
mod private;
mod raised;
mod registry;
mod request;
mod response;
mod router;
mod server;
pub mod session;
mod set_cookie;
mod shared;
mod state;
#[cfg(feature = "test-client")]
mod test_client;
#[cfg(feature = "test-client")]
mod test_server;

pub use app::{App, AppService, LayeredService, ResponseFuture};
pub use body::Body;
pub use cross_origin::CrossOrigin;
#[cfg(feature = "openapi")]
pub use docs_ui::{DocsConfig, OpenApiServer};
pub use error::{BoxError, Error, ErrorDetail, Loc, StartError};
pub use extract::{Depends, Form, FromBody, FromRequest, Requirements};
pub use handler::{BoxFuture, Handler};
pub use keys::Keys;
pub use limits::Limits;
pub use middleware::Next;
pub use raised::Raised;
pub use request::{RemoteAddr, Request};
pub use response::{HeaderError, Html, IntoResponse, Json, Redirect, Response};
pub use server::{Server, shutdown_signal};
#[cfg(feature = "redis")]
pub use session::RedisStore;
pub use session::{MemoryStore, Session, SessionConfig, SessionStore};
pub use set_cookie::CookieError;
pub use state::State;
#[cfg(feature = "test-client")]
pub use test_client::{TestClient, TestRequest, TestResponse};
#[cfg(feature = "test-client")]
pub use test_server::TestServer;

#[doc = include_str!("docs/response_model.md")]
pub use cookie_route_macros::ResponseModel;
#[doc = include_str!("docs/cookie_route.md")]
pub use cookie_route_macros::cookie_route;
#[doc = include_str!("docs/routes.md")]
pub use cookie_route_macros::routes;

/// What [`routes!`] generates, written beforehand by the build script's
/// `cookie_route_build::compile("routes.toml")` (crate `cookie-route-build`) into `OUT_DIR`:
/// the same `app()` and `mod cookies`, without running the macro on every build.
///
/// ```ignore
/// // build.rs
/// fn main() -> std::io::Result<()> {
///     cookie_route_build::compile("routes.toml")
/// }
///
/// // src/main.rs
/// cookie_route::include_routes!();
/// ```
///
/// Errors in the file are compile errors of the crate, `routes.toml:LINE:COL: message`, as
/// with `routes!`; a type error in the generated code points into the generated file.
#[macro_export]
macro_rules! include_routes {
    // The file `cookie_route_build::OUTPUT` names.
    () => {
        ::core::include!(::core::concat!(::core::env!("OUT_DIR"), "/cookie_route_routes.rs"));
    };
}
pub use model::ResponseModel;

/// The cookie grammar's rules, as [`CookieError::rule`] names them.
pub use cookie_route_core::cookie::CookieRule;

/// Cookies: the `cookie` crate's types, which cookie-route sends and reads.
pub use cookie::{Cookie, CookieBuilder, Expiration, SameSite};
/// The `http` crate: methods, status codes, headers.
pub use http::{self, HeaderMap, Method, StatusCode};
/// JSON Schema of your types for the OpenAPI document ([`App::openapi`]): derive it on
/// bodies and response models (with `schemars` in your dependencies).
#[cfg(feature = "openapi")]
pub use schemars::{self, JsonSchema};

/// The `cookie` crate itself, and `time` for `Max-Age` and `Expires`.
pub use {cookie, time};

/// What most apps import.
pub mod prelude {
    #[cfg(feature = "openapi")]
    pub use crate::JsonSchema;
    pub use crate::{
        App, Cookie, Depends, Error, Form, FromRequest, Html, IntoResponse, Json, Method, Raised,
        Redirect, Request, Response, ResponseModel, SameSite, State, StatusCode, cookie_route,
    };
    pub use serde::{Deserialize, Serialize};
}
