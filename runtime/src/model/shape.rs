//! What a model looks like: its fields, their JSON shapes and their defaults.

/// The JSON shape a field accepts.
///
/// Children are function pointers so that recursive models (a `Tree` with `Vec<Tree>`)
/// describe themselves without a cycle in constant data.
#[derive(Clone, Copy)]
pub enum Shape {
    /// Any JSON value, written as it is (for `serde_json::Value` and types marked
    /// `#[model(any)]`).
    Any,
    /// A string (`String`, `&str`, `char`, `Cow<str>`).
    Str,
    /// An integer (any of Rust's integer types).
    Int,
    /// A number: an integer or a float.
    Float,
    /// `true` or `false`.
    Bool,
    /// `null` or the inner shape (`Option<T>`).
    Nullable(fn() -> Shape),
    /// A JSON array of the inner shape (`Vec<T>`, slices, sets).
    List(fn() -> Shape),
    /// A JSON object with string keys and values of the inner shape (`HashMap<String, T>`).
    Map(fn() -> Shape),
    /// A nested model.
    Model(fn() -> &'static ModelSchema),
}

impl std::fmt::Debug for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Any => f.write_str("Any"),
            Self::Str => f.write_str("Str"),
            Self::Int => f.write_str("Int"),
            Self::Float => f.write_str("Float"),
            Self::Bool => f.write_str("Bool"),
            Self::Nullable(inner) => f.debug_tuple("Nullable").field(&inner()).finish(),
            Self::List(inner) => f.debug_tuple("List").field(&inner()).finish(),
            Self::Map(inner) => f.debug_tuple("Map").field(&inner()).finish(),
            Self::Model(schema) => f.debug_tuple("Model").field(&schema().name).finish(),
        }
    }
}

/// One field of a model.
#[derive(Debug, Clone, Copy)]
pub struct FieldSchema {
    /// The field's name in JSON (after serde's `rename` and `rename_all`).
    pub name: &'static str,
    /// The shape its value must have.
    pub shape: fn() -> Shape,
    /// The value written when the handler's value lacks the field (`None`: the field is
    /// required). `Option` fields default to `null`; `#[serde(default)]` fields to their
    /// `Default`, `#[serde(default = "path")]` to `path()`. A default that holds a model is
    /// written with the model's fields in the model's order, whatever the order of the
    /// `Value`'s objects (sorted by key, unless serde_json's `preserve_order` is on).
    pub default: Option<fn() -> serde_json::Value>,
}

/// The fields of a model, in declaration order.
#[derive(Debug)]
pub struct ModelSchema {
    /// The model's Rust name, for error messages.
    pub name: &'static str,
    /// Its fields (serde-skipped fields are not listed).
    pub fields: &'static [FieldSchema],
}

impl ModelSchema {
    /// The field called `name` in JSON, and its position.
    pub fn field(&self, name: &str) -> Option<(usize, &FieldSchema)> {
        self.fields.iter().enumerate().find(|(_, f)| f.name == name)
    }
}

/// A response model: a type whose field set filters what leaves the service.
///
/// Derive it with `#[derive(ResponseModel)]`; the derive reads serde's `rename`,
/// `rename_all`, `skip`, `skip_serializing` and `default` attributes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a response model",
    label = "used as `response_model` here",
    note = "add `#[derive(ResponseModel)]` to `{Self}`"
)]
pub trait ResponseModel {
    /// The JSON names of the model's fields, known at compile time: a route's
    /// `response_model_include` and `response_model_exclude` are checked against them
    /// while `cargo build` runs.
    const FIELD_NAMES: &'static [&'static str];

    /// The model's fields.
    fn schema() -> &'static ModelSchema;
}

/// A type that can be a field of a response model: its JSON shape.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a response model",
    note = "fields may be strings, numbers, booleans, `Option`, `Vec`, maps with string keys, \
            `serde_json::Value`, or types that derive `ResponseModel`; \
            mark other fields `#[model(any)]` to pass them through unchecked"
)]
pub trait FieldShape {
    /// The shape.
    fn shape() -> Shape;
}

macro_rules! shapes {
    ($shape:ident: $($ty:ty),*) => {$(
        impl FieldShape for $ty {
            fn shape() -> Shape {
                Shape::$shape
            }
        }
    )*};
}

shapes!(Str: String, str, char, std::borrow::Cow<'_, str>);
shapes!(Int: i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
shapes!(Float: f32, f64);
shapes!(Bool: bool);
shapes!(Any: serde_json::Value);

impl<T: FieldShape + ?Sized> FieldShape for &T {
    fn shape() -> Shape {
        T::shape()
    }
}

impl<T: FieldShape + ?Sized> FieldShape for Box<T> {
    fn shape() -> Shape {
        T::shape()
    }
}

impl<T: FieldShape> FieldShape for Option<T> {
    fn shape() -> Shape {
        Shape::Nullable(T::shape)
    }
}

impl<T: FieldShape> FieldShape for Vec<T> {
    fn shape() -> Shape {
        Shape::List(T::shape)
    }
}

impl<T: FieldShape> FieldShape for [T] {
    fn shape() -> Shape {
        Shape::List(T::shape)
    }
}

impl<T: FieldShape, const N: usize> FieldShape for [T; N] {
    fn shape() -> Shape {
        Shape::List(T::shape)
    }
}

impl<T: FieldShape, S> FieldShape for std::collections::HashSet<T, S> {
    fn shape() -> Shape {
        Shape::List(T::shape)
    }
}

impl<T: FieldShape> FieldShape for std::collections::BTreeSet<T> {
    fn shape() -> Shape {
        Shape::List(T::shape)
    }
}

impl<K, V: FieldShape, S> FieldShape for std::collections::HashMap<K, V, S> {
    fn shape() -> Shape {
        Shape::Map(V::shape)
    }
}

impl<K, V: FieldShape> FieldShape for std::collections::BTreeMap<K, V> {
    fn shape() -> Shape {
        Shape::Map(V::shape)
    }
}
