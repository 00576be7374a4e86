//! The OpenAPI 3.1 document of an app, from its declarations ([`App::openapi`]): built once,
//! never per request.
//!
//! [`App::openapi`]: crate::App::openapi

mod declared;
mod document;

pub use declared::{
    BodyDoc, CookieDoc, HasSchema, ModelDoc, NoSchema, OperationDoc, ParamDoc, ParamIn, Probe,
    SchemaFn,
};
pub(crate) use document::{Info, document};
