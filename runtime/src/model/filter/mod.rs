//! Writing a value as a model's view of it.
//!
//! The filter is one pass: the value's own `Serialize` impl drives [`ShapeSer`], a
//! `serde::Serializer` that knows which [`Shape`] it expects and writes JSON straight into the
//! output buffer (numbers formatted by serde_json; strings escaped as serde_json escapes them,
//! those with nothing to escape checked a word at a time and copied whole). Fields the model
//! lacks are skipped without being serialized at all; fields that arrive in the model's order
//! (the common case) are written through; a field that arrives before an earlier model field is
//! written into a scratch buffer and copied in place once the fields before it are settled (or
//! at the end of the object, where missing fields get their defaults). Error paths are built
//! only while an error unwinds.
//!
//! Like serde_json's, the serializer and its compounds are a single `&mut` pointer to [`Ctx`],
//! which holds the output, the shape expected of the next value and a stack of the open
//! objects and arrays ([`Frame`]s). What a model's fields need on the fast path is made once
//! per thread: their keys (`,"name":`, appended with one fixed-size copy), the shapes of its
//! scalar fields (no call to `shape` per field) and a bit set of its names (a field the model
//! lacks is mostly dropped without comparing names). Both matter: passing the state by value
//! made the derived `Serialize` impls copy it around, and the rest is what keeps the filter
//! near `serde_json::to_vec` on the model type itself (1.2x on a small model, under 1x on a
//! list of them; `BENCHMARKS.md`). A struct field's write is a call, compiled once per field
//! type: inlined into every record's `Serialize`, it saved a few nanoseconds a field and cost
//! a release build 4 KB of machine code per record.
//!
//! [`filter_to_vec_reference`] is the same filter written the simple way (through a [`Tree`],
//! a JSON value whose objects keep their order); the tests use it as the oracle, and the
//! streaming filter falls back to it for inputs that repeat a field of a model, which only
//! hand-written `Serialize` impls or colliding `flatten`ed fields produce.
//!
//! Nothing here depends on the order of a `serde_json::Map`, which changes with serde_json's
//! `preserve_order` feature (sorted by key without it): a model's fields are written in the
//! model's order, a map's entries and an `Any` value's in the order they were serialized.
//!
//! The parts: [`context`] is the state of one filtering; [`serializer`] is the serializer,
//! [`string`] its string writer, [`keys`] its keys and field names (what a thread keeps of a
//! model's keys, a map's keys) and [`out_of_order`] its path for the fields that do not arrive
//! in their turn; [`error`] builds error paths, and [`reference`](mod@reference) is the
//! reference filter; [`tree`] is the value the slow paths hold whole (the reference filter,
//! enum variants with data, defaults).
//!
//! [`ShapeSer`]: serializer
//! [`Frame`]: context::Frame
//! [`Tree`]: tree::Tree

mod context;
mod error;
mod keys;
mod out_of_order;
mod reference;
mod serializer;
mod string;
mod tree;

use serde::Serialize;

use super::shape::{ModelSchema, Shape};
use context::{Ctx, Expect, Sh};
use error::Error;
use reference::{filter_shape_to_vec_reference, filter_to_vec_reference};
use serializer::{write_expected, write_shaped};
use tree::{Tree, to_tree};

/// FastAPI's `response_model_*` options. `include` and `exclude` name top-level fields by
/// their JSON names; the `exclude_*` flags apply at every depth.
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterOptions {
    /// Only these fields (`response_model_include`).
    pub include: Option<&'static [&'static str]>,
    /// Not these fields (`response_model_exclude`).
    pub exclude: &'static [&'static str],
    /// Leave out fields the handler's value did not provide, instead of filling in their
    /// defaults (`response_model_exclude_unset`).
    pub exclude_unset: bool,
    /// Leave out fields whose value is `null` (`response_model_exclude_none`).
    pub exclude_none: bool,
    /// Leave out fields whose value equals their default (`response_model_exclude_defaults`).
    pub exclude_defaults: bool,
}

impl FilterOptions {
    /// No option set: the model's every field, as the handler's value gives it. A route
    /// names only the options it sets, `FilterOptions { exclude_none: true, ..NONE }`.
    pub const NONE: Self = Self {
        include: None,
        exclude: &[],
        exclude_unset: false,
        exclude_none: false,
        exclude_defaults: false,
    };
}

/// A handler's value that does not fit its response model. The message names the model and
/// the field, never the value: the value may be exactly what must not leak.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("response does not fit `{model}` at `{path}`: {message}")]
pub struct ResponseValidationError {
    /// The model's name.
    pub model: &'static str,
    /// Where in the value, as `field.0.inner` (`$` for the value itself).
    pub path: String,
    /// What was wrong.
    pub message: String,
}

/// The capacity the output starts with (as `serde_json::to_vec`'s).
const INITIAL_CAPACITY: usize = 128;

/// Writes `value` as `schema`'s view of it, as JSON. Fields the model lacks are dropped at any
/// depth, missing fields with a default are filled in, and a missing required field or a
/// value of the wrong JSON type is an error (and nothing is written).
#[inline]
pub fn filter_to_vec<T: Serialize + ?Sized>(
    value: &T,
    schema: &'static ModelSchema,
    options: &FilterOptions,
) -> Result<Vec<u8>, ResponseValidationError> {
    let mut out = Vec::new();
    let root = Expect { sh: Sh::Model(schema), nullable: false, top: true };
    // A model is never `Any`: straight to the filter's serializer, so that no other
    // serializer is compiled for `T` on this path.
    match stream(|ctx| write_shaped(value, root, ctx), options, &mut out) {
        Ok(()) => Ok(out),
        Err(failed) => model_failed(&|| to_tree(value), schema, options, failed),
    }
}

/// [`filter_to_vec`] when the streaming filter gave up. Not generic: what is compiled for
/// each type is only the closure that makes its tree.
#[cold]
#[inline(never)]
fn model_failed(
    tree: &dyn Fn() -> Result<Tree, Error>,
    schema: &'static ModelSchema,
    options: &FilterOptions,
    failed: Failed,
) -> Result<Vec<u8>, ResponseValidationError> {
    match failed {
        Failed::Repeated => filter_to_vec_reference(tree(), schema, options),
        Failed::Invalid(error) => Err(error.into_public(schema.name)),
    }
}

/// Writes `value` as the view of it that `shape` describes, as JSON: [`filter_to_vec`] for a
/// response model that is not a single model, such as a list of models (FastAPI's
/// `response_model=list[Item]`). `model_name` names the response model in errors.
///
/// `include` and `exclude` apply to the fields of the outermost models: the model itself, or
/// each item of a list (or optional) of models.
#[inline]
pub fn filter_shape_to_vec<T: Serialize + ?Sized>(
    value: &T,
    shape: Shape,
    model_name: &'static str,
    options: &FilterOptions,
) -> Result<Vec<u8>, ResponseValidationError> {
    let mut out = Vec::new();
    let expect = Expect::new(shape, true);
    match stream(|ctx| write_expected(value, expect, ctx), options, &mut out) {
        Ok(()) => Ok(out),
        Err(failed) => shape_failed(&|| to_tree(value), shape, model_name, options, failed),
    }
}

/// [`filter_shape_to_vec`] when the streaming filter gave up (not generic, as
/// [`model_failed`]).
#[cold]
#[inline(never)]
fn shape_failed(
    tree: &dyn Fn() -> Result<Tree, Error>,
    shape: Shape,
    model_name: &'static str,
    options: &FilterOptions,
    failed: Failed,
) -> Result<Vec<u8>, ResponseValidationError> {
    match failed {
        Failed::Repeated => filter_shape_to_vec_reference(tree(), shape, model_name, options),
        Failed::Invalid(error) => Err(error.into_public(model_name)),
    }
}

/// Why the streaming filter gave up.
enum Failed {
    /// The value repeats a field of a model: the reference filter writes it.
    Repeated,
    /// The value does not fit.
    Invalid(Error),
}

/// Writes a value with `write` (which writes it as the filter expects it) into `dest` (a
/// partial body if it fails).
///
/// The output ends up in the caller's own local (the public functions are inlined). Returned
/// inside the `Result`, the `Vec` was written field by field just before the return, and a
/// caller that moved it out with a wide load waited for those stores: ~5 ns of the ~70 ns a
/// small model takes (an empty model: 32 ns through `unwrap`, 26 ns when only its length was
/// read). Copied into `dest` whole, it is not. Writing through `dest` all along was slower:
/// every write then loads the pointer first.
fn stream(
    write: impl FnOnce(&mut Ctx<'_>) -> Result<bool, Error>,
    options: &FilterOptions,
    dest: &mut Vec<u8>,
) -> Result<(), Failed> {
    let mut ctx = Ctx::new(options);
    let written = write(&mut ctx);
    *dest = std::mem::take(&mut ctx.out);
    match (ctx.finish(), written) {
        (true, _) => Err(Failed::Repeated),
        (false, Ok(_)) => Ok(()),
        (false, Err(error)) => Err(Failed::Invalid(error)),
    }
}

#[cfg(test)]
mod tests;
