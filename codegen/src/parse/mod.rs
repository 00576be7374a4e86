//! Reading declarations into the [`crate::decl`].

pub(crate) mod attr;
pub(crate) mod response_model;
pub(crate) mod toml;
