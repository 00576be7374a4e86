//! Generating code from the model.

pub(crate) mod app;
pub(crate) mod model;
pub(crate) mod paths;
pub(crate) mod route;
