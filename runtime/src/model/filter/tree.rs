//! [`Tree`]: a JSON value whose objects keep their entries in order.
//!
//! The filter's slow paths (the reference filter, enum variants with data, defaults) hold a
//! whole value at once. A `serde_json::Value` would do, but its objects are `serde_json::Map`s,
//! whose order depends on a feature: sorted by key, unless some crate in the build turns on
//! serde_json's `preserve_order`. Feature unification must not change what the filter writes,
//! so these paths use a `Tree` instead: what `serde_json::to_value` makes of a value (the same
//! numbers, strings and map keys), with every object's entries in the order they were
//! serialized, repeated keys included.

use serde::Serialize;
use serde::ser::{self, Serializer as _};
use serde_json::Value;
use serde_json::value::Serializer as JsonSer;

use super::context::{Sh, resolve};
use super::error::Error;
use super::keys::KeySer;
use crate::model::Shape;

/// A JSON value, objects in order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tree {
    /// `null`, a boolean, a number or a string (never an array or an object).
    Leaf(Value),
    Array(Vec<Tree>),
    /// The entries in the order they came, repeated keys included.
    Object(Vec<(String, Tree)>),
}

impl Default for Tree {
    fn default() -> Self {
        Self::Leaf(Value::Null)
    }
}

impl Tree {
    /// `value` as a tree; objects in the `Map`'s order.
    pub(super) fn from_value(value: Value) -> Self {
        match value {
            Value::Array(items) => Self::Array(items.into_iter().map(Self::from_value).collect()),
            Value::Object(map) => {
                Self::Object(map.into_iter().map(|(k, v)| (k, Self::from_value(v))).collect())
            }
            leaf => Self::Leaf(leaf),
        }
    }

    /// The tree as a `Value`; where an object repeats a key, the later entry wins.
    pub(super) fn into_value(self) -> Value {
        match self {
            Self::Leaf(value) => value,
            Self::Array(items) => Value::Array(items.into_iter().map(Self::into_value).collect()),
            Self::Object(entries) => {
                Value::Object(entries.into_iter().map(|(k, v)| (k, v.into_value())).collect())
            }
        }
    }

    /// The scalar, if it is one.
    pub(super) fn leaf(&self) -> Option<&Value> {
        match self {
            Self::Leaf(value) => Some(value),
            Self::Array(_) | Self::Object(_) => None,
        }
    }

    pub(super) fn is_null(&self) -> bool {
        matches!(self, Self::Leaf(Value::Null))
    }
}

impl Serialize for Tree {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Leaf(value) => value.serialize(s),
            Self::Array(items) => s.collect_seq(items),
            Self::Object(entries) => s.collect_map(entries.iter().map(|(k, v)| (k, v))),
        }
    }
}

/// `value` as a tree: as `serde_json::to_value` makes it, objects in order.
pub(super) fn to_tree<T: Serialize + ?Sized>(value: &T) -> Result<Tree, Error> {
    value.serialize(TreeSer)
}

/// A default as the field's shape orders it: a model's fields in the model's order (then any
/// keys the model lacks, in the value's order), at any depth. A default is a `Value`, whose
/// objects are sorted by key unless serde_json's `preserve_order` is on; the model's order
/// must not depend on that.
pub(super) fn default_tree(value: Value, shape: Shape) -> Tree {
    let (sh, _) = resolve(shape);
    match (sh, value) {
        (Sh::Model(schema), Value::Object(map)) => {
            let mut rest: Vec<(String, Value)> = map.into_iter().collect();
            let mut entries = Vec::with_capacity(rest.len());
            for field in schema.fields {
                if let Some(at) = rest.iter().position(|(key, _)| key == field.name) {
                    let (key, value) = rest.remove(at);
                    entries.push((key, default_tree(value, (field.shape)())));
                }
            }
            entries.extend(rest.into_iter().map(|(k, v)| (k, Tree::from_value(v))));
            Tree::Object(entries)
        }
        (Sh::Map(inner), Value::Object(map)) => {
            Tree::Object(map.into_iter().map(|(k, v)| (k, default_tree(v, inner()))).collect())
        }
        (Sh::List(inner), Value::Array(items)) => {
            Tree::Array(items.into_iter().map(|v| default_tree(v, inner())).collect())
        }
        (_, value) => Tree::from_value(value),
    }
}

/// `{"variant": value}`, as `serde_json::to_value` makes it.
pub(super) fn newtype_variant<T: Serialize + ?Sized>(
    name: &'static str,
    index: u32,
    variant: &'static str,
    value: &T,
) -> Result<Tree, Error> {
    TreeSer.serialize_newtype_variant(name, index, variant, value)
}

/// The builder of `{"variant": [...]}`.
pub(super) fn tuple_variant(
    name: &'static str,
    index: u32,
    variant: &'static str,
    len: usize,
) -> Result<SeqTree, Error> {
    TreeSer.serialize_tuple_variant(name, index, variant, len)
}

/// The builder of `{"variant": {...}}`.
pub(super) fn struct_variant(
    name: &'static str,
    index: u32,
    variant: &'static str,
    len: usize,
) -> Result<MapTree, Error> {
    TreeSer.serialize_struct_variant(name, index, variant, len)
}

/// Builds a [`Tree`]. Scalars go through `serde_json::value::Serializer`, so that numbers and
/// the rest are exactly what `serde_json::to_value` makes of them; map keys through
/// [`KeySer`], as the streaming filter reads them.
struct TreeSer;

fn leaf(value: Result<Value, serde_json::Error>) -> Result<Tree, Error> {
    value.map(Tree::Leaf).map_err(Error::json)
}

/// `{"variant": inner}`.
fn wrap(name: &'static str, inner: Tree) -> Tree {
    Tree::Object(vec![(name.to_owned(), inner)])
}

impl ser::Serializer for TreeSer {
    type Ok = Tree;
    type Error = Error;
    type SerializeSeq = SeqTree;
    type SerializeTuple = SeqTree;
    type SerializeTupleStruct = SeqTree;
    type SerializeTupleVariant = SeqTree;
    type SerializeMap = MapTree;
    type SerializeStruct = MapTree;
    type SerializeStructVariant = MapTree;

    fn serialize_bool(self, v: bool) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_i8(v))
    }

    fn serialize_i16(self, v: i16) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_i16(v))
    }

    fn serialize_i32(self, v: i32) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_i32(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_i64(v))
    }

    fn serialize_i128(self, v: i128) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_i128(v))
    }

    fn serialize_u8(self, v: u8) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_u8(v))
    }

    fn serialize_u16(self, v: u16) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_u16(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_u32(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_u64(v))
    }

    fn serialize_u128(self, v: u128) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_u128(v))
    }

    fn serialize_f32(self, v: f32) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_f32(v))
    }

    fn serialize_f64(self, v: f64) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_f64(v))
    }

    fn serialize_char(self, v: char) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_char(v))
    }

    fn serialize_str(self, v: &str) -> Result<Tree, Error> {
        leaf(JsonSer.serialize_str(v))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Tree, Error> {
        // An array of numbers.
        JsonSer.serialize_bytes(v).map(Tree::from_value).map_err(Error::json)
    }

    fn serialize_none(self) -> Result<Tree, Error> {
        Ok(Tree::default())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Tree, Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Tree, Error> {
        Ok(Tree::default())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Tree, Error> {
        Ok(Tree::default())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Tree, Error> {
        Ok(Tree::Leaf(Value::String(variant.to_owned())))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Tree, Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        value: &T,
    ) -> Result<Tree, Error> {
        Ok(wrap(name, to_tree(value)?))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqTree, Error> {
        Ok(SeqTree { items: Vec::with_capacity(len.unwrap_or(0)), variant: None })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqTree, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqTree, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        len: usize,
    ) -> Result<SeqTree, Error> {
        Ok(SeqTree { items: Vec::with_capacity(len), variant: Some(name) })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapTree, Error> {
        Ok(MapTree { entries: Vec::with_capacity(len.unwrap_or(0)), key: None, variant: None })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapTree, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        len: usize,
    ) -> Result<MapTree, Error> {
        Ok(MapTree { entries: Vec::with_capacity(len), key: None, variant: Some(name) })
    }
}

/// An array, or a tuple variant's (`{"variant": [...]}`).
pub(super) struct SeqTree {
    items: Vec<Tree>,
    variant: Option<&'static str>,
}

impl SeqTree {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(to_tree(value)?);
        Ok(())
    }

    fn finish(self) -> Tree {
        let array = Tree::Array(self.items);
        match self.variant {
            Some(name) => wrap(name, array),
            None => array,
        }
    }
}

impl ser::SerializeSeq for SeqTree {
    type Ok = Tree;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Tree, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqTree {
    type Ok = Tree;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Tree, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqTree {
    type Ok = Tree;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Tree, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleVariant for SeqTree {
    type Ok = Tree;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Tree, Error> {
        Ok(self.finish())
    }
}

/// An object, or a struct variant's (`{"variant": {...}}`).
pub(super) struct MapTree {
    entries: Vec<(String, Tree)>,
    /// The key whose value comes next.
    key: Option<String>,
    variant: Option<&'static str>,
}

impl MapTree {
    fn finish(self) -> Tree {
        let object = Tree::Object(self.entries);
        match self.variant {
            Some(name) => wrap(name, object),
            None => object,
        }
    }
}

impl ser::SerializeMap for MapTree {
    type Ok = Tree;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let mut text = String::new();
        key.serialize(KeySer(&mut text))?;
        self.key = Some(text);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().ok_or_else(|| Error::new("serializer misused".to_owned()))?;
        self.entries.push((key, to_tree(value)?));
        Ok(())
    }

    fn end(self) -> Result<Tree, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for MapTree {
    type Ok = Tree;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.entries.push((key.to_owned(), to_tree(value)?));
        Ok(())
    }

    fn end(self) -> Result<Tree, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for MapTree {
    type Ok = Tree;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.entries.push((key.to_owned(), to_tree(value)?));
        Ok(())
    }

    fn end(self) -> Result<Tree, Error> {
        Ok(self.finish())
    }
}

/// Reads JSON text into a tree, objects in the order written: test inputs whose order matters.
#[cfg(test)]
impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess, Visitor};

        struct TreeVisitor;

        impl<'de> Visitor<'de> for TreeVisitor {
            type Value = Tree;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_unit<E>(self) -> Result<Tree, E> {
                Ok(Tree::default())
            }

            fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
                Ok(Tree::Leaf(v.into()))
            }

            fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
                Ok(Tree::Leaf(v.into()))
            }

            fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
                Ok(Tree::Leaf(v.into()))
            }

            fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
                Ok(Tree::Leaf(v.into()))
            }

            fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
                Ok(Tree::Leaf(v.into()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Tree::Array(items))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Tree::Object(entries))
            }
        }

        d.deserialize_any(TreeVisitor)
    }
}
