//! Keys and field names: a model's keys, rendered once per thread (`,"name":`, ready to
//! append, with the shapes of its scalar fields) beside a bit set of its names; comparing
//! names; `include` and `exclude`; and a map's keys, captured as strings ([`KeySer`]).

use std::fmt::{Display, Write as _};

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::FilterOptions;
use super::context::{Sh, resolve};
use super::error::Error;
use super::string::{half, word, write_str};
use crate::model::Shape;

/// A model's keys, `,"name":` for each field, ready to append: the text in bytes `0..22`, its
/// length in byte 23 (0 for a name that is longer than 18 bytes or needs escaping), and in byte
/// 22 the field's shape when it is a scalar one (`SHAPE_*`; 0: call the field's `shape`).
pub(super) type Key = [u8; 24];

pub(super) const SHAPE_MASK: u8 = 0b111;
pub(super) const SHAPE_STR: u8 = 1;
pub(super) const SHAPE_INT: u8 = 2;
pub(super) const SHAPE_FLOAT: u8 = 3;
pub(super) const SHAPE_BOOL: u8 = 4;
pub(super) const SHAPE_ANY: u8 = 5;
pub(super) const SHAPE_NULLABLE: u8 = 0b1000;

/// How many models' keys a thread keeps track of (a direct-mapped table: a model whose slot
/// another one took has its keys made again).
pub(super) const KEY_TABLE: usize = 64;

/// Past this many keys, a filtering starts the thread's keys afresh.
pub(super) const KEY_ARENA: usize = 4096;

/// A model whose keys a thread keeps.
#[derive(Clone, Copy)]
pub(super) struct Known {
    /// The schema's address.
    pub(super) id: usize,
    /// Where its keys start in [`Scratch::keys`](super::context::Scratch::keys).
    pub(super) base: usize,
    /// The [`name_bit`]s of its fields' names.
    pub(super) names: u64,
}

impl Known {
    pub(super) const NONE: Self = Self { id: 0, base: 0, names: 0 };
}

/// A bit that a name sets in [`Known::names`]: a key whose bit a model lacks is not one of its
/// fields, found without comparing names.
#[inline]
pub(super) fn name_bit(name: &str) -> u64 {
    let first = name.as_bytes().first().copied().unwrap_or(0);
    1 << ((name.len() * 5 + usize::from(first)) % 64)
}

/// `,"name":` in a key slot, with the field's shape code (see [`Key`]).
pub(super) fn render_key(name: &str, shape: Shape) -> Key {
    let mut slot = [0; 24];
    let plain = name.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
    if plain && name.len() <= 18 {
        let n = name.len();
        slot[..2].copy_from_slice(b",\"");
        slot[2..2 + n].copy_from_slice(name.as_bytes());
        slot[2 + n..4 + n].copy_from_slice(b"\":");
        slot[23] = (n + 4) as u8;
    }
    slot[22] = shape_code(shape);
    slot
}

/// The code of a scalar shape (see [`Key`]), 0 for the others. A field's `shape` function
/// describes its type, and so returns the same shape every time (the derive's do): the thread
/// keeps what it returned with the model's keys.
fn shape_code(shape: Shape) -> u8 {
    let (sh, nullable) = resolve(shape);
    let code = match sh {
        Sh::Str => SHAPE_STR,
        Sh::Int => SHAPE_INT,
        Sh::Float => SHAPE_FLOAT,
        Sh::Bool => SHAPE_BOOL,
        Sh::Any => SHAPE_ANY,
        Sh::List(_) | Sh::Map(_) | Sh::Model(_) => return 0,
    };
    if nullable { code | SHAPE_NULLABLE } else { code }
}

/// Appends the key in `slot` (after a comma unless it is the first field): one fixed-size copy,
/// cut to length.
#[cfg_attr(not(debug_assertions), inline(always))] // with `serialize_field`
#[cfg_attr(debug_assertions, inline)]
pub(super) fn write_cached_key(out: &mut Vec<u8>, slot: &Key, first: bool, name: &str) {
    let len = usize::from(slot[23]);
    if len == 0 {
        return write_key(out, first, name);
    }
    let skip = usize::from(first);
    let at = out.len();
    out.extend_from_slice(&slot[skip..skip + 22]);
    out.truncate(at + len - skip);
}

/// Writes `"name":`, after a comma unless it is the first, escaped by serde_json.
#[cold]
pub(super) fn write_key(out: &mut Vec<u8>, first: bool, name: &str) {
    if !first {
        out.push(b',');
    }
    write_str(out, name);
    out.push(b':');
}

/// Whether a top-level field passes `include` and `exclude`.
pub(super) fn kept(options: &FilterOptions, name: &str) -> bool {
    options.include.is_none_or(|include| include.contains(&name))
        && !options.exclude.contains(&name)
}

/// Whether two field names are equal. Most of the time they are the same literal (serde's
/// derive and the schema both spell the field's name), else they are compared inline: names
/// are short, and a call to `memcmp` costs more than the comparison.
#[inline]
pub(super) fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if a.as_ptr() == b.as_ptr() {
        return true;
    }
    match n {
        // Two overlapping words cover the name.
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        0..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        _ => a == b,
    }
}

/// Captures a map key as a string, as serde_json's `to_value` does.
pub(super) struct KeySer<'a>(pub(super) &'a mut String);

impl KeySer<'_> {
    fn number(self, n: impl Display) -> Result<(), Error> {
        let _ = write!(self.0, "{n}");
        Ok(())
    }

    fn float<F: Serialize>(self, v: F, finite: bool) -> Result<(), Error> {
        if !finite {
            return Err(Error::new("float key must be finite".to_owned()));
        }
        let text = serde_json::to_string(&v).map_err(Error::json)?;
        self.0.push_str(&text);
        Ok(())
    }
}

#[cold]
fn key_must_be_a_string() -> Error {
    Error::new("key must be a string".to_owned())
}

impl ser::Serializer for KeySer<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.number(v)
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.float(v, v.is_finite())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.float(v, v.is_finite())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.push(v);
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.push_str(v);
        Ok(())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.push_str(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}
