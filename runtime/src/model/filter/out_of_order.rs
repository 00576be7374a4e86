//! A model's fields off the fast path: a field found by name and written in its turn, one that
//! arrives before an earlier field (written into a [`Pending`] buffer, copied in place once
//! the fields before it are settled), and the end of the object, where missing fields get
//! their defaults; `exclude_none` and `exclude_defaults` too.

use serde::Serialize;
use serde_json::Value;

use super::FilterOptions;
use super::context::Ctx;
use super::error::{Error, Seg};
use super::keys::{kept, write_cached_key};
use super::reference::shaped;
use super::serializer::{write_any, write_value};
use super::tree::{default_tree, to_tree};
use crate::model::{FieldSchema, Shape};

/// The bytes of fields that arrived before an earlier field of their model.
#[derive(Default)]
pub(super) struct Pending {
    buf: Vec<u8>,
    slots: Vec<Slot>,
}

/// A field's value in [`Pending::buf`]; an empty range is a field left out.
#[derive(Clone, Copy)]
struct Slot {
    field: usize,
    start: usize,
    end: usize,
}

impl Pending {
    fn slot(&self, field: usize) -> Option<Slot> {
        self.slots.iter().find(|slot| slot.field == field).copied()
    }
}

/// Scratch buffers larger than this are not kept.
const KEPT_CAPACITY: usize = 1 << 16;

/// Skips the fields that `include` and `exclude` leave out, from the next one on.
pub(super) fn skip_unkept(ctx: &mut Ctx<'_>) {
    let frame = &mut ctx.scratch.frames[ctx.depth - 1];
    while frame.fields.get(frame.next).is_some_and(|field| !kept(ctx.options, field.name)) {
        frame.next += 1;
    }
}

/// Writes the model's field `index`: now if it is its turn, else into the scratch buffer.
pub(super) fn put<T: Serialize + ?Sized>(
    ctx: &mut Ctx<'_>,
    index: usize,
    value: &T,
) -> Result<(), Error> {
    let frame = &ctx.scratch.frames[ctx.depth - 1];
    if index != frame.next {
        return put_early(ctx, index, value);
    }
    let field = &frame.fields[index];
    let shape = (field.shape)();
    let mark = ctx.out.len();
    write_cached_key(
        &mut ctx.out,
        &ctx.scratch.keys[frame.key_base + index],
        frame.first,
        field.name,
    );
    let null = write_value(value, shape, false, ctx).map_err(|e| e.at(Seg::Name(field.name)))?;
    let omit = omitted(ctx.options, field, shape, null, value);
    if omit {
        ctx.out.truncate(mark);
    }
    let frame = &mut ctx.scratch.frames[ctx.depth - 1];
    frame.next += 1;
    frame.first &= omit;
    drain(ctx, false)
}

/// A field that comes before its turn (or again): into the scratch buffer.
#[cold]
#[inline(never)]
fn put_early<T: Serialize + ?Sized>(
    ctx: &mut Ctx<'_>,
    index: usize,
    value: &T,
) -> Result<(), Error> {
    let frame = &mut ctx.scratch.frames[ctx.depth - 1];
    let repeated = index < frame.next
        || frame.pending.as_ref().is_some_and(|pending| pending.slot(index).is_some());
    if repeated {
        ctx.fallback = true;
        return Err(Error::new("field repeated".to_owned()));
    }
    let field = &frame.fields[index];
    let mut pending = match frame.pending.take() {
        Some(pending) => pending,
        None => ctx.scratch.pool.pop().unwrap_or_default(),
    };
    let shape = (field.shape)();
    // The field is written into the scratch buffer, as the output for a while.
    std::mem::swap(&mut ctx.out, &mut pending.buf);
    let start = ctx.out.len();
    let written = write_value(value, shape, false, ctx);
    if written.as_ref().is_ok_and(|&null| omitted(ctx.options, field, shape, null, value)) {
        ctx.out.truncate(start);
    }
    let end = ctx.out.len();
    std::mem::swap(&mut ctx.out, &mut pending.buf);
    written.map_err(|e| e.at(Seg::Name(field.name)))?;
    pending.slots.push(Slot { field: index, start, end });
    let frame = &mut ctx.scratch.frames[ctx.depth - 1];
    frame.pending = Some(pending);
    frame.plain = false;
    Ok(())
}

/// Writes the fields from `next` on that are settled: left out by `include`/`exclude`, or
/// waiting in the scratch buffer. At the end (`finish`), missing fields too.
fn drain(ctx: &mut Ctx<'_>, finish: bool) -> Result<(), Error> {
    let frame = &mut ctx.scratch.frames[ctx.depth - 1];
    while let Some(field) = frame.fields.get(frame.next) {
        let index = frame.next;
        if frame.filter && !kept(ctx.options, field.name) {
            frame.next += 1;
            continue;
        }
        let key = &ctx.scratch.keys[frame.key_base + index];
        match frame.pending.as_ref().and_then(|pending| pending.slot(index)) {
            Some(slot) => {
                if slot.start < slot.end
                    && let Some(pending) = &frame.pending
                {
                    write_cached_key(&mut ctx.out, key, frame.first, field.name);
                    ctx.out.extend_from_slice(&pending.buf[slot.start..slot.end]);
                    frame.first = false;
                }
            }
            None if finish => {
                // A field the value lacks: its default, or an error.
                let options = ctx.options;
                match field.default {
                    None => {
                        return Err(
                            Error::new("field required".to_owned()).at(Seg::Name(field.name))
                        );
                    }
                    // A filled-in default always equals the default.
                    Some(_) if options.exclude_unset || options.exclude_defaults => {}
                    Some(default) => {
                        let value = default();
                        if !(options.exclude_none && value.is_null()) {
                            write_cached_key(&mut ctx.out, key, frame.first, field.name);
                            write_default(value, field, &mut ctx.out)?;
                            frame.first = false;
                        }
                    }
                }
            }
            None => break,
        }
        frame.next += 1;
    }
    Ok(())
}

/// Writes a field's default: a scalar or an empty array or object as it is, anything else in
/// the order of the field's shape (see [`default_tree`]).
fn write_default(value: Value, field: &FieldSchema, out: &mut Vec<u8>) -> Result<bool, Error> {
    match &value {
        Value::Array(items) if !items.is_empty() => {}
        Value::Object(map) if !map.is_empty() => {}
        _ => return write_any(&value, out),
    }
    write_any(&default_tree(value, (field.shape)()), out)
}

/// Closes a model's object that lacks fields or has fields waiting.
#[inline(never)]
pub(super) fn close_model_slow(ctx: &mut Ctx<'_>) -> Result<bool, Error> {
    drain(ctx, true)?;
    ctx.out.push(b'}');
    if let Some(mut pending) = ctx.scratch.frames[ctx.depth - 1].pending.take()
        && pending.buf.capacity() <= KEPT_CAPACITY
        && ctx.scratch.pool.len() < 8
    {
        pending.buf.clear();
        pending.slots.clear();
        ctx.scratch.pool.push(pending);
    }
    ctx.depth -= 1;
    Ok(false)
}

/// Whether a written field is left out by `exclude_none` or `exclude_defaults`.
#[inline]
fn omitted<T: Serialize + ?Sized>(
    options: &FilterOptions,
    field: &FieldSchema,
    shape: Shape,
    null: bool,
    value: &T,
) -> bool {
    (options.exclude_none && null)
        || (options.exclude_defaults && field.default.is_some_and(|d| is_default(value, shape, d)))
}

/// Whether `value`, filtered, equals `default()`, compared as `Value`s (objects in any order)
/// as the reference does.
#[cold]
fn is_default<T: Serialize + ?Sized>(value: &T, shape: Shape, default: fn() -> Value) -> bool {
    let options = FilterOptions::default();
    to_tree(value)
        .ok()
        .and_then(|value| shaped(value, shape, &options, false, "$").ok())
        .is_some_and(|value| value.into_value() == default())
}
