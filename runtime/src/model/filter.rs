//! Writing a value as a model's view of it.

use serde::Serialize;
use serde_json::{Map, Value};

use super::shape::{ModelSchema, Shape};

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

/// Writes `value` as `schema`'s view of it, as JSON. Fields the model lacks are dropped at any
/// depth, missing fields with a default are filled in, and a missing required field or a
/// value of the wrong JSON type is an error (and nothing is written).
pub fn filter_to_vec<T: Serialize + ?Sized>(
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

type Failure = (String, String);

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
            Some(v) => shaped(v, (field.shape)(), options, &here)?,
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

fn shaped(
    value: Value,
    shape: Shape,
    options: &FilterOptions,
    path: &str,
) -> Result<Value, Failure> {
    let wrong = |expected: &str, v: &Value| {
        Err((path.to_owned(), format!("expected {expected}, found {}", kind(v))))
    };
    match shape {
        Shape::Any => Ok(value),
        Shape::Str => {
            if value.is_string() {
                Ok(value)
            } else {
                wrong("a string", &value)
            }
        }
        Shape::Int => {
            if value.is_i64() || value.is_u64() {
                Ok(value)
            } else {
                wrong("an integer", &value)
            }
        }
        Shape::Float => {
            if value.is_number() {
                Ok(value)
            } else {
                wrong("a number", &value)
            }
        }
        Shape::Bool => {
            if value.is_boolean() {
                Ok(value)
            } else {
                wrong("a boolean", &value)
            }
        }
        Shape::Nullable(inner) => {
            if value.is_null() {
                Ok(value)
            } else {
                shaped(value, inner(), options, path)
            }
        }
        Shape::List(inner) => match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| shaped(v, inner(), options, &join(path, &i.to_string())))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => wrong("an array", &other),
        },
        Shape::Map(inner) => match value {
            Value::Object(entries) => entries
                .into_iter()
                .map(|(k, v)| {
                    let here = join(path, &k);
                    shaped(v, inner(), options, &here).map(|v| (k, v))
                })
                .collect::<Result<Map<_, _>, _>>()
                .map(Value::Object),
            other => wrong("an object", &other),
        },
        Shape::Model(schema) => model(value, schema(), options, false, path),
    }
}
