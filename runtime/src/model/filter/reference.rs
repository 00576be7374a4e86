//! The reference filter: serialize to a `Tree`, then filter it. Simple and slow; the oracle of
//! the tests, and the fallback for values that repeat a field.

use serde_json::Value;

use super::context::{Sh, resolve};
use super::error::Error;
use super::tree::{Tree, default_tree};
use super::{FilterOptions, ResponseValidationError};
use crate::model::{ModelSchema, Shape};

/// [`filter_to_vec`](super::filter_to_vec), written the simple way.
pub(super) fn filter_to_vec_reference(
    value: Result<Tree, Error>,
    schema: &'static ModelSchema,
    options: &FilterOptions,
) -> Result<Vec<u8>, ResponseValidationError> {
    let fail = |path: &str, message: String| ResponseValidationError {
        model: schema.name,
        path: path.to_owned(),
        message,
    };
    let value = value.map_err(|e| fail("$", e.to_string()))?;
    let filtered = model(value, schema, options, true, "$").map_err(|(p, m)| fail(&p, m))?;
    serde_json::to_vec(&filtered).map_err(|e| fail("$", e.to_string()))
}

/// [`filter_shape_to_vec`](super::filter_shape_to_vec), written the simple way.
pub(super) fn filter_shape_to_vec_reference(
    value: Result<Tree, Error>,
    shape: Shape,
    model_name: &'static str,
    options: &FilterOptions,
) -> Result<Vec<u8>, ResponseValidationError> {
    let fail = |path: &str, message: String| ResponseValidationError {
        model: model_name,
        path: path.to_owned(),
        message,
    };
    let value = value.map_err(|e| fail("$", e.to_string()))?;
    let filtered = shaped(value, shape, options, true, "$").map_err(|(p, m)| fail(&p, m))?;
    serde_json::to_vec(&filtered).map_err(|e| fail("$", e.to_string()))
}

pub(super) type Failure = (String, String);

fn kind(value: &Tree) -> &'static str {
    match value {
        Tree::Leaf(Value::Null) => "null",
        Tree::Leaf(Value::Bool(_)) => "a boolean",
        Tree::Leaf(Value::Number(_)) => "a number",
        Tree::Leaf(Value::String(_)) => "a string",
        Tree::Leaf(Value::Array(_)) | Tree::Array(_) => "an array",
        Tree::Leaf(Value::Object(_)) | Tree::Object(_) => "an object",
    }
}

fn join(path: &str, part: &str) -> String {
    if path == "$" { part.to_owned() } else { format!("{path}.{part}") }
}

/// `value` as `schema`'s view of it; `top`: `include` and `exclude` apply to its fields.
fn model(
    value: Tree,
    schema: &'static ModelSchema,
    options: &FilterOptions,
    top: bool,
    path: &str,
) -> Result<Tree, Failure> {
    let Tree::Object(mut input) = value else {
        return Err((path.to_owned(), format!("expected an object, found {}", kind(&value))));
    };
    // In the model's order, whatever the value's.
    let mut out = Vec::with_capacity(schema.fields.len());
    for field in schema.fields {
        if top {
            if options.include.is_some_and(|inc| !inc.contains(&field.name)) {
                continue;
            }
            if options.exclude.contains(&field.name) {
                continue;
            }
        }
        let here = join(path, field.name);
        // A repeated field: the later value wins.
        let given = input.iter_mut().rev().find(|(key, _)| key == field.name);
        let value = match given.map(|(_, v)| std::mem::take(v)) {
            Some(v) => shaped(v, (field.shape)(), options, false, &here)?,
            None => match field.default {
                None => return Err((here, "field required".to_owned())),
                Some(_) if options.exclude_unset => continue,
                Some(default) => default_tree(default(), (field.shape)()),
            },
        };
        if options.exclude_none && value.is_null() {
            continue;
        }
        if options.exclude_defaults
            && field.default.is_some_and(|d| value.clone().into_value() == d())
        {
            continue;
        }
        out.push((field.name.to_owned(), value));
    }
    Ok(Tree::Object(out))
}

/// `value` as `shape` describes it; `top` passes through lists and `Option`s to the outermost
/// models.
pub(super) fn shaped(
    value: Tree,
    shape: Shape,
    options: &FilterOptions,
    top: bool,
    path: &str,
) -> Result<Tree, Failure> {
    let (sh, nullable) = resolve(shape);
    shaped_sh(value, sh, nullable, options, top, path)
}

pub(super) fn shaped_sh(
    value: Tree,
    sh: Sh,
    nullable: bool,
    options: &FilterOptions,
    top: bool,
    path: &str,
) -> Result<Tree, Failure> {
    let wrong =
        |v: &Tree| Err((path.to_owned(), format!("expected {}, found {}", sh.expected(), kind(v))));
    if nullable && value.is_null() {
        return Ok(value);
    }
    match sh {
        Sh::Any => Ok(value),
        Sh::Str => {
            if value.leaf().is_some_and(Value::is_string) {
                Ok(value)
            } else {
                wrong(&value)
            }
        }
        Sh::Int => {
            if value.leaf().is_some_and(|v| v.is_i64() || v.is_u64()) {
                Ok(value)
            } else {
                wrong(&value)
            }
        }
        Sh::Float => {
            if value.leaf().is_some_and(Value::is_number) {
                Ok(value)
            } else {
                wrong(&value)
            }
        }
        Sh::Bool => {
            if value.leaf().is_some_and(Value::is_boolean) {
                Ok(value)
            } else {
                wrong(&value)
            }
        }
        Sh::List(inner) => match value {
            Tree::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| shaped(v, inner(), options, top, &join(path, &i.to_string())))
                .collect::<Result<Vec<_>, _>>()
                .map(Tree::Array),
            other => wrong(&other),
        },
        // Entries in the value's order, as the streaming filter writes them.
        Sh::Map(inner) => match value {
            Tree::Object(entries) => entries
                .into_iter()
                .map(|(k, v)| {
                    let here = join(path, &k);
                    shaped(v, inner(), options, false, &here).map(|v| (k, v))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Tree::Object),
            other => wrong(&other),
        },
        Sh::Model(schema) => model(value, schema, options, top, path),
    }
}
