//! The streaming filter's error: what was wrong, and where, its path built step by step while
//! the error unwinds.

use std::fmt::{self, Display, Write as _};

use serde::ser;

use super::ResponseValidationError;
use super::reference::Failure;

/// One step of an error's path.
#[derive(Debug)]
pub(super) enum Seg {
    Name(&'static str),
    Index(usize),
    Owned(String),
}

#[derive(Debug)]
struct Fault {
    /// Innermost step first: each level pushes its own step while the error unwinds.
    path: Vec<Seg>,
    message: String,
}

/// The streaming serializer's error: boxed, so that `Result<bool, Error>` stays small.
#[derive(Debug)]
pub(super) struct Error(Box<Fault>);

impl Error {
    #[cold]
    pub(super) fn new(message: String) -> Self {
        Self(Box::new(Fault { path: Vec::new(), message }))
    }

    #[cold]
    pub(super) fn wrong(expected: &str, found: &str) -> Self {
        Self::new(format!("expected {expected}, found {found}"))
    }

    #[cold]
    #[inline(never)]
    pub(super) fn at(mut self, seg: Seg) -> Self {
        self.0.path.push(seg);
        self
    }

    #[cold]
    pub(super) fn json(error: serde_json::Error) -> Self {
        Self::new(error.to_string())
    }

    /// An error of the reference filter, whose path is relative to where it started.
    #[cold]
    pub(super) fn failure((path, message): Failure) -> Self {
        let error = Self::new(message);
        if path == "$" { error } else { error.at(Seg::Owned(path)) }
    }

    pub(super) fn into_public(self, model: &'static str) -> ResponseValidationError {
        let Fault { path, message } = *self.0;
        let path = if path.is_empty() {
            "$".to_owned()
        } else {
            let mut joined = String::new();
            for seg in path.iter().rev() {
                if !joined.is_empty() {
                    joined.push('.');
                }
                match seg {
                    Seg::Name(name) => joined.push_str(name),
                    Seg::Index(index) => {
                        let _ = write!(joined, "{index}");
                    }
                    Seg::Owned(part) => joined.push_str(part),
                }
            }
            joined
        };
        ResponseValidationError { model, path, message }
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    #[cold]
    fn custom<M: Display>(message: M) -> Self {
        Self::new(message.to_string())
    }
}
