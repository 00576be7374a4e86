//! The reference filter: serialize to a `Value`, then filter it. Simple and slow; the oracle of
//! the tests, and the fallback for values that repeat a field.

use serde::Serialize;
use serde_json::{Map, Value};

use super::context::{Sh, resolve};
use super::{FilterOptions, ResponseValidationError};
use crate::model::{ModelSchema, Shape};

/// [`filter_to_vec`](super::filter_to_vec), written the simple way.
pub(super) fn filter_to_vec_reference<T: Serialize + ?Sized>(
    value: &T,
    schema: &'static ModelSchema,
    options: &FilterOptions,
) -> Result<Vec<u8>, ResponseValidationError> {
    let fail = |path: &str, message: String| ResponseValidationError {
        model: schema.name,
        path: path.to_owned(),
        message,
    };
    let value = serde_json::to_value(value).map_err(|e| fail("$", e.to_string()))?;
    let filtered = model(value, schema, options, true, "$").map_err(|(p, m)| fail(&p, m))?;
    serde_json::to_vec(&filtered).map_err(|e| fail("$", e.to_string()))
}

/// [`filter_shape_to_vec`](super::filter_shape_to_vec), written the simple way.
pub(super) fn filter_shape_to_vec_reference<T: Serialize + ?Sized>(
    value: &T,
    shape: Shape,
    model_name: &'static str,
    options: &FilterOptions,
) -> Result<Vec<u8>, ResponseValidationError> {
    let fail = |path: &str, message: String| ResponseValidationError {
        model: model_name,
        path: path.to_owned(),
        message,
    };
    let value = serde_json::to_value(value).map_err(|e| fail("$", e.to_string()))?;
    let filtered = shaped(value, shape, options, true, "$").map_err(|(p, m)| fail(&p, m))?;
    serde_json::to_vec(&filtered).map_err(|e| fail("$", e.to_string()))
}

pub(super) type Failure = (String, String);

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn join(path: &str, part: &str) -> String {
    if path == "$" { part.to_owned() } else { format!("{path}.{part}") }
}

/// `value` as `schema`'s view of it; `top`: `include` and `exclude` apply to its fields.
fn model(
    value: Value,
    schema: &'static ModelSchema,
    options: &FilterOptions,
    top: bool,
    path: &str,
) -> Result<Value, Failure> {
    let Value::Object(mut input) = value else {
        return Err((path.to_owned(), format!("expected an object, found {}", kind(&value))));
    };
    let mut out = Map::new();
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
        let value = match input.remove(field.name) {
            Some(v) => shaped(v, (field.shape)(), options, false, &here)?,
            None => match field.default {
                None => return Err((here, "field required".to_owned())),
                Some(_) if options.exclude_unset => continue,
                Some(default) => default(),
            },
        };
        if options.exclude_none && value.is_null() {
            continue;
        }
        if options.exclude_defaults && field.default.is_some_and(|d| d() == value) {
            continue;
        }
        out.insert(field.name.to_owned(), value);
    }
    Ok(Value::Object(out))
}

/// `value` as `shape` describes it; `top` passes through lists and `Option`s to the outermost
/// models.
pub(super) fn shaped(
    value: Value,
    shape: Shape,
    options: &FilterOptions,
    top: bool,
    path: &str,
) -> Result<Value, Failure> {
    let (sh, nullable) = resolve(shape);
    shaped_sh(value, sh, nullable, options, top, path)
}

pub(super) fn shaped_sh(
    value: Value,
    sh: Sh,
    nullable: bool,
    options: &FilterOptions,
    top: bool,
    path: &str,
) -> Result<Value, Failure> {
    let wrong = |v: &Value| {
        Err((path.to_owned(), format!("expected {}, found {}", sh.expected(), kind(v))))
    };
    if nullable && value.is_null() {
        return Ok(value);
    }
    match sh {
        Sh::Any => Ok(value),
        Sh::Str => {
            if value.is_string() {
                Ok(value)
            } else {
                wrong(&value)
            }
        }
        Sh::Int => {
            if value.is_i64() || value.is_u64() {
                Ok(value)
            } else {
                wrong(&value)
            }
        }
        Sh::Float => {
            if value.is_number() {
                Ok(value)
            } else {
                wrong(&value)
            }
        }
        Sh::Bool => {
            if value.is_boolean() {
                Ok(value)
            } else {
                wrong(&value)
            }
        }
        Sh::List(inner) => match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| shaped(v, inner(), options, top, &join(path, &i.to_string())))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => wrong(&other),
        },
        Sh::Map(inner) => match value {
            Value::Object(entries) => entries
                .into_iter()
                .map(|(k, v)| {
                    let here = join(path, &k);
                    shaped(v, inner(), options, false, &here).map(|v| (k, v))
                })
                .collect::<Result<Map<_, _>, _>>()
                .map(Value::Object),
            other => wrong(&other),
        },
        Sh::Model(schema) => model(value, schema, options, top, path),
    }
}
