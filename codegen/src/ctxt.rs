//! Collecting errors, so that one build reports every mistake at its place.

use std::cell::RefCell;

use proc_macro2::TokenStream;

/// Errors found while reading declarations. Must be [`Ctxt::check`]ed before it is dropped,
/// so that no error is silently lost.
pub(crate) struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    pub(crate) fn new() -> Self {
        Self { errors: RefCell::new(Some(Vec::new())) }
    }

    /// Records an error and carries on.
    pub(crate) fn push(&self, error: syn::Error) {
        if let Some(errors) = self.errors.borrow_mut().as_mut() {
            errors.push(error);
        }
    }

    /// Records an error at `span`.
    pub(crate) fn error(&self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records an error at a declaration's origin: in Rust at its span, in a file with
    /// `file:line:col` and the line, on the literal that named the file.
    pub(crate) fn error_at(&self, origin: &crate::decl::Origin, message: impl std::fmt::Display) {
        self.push(syn::Error::new(origin.span(), origin.message(&message.to_string())));
    }

    /// All errors, combined, or `Ok` when there were none.
    pub(crate) fn check(self) -> Result<(), syn::Error> {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        let mut iter = errors.into_iter();
        let Some(mut first) = iter.next() else {
            return Ok(());
        };
        for e in iter {
            first.combine(e);
        }
        Err(first)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.errors.borrow().is_some() {
            panic!("Ctxt dropped without checking for errors");
        }
    }
}

/// The errors as `compile_error!` invocations.
pub(crate) fn to_compile_errors(error: &syn::Error) -> TokenStream {
    error.to_compile_error()
}
