//! The `serde::Serializer` that writes a value as the shape expected of it: [`ShapeSer`] for
//! one value, [`Compound`] for the objects and arrays it opens (a model's fields in their turn
//! on the fast path), [`VariantSer`] for enum variants with data.

use serde::Serialize;
use serde::ser;
use serde_json::ser::{CompactFormatter, Formatter as _};

use super::FilterOptions;
use super::context::{Ctx, Expect, Frame, Kind, NO_FIELD, Sh};
use super::error::{Error, Seg};
use super::keys::{KeySer, kept, name_bit, same_name, write_cached_key, write_key};
use super::out_of_order::{close_model_slow, put};
use super::reference::shaped_sh;
use super::string::write_str;
use super::tree::{self, MapTree, SeqTree, Tree};
use crate::model::{FieldSchema, Shape};

/// Writes `value` as it is, with serde_json; `true` if it was `null`.
pub(super) fn write_any<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<bool, Error> {
    let start = out.len();
    value.serialize(&mut serde_json::Serializer::new(&mut *out)).map_err(Error::json)?;
    Ok(out[start..] == *b"null")
}

/// Writes `value` as `shape` describes it; `true` if it wrote `null`.
#[inline]
pub(super) fn write_value<T: Serialize + ?Sized>(
    value: &T,
    shape: Shape,
    top: bool,
    ctx: &mut Ctx<'_>,
) -> Result<bool, Error> {
    write_expected(value, Expect::new(shape, top), ctx)
}

#[inline]
pub(super) fn write_expected<T: Serialize + ?Sized>(
    value: &T,
    expect: Expect,
    ctx: &mut Ctx<'_>,
) -> Result<bool, Error> {
    if let Sh::Any = expect.sh {
        return write_any(value, &mut ctx.out);
    }
    ctx.expect = expect;
    value.serialize(ShapeSer(ctx))
}

/// [`write_expected`] for an `expect` that is not [`Sh::Any`] (a model): without the branch
/// that would compile serde_json's serializer for `T` too.
#[inline]
pub(super) fn write_shaped<T: Serialize + ?Sized>(
    value: &T,
    expect: Expect,
    ctx: &mut Ctx<'_>,
) -> Result<bool, Error> {
    debug_assert!(!matches!(expect.sh, Sh::Any));
    ctx.expect = expect;
    value.serialize(ShapeSer(ctx))
}

/// Writes a value that had to be built as a [`Tree`] (enum variants with data), filtered by
/// the reference filter.
#[cold]
fn write_tree(value: Tree, expect: Expect, ctx: &mut Ctx<'_>) -> Result<bool, Error> {
    let filtered = shaped_sh(value, expect.sh, expect.nullable, ctx.options, expect.top, "$")
        .map_err(Error::failure)?;
    write_any(&filtered, &mut ctx.out)
}

// ---------------------------------------------------------------------------------------------
// The serializer of one value of the shape `ctx.expect` (never `Sh::Any` at the top:
// [`write_expected`] writes those with serde_json). `Ok(true)` means it wrote `null`.

struct ShapeSer<'a, 'o>(&'a mut Ctx<'o>);

impl<'a, 'o> ShapeSer<'a, 'o> {
    #[cold]
    #[inline(never)]
    fn wrong(&self, found: &str) -> Error {
        Error::wrong(self.0.expect.sh.expected(), found)
    }

    #[inline]
    fn null(self) -> Result<bool, Error> {
        let expect = self.0.expect;
        if expect.nullable || matches!(expect.sh, Sh::Any) {
            self.0.out.extend_from_slice(b"null");
            Ok(true)
        } else {
            Err(self.wrong("null"))
        }
    }

    #[inline]
    fn seq(self) -> Result<Compound<'a, 'o>, Error> {
        let expect = self.0.expect;
        let items = match expect.sh {
            Sh::List(inner) => Expect::new(inner(), expect.top),
            Sh::Any => Expect::ANY,
            _ => return Err(self.wrong("an array")),
        };
        self.0.open_items(Kind::List, items);
        Ok(Compound(self.0))
    }

    #[inline]
    fn object(self) -> Result<Compound<'a, 'o>, Error> {
        let expect = self.0.expect;
        match expect.sh {
            Sh::Model(schema) => self.0.open_model(schema, expect.top),
            Sh::Map(inner) => self.0.open_items(Kind::Map, Expect::new(inner(), false)),
            Sh::Any => self.0.open_items(Kind::Map, Expect::ANY),
            _ => return Err(self.wrong("an object")),
        }
        Ok(Compound(self.0))
    }

    fn variant<S>(self, inner: Result<S, Error>) -> Result<VariantSer<'a, 'o, S>, Error> {
        let expect = self.0.expect;
        if !matches!(expect.sh, Sh::Any | Sh::Map(_) | Sh::Model(_)) {
            return Err(self.wrong("an object"));
        }
        Ok(VariantSer { inner: inner?, ctx: self.0, expect })
    }
}

impl<'a, 'o> ser::Serializer for ShapeSer<'a, 'o> {
    type Ok = bool;
    type Error = Error;
    type SerializeSeq = Compound<'a, 'o>;
    type SerializeTuple = Compound<'a, 'o>;
    type SerializeTupleStruct = Compound<'a, 'o>;
    type SerializeTupleVariant = VariantSer<'a, 'o, SeqTree>;
    type SerializeMap = Compound<'a, 'o>;
    type SerializeStruct = Compound<'a, 'o>;
    type SerializeStructVariant = VariantSer<'a, 'o, MapTree>;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<bool, Error> {
        match self.0.expect.sh {
            Sh::Bool | Sh::Any => {
                self.0.out.extend_from_slice(if v { b"true" } else { b"false" });
                Ok(false)
            }
            _ => Err(self.wrong("a boolean")),
        }
    }

    #[inline]
    fn serialize_i8(self, v: i8) -> Result<bool, Error> {
        self.serialize_i64(v.into())
    }

    #[inline]
    fn serialize_i16(self, v: i16) -> Result<bool, Error> {
        self.serialize_i64(v.into())
    }

    #[inline]
    fn serialize_i32(self, v: i32) -> Result<bool, Error> {
        self.serialize_i64(v.into())
    }

    #[inline]
    fn serialize_i64(self, v: i64) -> Result<bool, Error> {
        match self.0.expect.sh {
            Sh::Int | Sh::Float | Sh::Any => {
                let _ = CompactFormatter.write_i64(&mut self.0.out, v);
                Ok(false)
            }
            _ => Err(self.wrong("a number")),
        }
    }

    #[inline]
    fn serialize_i128(self, v: i128) -> Result<bool, Error> {
        // As `serde_json::to_value`: 128-bit integers must fit in 64 bits.
        if let Ok(v) = u64::try_from(v) {
            self.serialize_u64(v)
        } else if let Ok(v) = i64::try_from(v) {
            self.serialize_i64(v)
        } else {
            Err(Error::new("number out of range".to_owned()))
        }
    }

    #[inline]
    fn serialize_u8(self, v: u8) -> Result<bool, Error> {
        self.serialize_u64(v.into())
    }

    #[inline]
    fn serialize_u16(self, v: u16) -> Result<bool, Error> {
        self.serialize_u64(v.into())
    }

    #[inline]
    fn serialize_u32(self, v: u32) -> Result<bool, Error> {
        self.serialize_u64(v.into())
    }

    #[inline]
    fn serialize_u64(self, v: u64) -> Result<bool, Error> {
        match self.0.expect.sh {
            Sh::Int | Sh::Float | Sh::Any => {
                let _ = CompactFormatter.write_u64(&mut self.0.out, v);
                Ok(false)
            }
            _ => Err(self.wrong("a number")),
        }
    }

    #[inline]
    fn serialize_u128(self, v: u128) -> Result<bool, Error> {
        match u64::try_from(v) {
            Ok(v) => self.serialize_u64(v),
            Err(_) => Err(Error::new("number out of range".to_owned())),
        }
    }

    #[inline]
    fn serialize_f32(self, v: f32) -> Result<bool, Error> {
        // As `serde_json::to_value`: an `f32` is written as the `f64` it converts to.
        self.serialize_f64(v.into())
    }

    #[inline]
    fn serialize_f64(self, v: f64) -> Result<bool, Error> {
        if !v.is_finite() {
            // serde_json writes NaN and the infinities as `null`.
            return self.null();
        }
        match self.0.expect.sh {
            Sh::Float | Sh::Any => {
                let _ = CompactFormatter.write_f64(&mut self.0.out, v);
                Ok(false)
            }
            _ => Err(self.wrong("a number")),
        }
    }

    #[inline]
    fn serialize_char(self, v: char) -> Result<bool, Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<bool, Error> {
        match self.0.expect.sh {
            Sh::Str | Sh::Any => {
                write_str(&mut self.0.out, v);
                Ok(false)
            }
            _ => Err(self.wrong("a string")),
        }
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<bool, Error> {
        let mut seq = self.seq()?;
        for byte in v {
            ser::SerializeSeq::serialize_element(&mut seq, byte)?;
        }
        ser::SerializeSeq::end(seq)
    }

    #[inline]
    fn serialize_none(self) -> Result<bool, Error> {
        self.null()
    }

    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<bool, Error> {
        value.serialize(self)
    }

    #[inline]
    fn serialize_unit(self) -> Result<bool, Error> {
        self.null()
    }

    #[inline]
    fn serialize_unit_struct(self, _name: &'static str) -> Result<bool, Error> {
        self.null()
    }

    #[inline]
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<bool, Error> {
        self.serialize_str(variant)
    }

    #[inline]
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<bool, Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<bool, Error> {
        // `{"variant": value}`: rare enough to go through a `Tree`.
        let expect = self.0.expect;
        if !matches!(expect.sh, Sh::Any | Sh::Map(_) | Sh::Model(_)) {
            return Err(self.wrong("an object"));
        }
        let value = tree::newtype_variant(name, index, variant, value)?;
        write_tree(value, expect, self.0)
    }

    #[inline]
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 'o>, Error> {
        self.seq()
    }

    #[inline]
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, 'o>, Error> {
        self.seq()
    }

    #[inline]
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'o>, Error> {
        self.seq()
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSer<'a, 'o, SeqTree>, Error> {
        self.variant(tree::tuple_variant(name, index, variant, len))
    }

    #[inline]
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 'o>, Error> {
        self.object()
    }

    #[inline]
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a, 'o>, Error> {
        self.object()
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSer<'a, 'o, MapTree>, Error> {
        self.variant(tree::struct_variant(name, index, variant, len))
    }
}

// ---------------------------------------------------------------------------------------------
// Enum variants with data: built as a `Tree`, then filtered.

struct VariantSer<'a, 'o, S> {
    inner: S,
    ctx: &'a mut Ctx<'o>,
    expect: Expect,
}

impl ser::SerializeTupleVariant for VariantSer<'_, '_, SeqTree> {
    type Ok = bool;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeTupleVariant::serialize_field(&mut self.inner, value)
    }

    fn end(self) -> Result<bool, Error> {
        let value = ser::SerializeTupleVariant::end(self.inner)?;
        write_tree(value, self.expect, self.ctx)
    }
}

impl ser::SerializeStructVariant for VariantSer<'_, '_, MapTree> {
    type Ok = bool;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStructVariant::serialize_field(&mut self.inner, key, value)
    }

    fn end(self) -> Result<bool, Error> {
        let value = ser::SerializeStructVariant::end(self.inner)?;
        write_tree(value, self.expect, self.ctx)
    }
}

// ---------------------------------------------------------------------------------------------
// Objects and arrays: the innermost open frame says which.

struct Compound<'a, 'o>(&'a mut Ctx<'o>);

#[cold]
fn misused() -> Error {
    Error::new("serializer misused".to_owned())
}

impl Compound<'_, '_> {
    /// An item of a list.
    #[inline]
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let ctx = &mut *self.0;
        let frame = &mut ctx.scratch.frames[ctx.depth - 1];
        if frame.kind != Kind::List {
            return Err(misused());
        }
        let index = frame.next;
        let items = frame.items;
        frame.next += 1;
        if index > 0 {
            ctx.out.push(b',');
        }
        write_expected(value, items, ctx).map_err(|e| e.at(Seg::Index(index)))?;
        Ok(())
    }

    /// Closes the innermost frame.
    #[inline]
    fn close(self) -> Result<bool, Error> {
        let ctx = self.0;
        let frame = &ctx.scratch.frames[ctx.depth - 1];
        match frame.kind {
            Kind::List => ctx.out.push(b']'),
            Kind::Map => ctx.out.push(b'}'),
            Kind::Model => {
                if frame.next < frame.fields.len() || frame.pending.is_some() {
                    return close_model_slow(ctx);
                }
                ctx.out.push(b'}');
            }
        }
        ctx.depth -= 1;
        Ok(false)
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = bool;
    type Error = Error;

    #[inline]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    #[inline]
    fn end(self) -> Result<bool, Error> {
        self.close()
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = bool;
    type Error = Error;

    #[inline]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    #[inline]
    fn end(self) -> Result<bool, Error> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = bool;
    type Error = Error;

    #[inline]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    #[inline]
    fn end(self) -> Result<bool, Error> {
        self.close()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = bool;
    type Error = Error;

    // A call from each record's `Serialize`, compiled once per field type (`String`, `i64`,
    // ...) and shared by every record. Inlined into each record (`inline(always)` before
    // 376b74b), it saved about 20 instructions per field (130 per request on the load
    // benchmark's six-field `users` record), and made each record's `Serialize` 4.3 KB of
    // machine code instead of 0.25 KB: a release rebuild of a 100-record app took 1.4x as
    // long. In the filter's own benchmark (`model_filter`) the call costs about 4 ns a field
    // written.
    #[inline(never)]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let ctx = &mut *self.0;
        let frame = &mut ctx.scratch.frames[ctx.depth - 1];
        // The common cases: a model with nothing to check after writing, and the field whose
        // turn it is, or a field the model lacks.
        if frame.plain {
            let next = frame.next;
            if let Some(field) = frame.fields.get(next)
                && same_name(field.name, key)
            {
                if let Some(slot) = ctx.scratch.keys.get(frame.key_base + next) {
                    write_cached_key(&mut ctx.out, slot, frame.first, field.name);
                    let expect = Expect::of_field(field, slot[22]);
                    frame.next = next + 1;
                    frame.first = false;
                    write_expected(value, expect, ctx).map_err(|e| e.at(Seg::Name(field.name)))?;
                    return Ok(());
                }
            } else if frame.names & name_bit(key) == 0 || !has_field(frame.fields, key) {
                return Ok(());
            }
        }
        struct_field_slow(ctx, key, value)
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn end(self) -> Result<bool, Error> {
        self.close()
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = bool;
    type Error = Error;

    fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), Error> {
        let ctx = &mut *self.0;
        let mut buf = std::mem::take(&mut ctx.scratch.key);
        buf.clear();
        let captured = key.serialize(KeySer(&mut buf));
        if captured.is_ok() {
            let frame = &mut ctx.scratch.frames[ctx.depth - 1];
            match frame.kind {
                Kind::Model => ctx.current = lookup(frame, ctx.options, &buf),
                Kind::Map => {
                    if !frame.first {
                        ctx.out.push(b',');
                    }
                    frame.first = false;
                    let start = ctx.out.len();
                    write_str(&mut ctx.out, &buf);
                    ctx.key_at = (start, ctx.out.len());
                    ctx.out.push(b':');
                }
                Kind::List => return Err(misused()),
            }
        }
        ctx.scratch.key = buf;
        captured
    }

    fn serialize_value<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), Error> {
        let ctx = &mut *self.0;
        match ctx.scratch.frames[ctx.depth - 1].kind {
            Kind::Model => match std::mem::replace(&mut ctx.current, NO_FIELD) {
                NO_FIELD => Ok(()),
                index => put(ctx, index, value),
            },
            Kind::Map => {
                let items = ctx.scratch.frames[ctx.depth - 1].items;
                let (start, end) = ctx.key_at;
                match write_expected(value, items, ctx) {
                    Ok(_) => Ok(()),
                    Err(error) => {
                        let key = serde_json::from_slice::<String>(&ctx.out[start..end])
                            .unwrap_or_default();
                        Err(error.at(Seg::Owned(key)))
                    }
                }
            }
            Kind::List => Err(misused()),
        }
    }

    #[inline]
    fn end(self) -> Result<bool, Error> {
        self.close()
    }
}

/// Whether the model has a field called `key`.
#[inline(never)]
fn has_field(fields: &[FieldSchema], key: &str) -> bool {
    fields.iter().any(|field| same_name(field.name, key))
}

/// A struct's field that is not the model's field in its turn, or a struct written as a map.
#[inline(never)]
fn struct_field_slow<T: Serialize + ?Sized>(
    ctx: &mut Ctx<'_>,
    key: &'static str,
    value: &T,
) -> Result<(), Error> {
    let frame = &mut ctx.scratch.frames[ctx.depth - 1];
    match frame.kind {
        Kind::Model => match lookup(frame, ctx.options, key) {
            NO_FIELD => Ok(()),
            index => put(ctx, index, value),
        },
        Kind::Map => {
            write_key(&mut ctx.out, frame.first, key);
            frame.first = false;
            let items = frame.items;
            write_expected(value, items, ctx).map_err(|e| e.at(Seg::Name(key)))?;
            Ok(())
        }
        Kind::List => Err(misused()),
    }
}

/// The kept field of the model in `frame` called `key`, or [`NO_FIELD`].
#[inline]
fn lookup(frame: &Frame, options: &FilterOptions, key: &str) -> usize {
    let index = match frame.fields.get(frame.next) {
        Some(field) if same_name(field.name, key) => frame.next,
        _ => match frame.fields.iter().position(|field| same_name(field.name, key)) {
            Some(index) => index,
            None => return NO_FIELD,
        },
    };
    if frame.filter && !kept(options, key) {
        return NO_FIELD;
    }
    index
}
