//! Generating code from the model.

pub(crate) mod app;
pub(crate) mod paths;
pub(crate) mod response_model;
pub(crate) mod route;
