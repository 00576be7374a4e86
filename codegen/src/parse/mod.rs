//! Reading declarations into the [`crate::model`].

pub(crate) mod attr;
pub(crate) mod derive;
pub(crate) mod toml;
