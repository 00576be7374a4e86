//! Arbitrary JSON (the input bytes parsed as JSON, after a first byte that picks a model, a
//! set of `response_model_*` options and whether to go through a typed struct) through
//! `cookie_route::model::filter_to_vec` and `filter_shape_to_vec`.
//!
//! Never panics; when the filter answers `Ok`, the output parses as JSON, has no duplicate
//! keys, fits the model's shape at every depth (only the model's keys, values of the
//! field's JSON type), honours `include` / `exclude` at the top level, and passes string,
//! boolean and `Any` values through unchanged.
#![no_main]

use std::collections::HashMap;
use std::fmt;

use cookie_route::ResponseModel;
use cookie_route::model::{FilterOptions, ModelSchema, Shape, filter_shape_to_vec, filter_to_vec};
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

fn default_tax() -> f64 {
    10.5
}

#[derive(Serialize, ResponseModel)]
struct UserOut {
    username: String,
    email: String,
    full_name: Option<String>,
}

#[derive(Serialize, ResponseModel)]
struct Item {
    name: String,
    description: Option<String>,
    price: f64,
    #[serde(default = "default_tax")]
    tax: f64,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Serialize, ResponseModel)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // never built: only its schema is used
struct Nested {
    id: i64,
    display_name: String,
    #[serde(rename = "ok")]
    flag: Option<bool>,
    owner: Option<UserOut>,
    #[serde(default)]
    items: Vec<Item>,
    #[serde(default)]
    scores: HashMap<String, Option<f64>>,
    extra: serde_json::Value,
    #[serde(default)]
    children: Vec<Nested>,
    #[serde(skip)]
    secret: String,
}

/// A typed value with more fields than `Item`, out of the model's order, some of them
/// absent when `None` (so "unset").
#[derive(Serialize, Deserialize)]
struct ItemRecord {
    secret: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<String>>,
    price: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    tax: Option<f64>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Option<String>>,
}

fn item_shape() -> Shape {
    Shape::Model(<Item as ResponseModel>::schema)
}

const OPTIONS: &[FilterOptions] = &[
    FilterOptions {
        include: None,
        exclude: &[],
        exclude_unset: false,
        exclude_none: false,
        exclude_defaults: false,
    },
    FilterOptions {
        include: None,
        exclude: &[],
        exclude_unset: true,
        exclude_none: false,
        exclude_defaults: false,
    },
    FilterOptions {
        include: Some(&["name", "description", "id", "username"]),
        exclude: &[],
        exclude_unset: false,
        exclude_none: false,
        exclude_defaults: false,
    },
    FilterOptions {
        include: None,
        exclude: &["tax", "email", "children"],
        exclude_unset: false,
        exclude_none: true,
        exclude_defaults: false,
    },
    FilterOptions {
        include: None,
        exclude: &[],
        exclude_unset: false,
        exclude_none: false,
        exclude_defaults: true,
    },
    FilterOptions {
        include: Some(&[]),
        exclude: &["name"],
        exclude_unset: true,
        exclude_none: true,
        exclude_defaults: true,
    },
];

/// The keys of a JSON object in the order written, duplicates kept; values checked as JSON.
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = map.next_entry::<String, NoDuplicates>()? {
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

/// Any JSON value in which no object repeats a key.
struct NoDuplicates;

impl<'de> Deserialize<'de> for NoDuplicates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NoDuplicates;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_i64<E>(self, _: i64) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_u64<E>(self, _: u64) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_f64<E>(self, _: f64) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_str<E>(self, _: &str) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_unit<E>(self) -> Result<NoDuplicates, E> {
                Ok(NoDuplicates)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NoDuplicates, A::Error> {
                while seq.next_element::<NoDuplicates>()?.is_some() {}
                Ok(NoDuplicates)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NoDuplicates, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = map.next_entry::<String, NoDuplicates>()? {
                    assert!(!keys.contains(&k), "the key {k:?} is written twice");
                    keys.push(k);
                }
                Ok(NoDuplicates)
            }
        }
        d.deserialize_any(V)
    }
}

/// Checks that `out` fits `shape`; where `input` (the value filtered) has the same place,
/// strings, booleans and `Any` values must be passed through unchanged.
fn fits(out: &Value, input: Option<&Value>, shape: Shape, at: &str) {
    match shape {
        Shape::Nullable(inner) => {
            if !out.is_null() {
                fits(out, input, inner(), at);
            }
        }
        Shape::Any => {
            if let Some(input) = input {
                assert_eq!(out, input, "an `Any` value changed at {at}");
            }
        }
        Shape::Str => {
            assert!(out.is_string(), "not a string at {at}: {out}");
            if let Some(input) = input {
                assert_eq!(out, input, "a string changed at {at}");
            }
        }
        Shape::Bool => {
            assert!(out.is_boolean(), "not a boolean at {at}: {out}");
            if let Some(input) = input {
                assert_eq!(out, input, "a boolean changed at {at}");
            }
        }
        Shape::Int => assert!(out.is_i64() || out.is_u64(), "not an integer at {at}: {out}"),
        Shape::Float => assert!(out.is_number(), "not a number at {at}: {out}"),
        Shape::List(inner) => {
            let items = out.as_array().unwrap_or_else(|| panic!("not an array at {at}: {out}"));
            let input = input.and_then(Value::as_array).filter(|i| i.len() == items.len());
            for (i, item) in items.iter().enumerate() {
                fits(item, input.map(|v| &v[i]), inner(), &format!("{at}.{i}"));
            }
        }
        Shape::Map(inner) => {
            let map = out.as_object().unwrap_or_else(|| panic!("not an object at {at}: {out}"));
            for (k, v) in map {
                let input = input.and_then(|i| i.get(k));
                fits(v, input, inner(), &format!("{at}.{k}"));
            }
        }
        Shape::Model(schema) => fits_model(out, input, schema(), None, at),
    }
}

fn fits_model(
    out: &Value,
    input: Option<&Value>,
    schema: &ModelSchema,
    options: Option<&FilterOptions>,
    at: &str,
) {
    let map = out.as_object().unwrap_or_else(|| panic!("not an object at {at}: {out}"));
    for (k, v) in map {
        let Some((_, field)) = schema.field(k) else {
            panic!("`{k}` is not a field of {} (at {at})", schema.name);
        };
        if let Some(options) = options {
            assert!(options.include.is_none_or(|i| i.contains(&k.as_str())), "{k} not included");
            assert!(!options.exclude.contains(&k.as_str()), "{k} is excluded");
        }
        fits(v, input.and_then(|i| i.get(k)), (field.shape)(), &format!("{at}.{k}"));
    }
}

fn check(result: Result<Vec<u8>, cookie_route::model::ResponseValidationError>) -> Option<Value> {
    let bytes = result.ok()?;
    serde_json::from_slice::<NoDuplicates>(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    Some(serde_json::from_slice(&bytes).expect("JSON"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, json)) = data.split_first() else { return };
    let Ok(input) = serde_json::from_slice::<Value>(json) else { return };
    // What the checks compare the output with: the input as serde_json writes and reads it
    // back, since its float parsing is not correctly rounded (no `float_roundtrip` feature):
    // `55555555555555555555e90` read, written and read again is not always the same f64.
    let seen: Value = serde_json::from_slice(&serde_json::to_vec(&input).expect("JSON writes"))
        .expect("JSON reads back");
    let options = &OPTIONS[usize::from(selector >> 4) % OPTIONS.len()];
    let schemas: [&'static ModelSchema; 3] = [UserOut::schema(), Item::schema(), Nested::schema()];
    match selector % 5 {
        n @ 0..=2 => {
            let schema = schemas[usize::from(n)];
            if let Some(out) = check(filter_to_vec(&input, schema, options)) {
                fits_model(&out, Some(&seen), schema, Some(options), "$");
                let keys = serde_json::from_value::<Keys>(out.clone()).expect("an object").0;
                assert!(keys.len() <= schema.fields.len());
            }
        }
        3 => {
            // A list of models (FastAPI's `response_model=list[Item]`).
            let shape = Shape::List(item_shape);
            if let Some(out) = check(filter_shape_to_vec(&input, shape, "list[Item]", options)) {
                let items = out.as_array().expect("a list of models is an array");
                let inputs = seen.as_array().filter(|i| i.len() == items.len());
                for (i, item) in items.iter().enumerate() {
                    let input = inputs.map(|v| &v[i]);
                    fits_model(item, input, Item::schema(), Some(options), &format!("$.{i}"));
                }
            }
        }
        _ => {
            // A typed value (serialized as a struct, fields out of the model's order).
            let Ok(record) = serde_json::from_value::<ItemRecord>(input) else { return };
            let written: Value =
                serde_json::from_slice(&serde_json::to_vec(&record).expect("a record serializes"))
                    .expect("JSON reads back");
            if let Some(out) = check(filter_to_vec(&record, Item::schema(), options)) {
                fits_model(&out, Some(&written), Item::schema(), Some(options), "$");
                assert!(out.get("secret").is_none(), "a field outside the model leaked");
            }
        }
    }
});
