//! The state of one filtering: the shape expected of the next value ([`Expect`]), the open
//! objects and arrays ([`Frame`]s) and what a thread keeps from one filtering to the next
//! ([`Scratch`]), all behind the one `&mut` pointer that the serializer is ([`Ctx`]).

use std::cell::Cell;

use super::keys::{
    KEY_ARENA, KEY_TABLE, Key, Known, SHAPE_ANY, SHAPE_BOOL, SHAPE_FLOAT, SHAPE_INT, SHAPE_MASK,
    SHAPE_NULLABLE, SHAPE_STR, name_bit, render_key,
};
use super::out_of_order::{Pending, skip_unkept};
use super::{FilterOptions, INITIAL_CAPACITY};
use crate::model::{FieldSchema, ModelSchema, Shape};

// ---------------------------------------------------------------------------------------------
// Shapes, resolved.

/// A [`Shape`] with its `Nullable` layers taken off (they become a flag beside it) and a
/// nested model's schema looked up.
#[derive(Clone, Copy)]
pub(super) enum Sh {
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
    pub(super) fn expected(self) -> &'static str {
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
#[inline]
pub(super) fn resolve(mut shape: Shape) -> (Sh, bool) {
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
pub(super) struct Expect {
    pub(super) sh: Sh,
    pub(super) nullable: bool,
    /// Whether a model here is an outermost one (`include` and `exclude` apply to it).
    pub(super) top: bool,
}

impl Expect {
    #[inline]
    pub(super) fn new(shape: Shape, top: bool) -> Self {
        let (sh, nullable) = resolve(shape);
        Self { sh, nullable, top }
    }

    /// What any JSON value fits.
    pub(super) const ANY: Self = Self { sh: Sh::Any, nullable: true, top: false };

    /// The expectation of a model's field, from the code kept in its key slot (see [`Key`]):
    /// scalar shapes without a call to the field's `shape` function.
    #[cfg_attr(not(debug_assertions), inline(always))] // with `serialize_field`
    #[cfg_attr(debug_assertions, inline)]
    pub(super) fn of_field(field: &FieldSchema, code: u8) -> Self {
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

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A model's object: fields written in the model's order.
    Model,
    /// A map of values of one shape, entries in the value's order.
    Map,
    /// An array of values of one shape.
    List,
}

/// [`Ctx::current`] when the key is no field of the model.
pub(super) const NO_FIELD: usize = usize::MAX;

/// What a filtering leaves to the next one on the same thread: the keys of the models it met,
/// and buffers.
pub(super) struct Scratch {
    /// The models whose keys are in `keys`.
    key_index: [Known; KEY_TABLE],
    pub(super) keys: Vec<Key>,
    pub(super) frames: Vec<Frame>,
    /// A reused buffer for map keys.
    pub(super) key: String,
    /// Scratch buffers of finished objects, for the next ones.
    #[expect(clippy::vec_box, reason = "moved to and from `Frame::pending`, which stays small")]
    pub(super) pool: Vec<Box<Pending>>,
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

/// An open object or array. Frames are reused: opening one sets its fields.
pub(super) struct Frame {
    pub(super) kind: Kind,
    /// Nothing to do after writing a model's field in its turn: no `include`/`exclude` here, no
    /// `exclude_none`/`exclude_defaults`, no field waiting in `pending`. Never set for maps and
    /// lists.
    pub(super) plain: bool,
    /// No field, entry or item written yet.
    pub(super) first: bool,
    /// Whether `include` and `exclude` apply (models).
    pub(super) filter: bool,
    /// The model's fields.
    pub(super) fields: &'static [FieldSchema],
    /// Where the model's keys start in [`Scratch::keys`].
    pub(super) key_base: usize,
    /// The [`name_bit`]s of the model's fields.
    pub(super) names: u64,
    /// A model's next field to write (every kept field before it has been written or left
    /// out), or a list's next index.
    pub(super) next: usize,
    /// Fields that came before their turn.
    pub(super) pending: Option<Box<Pending>>,
    /// The shape of a map's values or a list's items.
    pub(super) items: Expect,
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

pub(super) struct Ctx<'o> {
    /// Where values are written (a [`Pending`] buffer while a field that came early is).
    pub(super) out: Vec<u8>,
    /// The shape expected of the value being serialized.
    pub(super) expect: Expect,
    /// `scratch.frames[..depth]` are open, the innermost last.
    pub(super) depth: usize,
    /// The field of a model that `serialize_key` found ([`NO_FIELD`]: the entry is dropped),
    /// for the `serialize_value` that follows.
    pub(super) current: usize,
    /// Where a map's current key was written, to name it in an error.
    pub(super) key_at: (usize, usize),
    pub(super) options: &'o FilterOptions,
    /// [`Frame::plain`] for a model that is not top-level, and for one that is.
    plain: [bool; 2],
    /// Whether `include` or `exclude` say anything.
    filtering: bool,
    /// Set when the value repeats a field of a model: the reference filter then writes it.
    pub(super) fallback: bool,
    pub(super) scratch: Box<Scratch>,
}

impl<'o> Ctx<'o> {
    #[inline]
    pub(super) fn new(options: &'o FilterOptions) -> Self {
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
    #[inline]
    pub(super) fn finish(self) -> bool {
        let Self { depth, fallback, mut scratch, .. } = self;
        if depth > 0 {
            // Frames left open by an error keep no buffers.
            scratch.frames[..depth].iter_mut().for_each(|frame| frame.pending = None);
        }
        let _ = SCRATCH.try_with(|kept| kept.set(Some(scratch)));
        fallback
    }

    /// `schema`'s keys, made now if this thread has not kept them.
    #[inline]
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
    #[inline]
    fn open(&mut self) -> &mut Frame {
        let frames = &mut self.scratch.frames;
        if self.depth == frames.len() {
            frames.push(Frame::NEW);
        }
        self.depth += 1;
        &mut frames[self.depth - 1]
    }

    /// Opens a model's object.
    #[inline]
    pub(super) fn open_model(&mut self, schema: &'static ModelSchema, top: bool) {
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
    #[inline]
    pub(super) fn open_items(&mut self, kind: Kind, items: Expect) {
        self.out.push(if kind == Kind::List { b'[' } else { b'{' });
        let frame = self.open();
        frame.kind = kind;
        frame.plain = false;
        frame.first = true;
        frame.next = 0;
        frame.items = items;
    }
}
