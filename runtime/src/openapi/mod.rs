//! The OpenAPI 3.1 document of an app, from its declarations ([`App::openapi`]): built once,
//! never per request.
//!
//! [`App::openapi`]: crate::App::openapi

mod declared;
mod document;

pub use declared::{
    BodyDoc, CookieDoc, Documented, ModelDoc, OperationDoc, ParamDoc, ParamIn, SchemaFn, schema,
};
pub(crate) use document::{Info, document};
