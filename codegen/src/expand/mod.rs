//! Generating code from the model.

pub(crate) mod app;
pub(crate) mod openapi;
pub(crate) mod paths;
pub(crate) mod response_model;
pub(crate) mod route;
