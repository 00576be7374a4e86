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
//! within a few percent of `serde_json::to_vec` on the model type itself.
//!
//! [`filter_to_vec_reference`] is the same filter written the simple way (through a
//! `serde_json::Value`); the tests use it as the oracle, and the streaming filter falls back
//! to it for inputs that repeat a field of a model, which only hand-written `Serialize` impls
//! or colliding `flatten`ed fields produce.

mod string;

use std::cell::Cell;
use std::fmt::{self, Display, Write as _};

use serde::Serialize;
use serde::ser::{self, Impossible};
use serde_json::ser::{CompactFormatter, Formatter as _};
use serde_json::{Map, Value};

use super::shape::{FieldSchema, ModelSchema, Shape};
use string::{half, word, write_str};

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
    match stream(value, root, options, &mut out) {
        Ok(()) => Ok(out),
        Err(failed) => model_failed(value, schema, options, failed),
    }
}

/// [`filter_to_vec`] when the streaming filter gave up.
#[cold]
#[inline(never)]
fn model_failed<T: Serialize + ?Sized>(
    value: &T,
    schema: &'static ModelSchema,
    options: &FilterOptions,
    failed: Failed,
) -> Result<Vec<u8>, ResponseValidationError> {
    match failed {
        Failed::Repeated => filter_to_vec_reference(value, schema, options),
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
    match stream(value, Expect::new(shape, true), options, &mut out) {
        Ok(()) => Ok(out),
        Err(failed) => shape_failed(value, shape, model_name, options, failed),
    }
}

/// [`filter_shape_to_vec`] when the streaming filter gave up.
#[cold]
#[inline(never)]
fn shape_failed<T: Serialize + ?Sized>(
    value: &T,
    shape: Shape,
    model_name: &'static str,
    options: &FilterOptions,
    failed: Failed,
) -> Result<Vec<u8>, ResponseValidationError> {
    match failed {
        Failed::Repeated => filter_shape_to_vec_reference(value, shape, model_name, options),
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

/// Writes `value` as `expect` describes it into `dest` (a partial body if it fails).
///
/// The output ends up in the caller's own local (the public functions are inlined). Returned
/// inside the `Result`, the `Vec` was written field by field just before the return, and a
/// caller that moved it out with a wide load waited for those stores: ~5 ns of the ~70 ns a
/// small model takes (an empty model: 32 ns through `unwrap`, 26 ns when only its length was
/// read). Copied into `dest` whole, it is not. Writing through `dest` all along was slower:
/// every write then loads the pointer first.
fn stream<T: Serialize + ?Sized>(
    value: &T,
    expect: Expect,
    options: &FilterOptions,
    dest: &mut Vec<u8>,
) -> Result<(), Failed> {
    let mut ctx = Ctx::new(options);
    let written = write_expected(value, expect, &mut ctx);
    *dest = std::mem::take(&mut ctx.out);
    match (ctx.finish(), written) {
        (true, _) => Err(Failed::Repeated),
        (false, Ok(_)) => Ok(()),
        (false, Err(error)) => Err(Failed::Invalid(error)),
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes, resolved.

/// A [`Shape`] with its `Nullable` layers taken off (they become a flag beside it) and a
/// nested model's schema looked up.
#[derive(Clone, Copy)]
enum Sh {
    Any,
    Str,
    Int,
    Float,
    Bool,
    List(fn() -> Shape),
    Map(fn() -> Shape),
    Model(&'static ModelSchema),
}

impl Sh {
    fn expected(self) -> &'static str {
        match self {
            Self::Any => "any value",
            Self::Str => "a string",
            Self::Int => "an integer",
            Self::Float => "a number",
            Self::Bool => "a boolean",
            Self::List(_) => "an array",
            Self::Map(_) | Self::Model(_) => "an object",
        }
    }
}

/// The shape without its `Nullable` layers, and whether there were any.
#[inline(always)]
fn resolve(mut shape: Shape) -> (Sh, bool) {
    let mut nullable = false;
    loop {
        let sh = match shape {
            Shape::Nullable(inner) => {
                nullable = true;
                shape = inner();
                continue;
            }
            Shape::Any => Sh::Any,
            Shape::Str => Sh::Str,
            Shape::Int => Sh::Int,
            Shape::Float => Sh::Float,
            Shape::Bool => Sh::Bool,
            Shape::List(inner) => Sh::List(inner),
            Shape::Map(inner) => Sh::Map(inner),
            Shape::Model(schema) => Sh::Model(schema()),
        };
        return (sh, nullable);
    }
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// One step of an error's path.
#[derive(Debug)]
enum Seg {
    Name(&'static str),
    Index(usize),
    Owned(String),
}

#[derive(Debug)]
struct Fault {
    /// Innermost step first: each level pushes its own step while the error unwinds.
    path: Vec<Seg>,
    message: String,
}

/// The streaming serializer's error: boxed, so that `Result<bool, Error>` stays small.
#[derive(Debug)]
struct Error(Box<Fault>);

impl Error {
    #[cold]
    fn new(message: String) -> Self {
        Self(Box::new(Fault { path: Vec::new(), message }))
    }

    #[cold]
    fn wrong(expected: &str, found: &str) -> Self {
        Self::new(format!("expected {expected}, found {found}"))
    }

    #[cold]
    #[inline(never)]
    fn at(mut self, seg: Seg) -> Self {
        self.0.path.push(seg);
        self
    }

    #[cold]
    fn json(error: serde_json::Error) -> Self {
        Self::new(error.to_string())
    }

    /// An error of the reference filter, whose path is relative to where it started.
    #[cold]
    fn failure((path, message): Failure) -> Self {
        let error = Self::new(message);
        if path == "$" { error } else { error.at(Seg::Owned(path)) }
    }

    fn into_public(self, model: &'static str) -> ResponseValidationError {
        let Fault { path, message } = *self.0;
        let path = if path.is_empty() {
            "$".to_owned()
        } else {
            let mut joined = String::new();
            for seg in path.iter().rev() {
                if !joined.is_empty() {
                    joined.push('.');
                }
                match seg {
                    Seg::Name(name) => joined.push_str(name),
                    Seg::Index(index) => {
                        let _ = write!(joined, "{index}");
                    }
                    Seg::Owned(part) => joined.push_str(part),
                }
            }
            joined
        };
        ResponseValidationError { model, path, message }
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    #[cold]
    fn custom<M: Display>(message: M) -> Self {
        Self::new(message.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// The state of one filtering.
//
// Like serde_json's, the serializer and its compounds are one `&mut` pointer each: the output,
// the shape expected of the next value and a stack of the open objects and arrays all live in
// `Ctx`. (Passing the state by value made the derived `Serialize` impls copy it around, which
// cost more than the filtering itself. Keeping the open frame in the compound, or in `Ctx`
// with the outer ones saved on the stack, was tried too: the list of models got 15-30% slower,
// most likely because both copy a whole frame right after single fields of it were written,
// and such a copy waits for those stores.)

/// The shape expected of a value, `Nullable` layers taken off.
#[derive(Clone, Copy)]
struct Expect {
    sh: Sh,
    nullable: bool,
    /// Whether a model here is an outermost one (`include` and `exclude` apply to it).
    top: bool,
}

impl Expect {
    #[inline(always)]
    fn new(shape: Shape, top: bool) -> Self {
        let (sh, nullable) = resolve(shape);
        Self { sh, nullable, top }
    }

    /// What any JSON value fits.
    const ANY: Self = Self { sh: Sh::Any, nullable: true, top: false };

    /// The expectation of a model's field, from the code kept in its key slot (see [`Key`]):
    /// scalar shapes without a call to the field's `shape` function.
    #[inline(always)]
    fn of_field(field: &FieldSchema, code: u8) -> Self {
        let sh = match code & SHAPE_MASK {
            SHAPE_STR => Sh::Str,
            SHAPE_INT => Sh::Int,
            SHAPE_FLOAT => Sh::Float,
            SHAPE_BOOL => Sh::Bool,
            SHAPE_ANY => Sh::Any,
            _ => return Self::new((field.shape)(), false),
        };
        Self { sh, nullable: code & SHAPE_NULLABLE != 0, top: false }
    }
}

/// The bytes of fields that arrived before an earlier field of their model.
#[derive(Default)]
struct Pending {
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A model's object: fields written in the model's order.
    Model,
    /// A map of values of one shape, entries in the value's order.
    Map,
    /// An array of values of one shape.
    List,
}

/// [`Ctx::current`] when the key is no field of the model.
const NO_FIELD: usize = usize::MAX;

/// A model's keys, `,"name":` for each field, ready to append: the text in bytes `0..22`, its
/// length in byte 23 (0 for a name that is longer than 18 bytes or needs escaping), and in byte
/// 22 the field's shape when it is a scalar one (`SHAPE_*`; 0: call the field's `shape`).
type Key = [u8; 24];

const SHAPE_MASK: u8 = 0b111;
const SHAPE_STR: u8 = 1;
const SHAPE_INT: u8 = 2;
const SHAPE_FLOAT: u8 = 3;
const SHAPE_BOOL: u8 = 4;
const SHAPE_ANY: u8 = 5;
const SHAPE_NULLABLE: u8 = 0b1000;

/// How many models' keys a thread keeps track of (a direct-mapped table: a model whose slot
/// another one took has its keys made again).
const KEY_TABLE: usize = 64;

/// Past this many keys, a filtering starts the thread's keys afresh.
const KEY_ARENA: usize = 4096;

/// Scratch buffers larger than this are not kept.
const KEPT_CAPACITY: usize = 1 << 16;

/// A model whose keys a thread keeps.
#[derive(Clone, Copy)]
struct Known {
    /// The schema's address.
    id: usize,
    /// Where its keys start in [`Scratch::keys`].
    base: usize,
    /// The [`name_bit`]s of its fields' names.
    names: u64,
}

impl Known {
    const NONE: Self = Self { id: 0, base: 0, names: 0 };
}

/// A bit that a name sets in [`Known::names`]: a key whose bit a model lacks is not one of its
/// fields, found without comparing names.
#[inline(always)]
fn name_bit(name: &str) -> u64 {
    let first = name.as_bytes().first().copied().unwrap_or(0);
    1 << ((name.len() * 5 + usize::from(first)) % 64)
}

/// What a filtering leaves to the next one on the same thread: the keys of the models it met,
/// and buffers.
struct Scratch {
    /// The models whose keys are in `keys`.
    key_index: [Known; KEY_TABLE],
    keys: Vec<Key>,
    frames: Vec<Frame>,
    /// A reused buffer for map keys.
    key: String,
    /// Scratch buffers of finished objects, for the next ones.
    #[expect(clippy::vec_box, reason = "moved to and from `Frame::pending`, which stays small")]
    pool: Vec<Box<Pending>>,
}

thread_local! {
    static SCRATCH: Cell<Option<Box<Scratch>>> = const { Cell::new(None) };
}

impl Scratch {
    #[cold]
    fn new() -> Box<Self> {
        Box::new(Self {
            key_index: [Known::NONE; KEY_TABLE],
            keys: Vec::new(),
            frames: Vec::new(),
            key: String::new(),
            pool: Vec::new(),
        })
    }
}

/// `,"name":` in a key slot, with the field's shape code (see [`Key`]).
fn render_key(name: &str, shape: Shape) -> Key {
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
#[inline(always)]
fn write_cached_key(out: &mut Vec<u8>, slot: &Key, first: bool, name: &str) {
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
fn write_key(out: &mut Vec<u8>, first: bool, name: &str) {
    if !first {
        out.push(b',');
    }
    write_str(out, name);
    out.push(b':');
}

/// Whether a top-level field passes `include` and `exclude`.
fn kept(options: &FilterOptions, name: &str) -> bool {
    options.include.is_none_or(|include| include.contains(&name))
        && !options.exclude.contains(&name)
}

/// An open object or array. Frames are reused: opening one sets its fields.
struct Frame {
    kind: Kind,
    /// Nothing to do after writing a model's field in its turn: no `include`/`exclude` here, no
    /// `exclude_none`/`exclude_defaults`, no field waiting in `pending`. Never set for maps and
    /// lists.
    plain: bool,
    /// No field, entry or item written yet.
    first: bool,
    /// Whether `include` and `exclude` apply (models).
    filter: bool,
    /// The model's fields.
    fields: &'static [FieldSchema],
    /// Where the model's keys start in [`Scratch::keys`].
    key_base: usize,
    /// The [`name_bit`]s of the model's fields.
    names: u64,
    /// A model's next field to write (every kept field before it has been written or left
    /// out), or a list's next index.
    next: usize,
    /// Fields that came before their turn.
    pending: Option<Box<Pending>>,
    /// The shape of a map's values or a list's items.
    items: Expect,
}

impl Frame {
    const NEW: Self = Self {
        kind: Kind::List,
        plain: false,
        first: true,
        filter: false,
        fields: &[],
        key_base: 0,
        names: 0,
        next: 0,
        pending: None,
        items: Expect::ANY,
    };
}

struct Ctx<'o> {
    /// Where values are written (a [`Pending`] buffer while a field that came early is).
    out: Vec<u8>,
    /// The shape expected of the value being serialized.
    expect: Expect,
    /// `scratch.frames[..depth]` are open, the innermost last.
    depth: usize,
    /// The field of a model that `serialize_key` found ([`NO_FIELD`]: the entry is dropped),
    /// for the `serialize_value` that follows.
    current: usize,
    /// Where a map's current key was written, to name it in an error.
    key_at: (usize, usize),
    options: &'o FilterOptions,
    /// [`Frame::plain`] for a model that is not top-level, and for one that is.
    plain: [bool; 2],
    /// Whether `include` or `exclude` say anything.
    filtering: bool,
    /// Set when the value repeats a field of a model: the reference filter then writes it.
    fallback: bool,
    scratch: Box<Scratch>,
}

impl<'o> Ctx<'o> {
    #[inline(always)]
    fn new(options: &'o FilterOptions) -> Self {
        let omitting = options.exclude_none || options.exclude_defaults;
        let filtering = options.include.is_some() || !options.exclude.is_empty();
        let mut scratch = SCRATCH.try_with(Cell::take).ok().flatten().unwrap_or_else(Scratch::new);
        if scratch.keys.len() > KEY_ARENA {
            scratch.keys.clear();
            scratch.key_index = [Known::NONE; KEY_TABLE];
        }
        Self {
            out: Vec::with_capacity(INITIAL_CAPACITY),
            expect: Expect::ANY,
            depth: 0,
            current: NO_FIELD,
            key_at: (0, 0),
            options,
            plain: [!omitting, !omitting && !filtering],
            filtering,
            fallback: false,
            scratch,
        }
    }

    /// Whether the reference filter must write the value instead. Gives the scratch back to the
    /// thread.
    #[inline(always)]
    fn finish(self) -> bool {
        let Self { depth, fallback, mut scratch, .. } = self;
        if depth > 0 {
            // Frames left open by an error keep no buffers.
            scratch.frames[..depth].iter_mut().for_each(|frame| frame.pending = None);
        }
        let _ = SCRATCH.try_with(|kept| kept.set(Some(scratch)));
        fallback
    }

    /// `schema`'s keys, made now if this thread has not kept them.
    #[inline(always)]
    fn known(&mut self, schema: &'static ModelSchema) -> Known {
        // Statics live forever: an address names one schema for good.
        let id = std::ptr::from_ref(schema).addr();
        let slot = (id >> 3) % KEY_TABLE;
        let known = self.scratch.key_index[slot];
        if known.id == id { known } else { self.render_keys(slot, id, schema) }
    }

    #[cold]
    #[inline(never)]
    fn render_keys(&mut self, slot: usize, id: usize, schema: &'static ModelSchema) -> Known {
        // The keys only grow during a filtering: open objects' bases stay good.
        let keys = &mut self.scratch.keys;
        let base = keys.len();
        keys.extend(schema.fields.iter().map(|field| render_key(field.name, (field.shape)())));
        let names = schema.fields.iter().fold(0, |names, field| names | name_bit(field.name));
        let known = Known { id, base, names };
        self.scratch.key_index[slot] = known;
        known
    }

    /// Opens a frame: the caller sets its fields.
    #[inline(always)]
    fn open(&mut self) -> &mut Frame {
        let frames = &mut self.scratch.frames;
        if self.depth == frames.len() {
            frames.push(Frame::NEW);
        }
        self.depth += 1;
        &mut frames[self.depth - 1]
    }

    /// Opens a model's object.
    #[inline(always)]
    fn open_model(&mut self, schema: &'static ModelSchema, top: bool) {
        self.out.push(b'{');
        let known = self.known(schema);
        let plain = self.plain[usize::from(top)];
        let filter = top && self.filtering;
        let frame = self.open();
        frame.kind = Kind::Model;
        frame.plain = plain;
        frame.first = true;
        frame.filter = filter;
        frame.fields = schema.fields;
        frame.key_base = known.base;
        frame.names = known.names;
        frame.next = 0;
        frame.pending = None;
        if filter {
            skip_unkept(self);
        }
    }

    /// Opens a map's object or a list's array.
    #[inline(always)]
    fn open_items(&mut self, kind: Kind, items: Expect) {
        self.out.push(if kind == Kind::List { b'[' } else { b'{' });
        let frame = self.open();
        frame.kind = kind;
        frame.plain = false;
        frame.first = true;
        frame.next = 0;
        frame.items = items;
    }
}

// ---------------------------------------------------------------------------------------------
// Writing JSON.

/// Whether two field names are equal. Most of the time they are the same literal (serde's
/// derive and the schema both spell the field's name), else they are compared inline: names
/// are short, and a call to `memcmp` costs more than the comparison.
#[inline(always)]
fn same_name(a: &str, b: &str) -> bool {
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

/// Writes `value` as it is, with serde_json; `true` if it was `null`.
fn write_any<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<bool, Error> {
    let start = out.len();
    value.serialize(&mut serde_json::Serializer::new(&mut *out)).map_err(Error::json)?;
    Ok(out[start..] == *b"null")
}

/// Writes `value` as `shape` describes it; `true` if it wrote `null`.
#[inline(always)]
fn write_value<T: Serialize + ?Sized>(
    value: &T,
    shape: Shape,
    top: bool,
    ctx: &mut Ctx<'_>,
) -> Result<bool, Error> {
    write_expected(value, Expect::new(shape, top), ctx)
}

#[inline(always)]
fn write_expected<T: Serialize + ?Sized>(
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

/// Writes a value that had to be built as a `serde_json::Value` (enum variants with data),
/// filtered by the reference filter.
#[cold]
fn write_json_value(value: Value, expect: Expect, ctx: &mut Ctx<'_>) -> Result<bool, Error> {
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

    #[inline(always)]
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

    fn variant<S>(
        self,
        inner: Result<S, serde_json::Error>,
    ) -> Result<VariantSer<'a, 'o, S>, Error> {
        let expect = self.0.expect;
        if !matches!(expect.sh, Sh::Any | Sh::Map(_) | Sh::Model(_)) {
            return Err(self.wrong("an object"));
        }
        Ok(VariantSer { inner: inner.map_err(Error::json)?, ctx: self.0, expect })
    }
}

type JsonValueSer = serde_json::value::Serializer;
type JsonTupleVariant = <JsonValueSer as ser::Serializer>::SerializeTupleVariant;
type JsonStructVariant = <JsonValueSer as ser::Serializer>::SerializeStructVariant;

impl<'a, 'o> ser::Serializer for ShapeSer<'a, 'o> {
    type Ok = bool;
    type Error = Error;
    type SerializeSeq = Compound<'a, 'o>;
    type SerializeTuple = Compound<'a, 'o>;
    type SerializeTupleStruct = Compound<'a, 'o>;
    type SerializeTupleVariant = VariantSer<'a, 'o, JsonTupleVariant>;
    type SerializeMap = Compound<'a, 'o>;
    type SerializeStruct = Compound<'a, 'o>;
    type SerializeStructVariant = VariantSer<'a, 'o, JsonStructVariant>;

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
        // `{"variant": value}`: rare enough to go through a `Value`.
        let expect = self.0.expect;
        if !matches!(expect.sh, Sh::Any | Sh::Map(_) | Sh::Model(_)) {
            return Err(self.wrong("an object"));
        }
        let value = ser::Serializer::serialize_newtype_variant(
            serde_json::value::Serializer,
            name,
            index,
            variant,
            value,
        )
        .map_err(Error::json)?;
        write_json_value(value, expect, self.0)
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
    ) -> Result<VariantSer<'a, 'o, JsonTupleVariant>, Error> {
        self.variant(ser::Serializer::serialize_tuple_variant(
            serde_json::value::Serializer,
            name,
            index,
            variant,
            len,
        ))
    }

    #[inline(always)]
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 'o>, Error> {
        self.object()
    }

    #[inline(always)]
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a, 'o>, Error> {
        self.object()
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSer<'a, 'o, JsonStructVariant>, Error> {
        self.variant(ser::Serializer::serialize_struct_variant(
            serde_json::value::Serializer,
            name,
            index,
            variant,
            len,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Enum variants with data: built as a `Value`, then filtered.

struct VariantSer<'a, 'o, S> {
    inner: S,
    ctx: &'a mut Ctx<'o>,
    expect: Expect,
}

impl ser::SerializeTupleVariant for VariantSer<'_, '_, JsonTupleVariant> {
    type Ok = bool;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeTupleVariant::serialize_field(&mut self.inner, value).map_err(Error::json)
    }

    fn end(self) -> Result<bool, Error> {
        let value = ser::SerializeTupleVariant::end(self.inner).map_err(Error::json)?;
        write_json_value(value, self.expect, self.ctx)
    }
}

impl ser::SerializeStructVariant for VariantSer<'_, '_, JsonStructVariant> {
    type Ok = bool;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStructVariant::serialize_field(&mut self.inner, key, value)
            .map_err(Error::json)
    }

    fn end(self) -> Result<bool, Error> {
        let value = ser::SerializeStructVariant::end(self.inner).map_err(Error::json)?;
        write_json_value(value, self.expect, self.ctx)
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
    #[inline(always)]
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

    #[inline(always)]
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

    #[inline(always)]
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

/// Skips the fields that `include` and `exclude` leave out, from the next one on.
fn skip_unkept(ctx: &mut Ctx<'_>) {
    let frame = &mut ctx.scratch.frames[ctx.depth - 1];
    while frame.fields.get(frame.next).is_some_and(|field| !kept(ctx.options, field.name)) {
        frame.next += 1;
    }
}

/// Writes the model's field `index`: now if it is its turn, else into the scratch buffer.
fn put<T: Serialize + ?Sized>(ctx: &mut Ctx<'_>, index: usize, value: &T) -> Result<(), Error> {
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
                            write_any(&value, &mut ctx.out)?;
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

/// Closes a model's object that lacks fields or has fields waiting.
#[inline(never)]
fn close_model_slow(ctx: &mut Ctx<'_>) -> Result<bool, Error> {
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

/// Whether `value`, filtered, equals `default()`, compared as `Value`s as the reference does.
#[cold]
fn is_default<T: Serialize + ?Sized>(value: &T, shape: Shape, default: fn() -> Value) -> bool {
    let options = FilterOptions::default();
    serde_json::to_value(value)
        .ok()
        .and_then(|value| shaped(value, shape, &options, false, "$").ok())
        .is_some_and(|value| value == default())
}

/// Captures a map key as a string, as serde_json's `to_value` does.
struct KeySer<'a>(&'a mut String);

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

// ---------------------------------------------------------------------------------------------
// The reference filter: serialize to a `Value`, then filter it. Simple and slow; the oracle of
// the tests, and the fallback for values that repeat a field.

/// [`filter_to_vec`], written the simple way.
pub(crate) fn filter_to_vec_reference<T: Serialize + ?Sized>(
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

/// [`filter_shape_to_vec`], written the simple way.
pub(crate) fn filter_shape_to_vec_reference<T: Serialize + ?Sized>(
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
fn shaped(
    value: Value,
    shape: Shape,
    options: &FilterOptions,
    top: bool,
    path: &str,
) -> Result<Value, Failure> {
    let (sh, nullable) = resolve(shape);
    shaped_sh(value, sh, nullable, options, top, path)
}

fn shaped_sh(
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

#[cfg(test)]
mod tests;
