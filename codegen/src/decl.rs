//! The declarations: one model of a route, whichever way it was declared.
//!
//! `parse::attr` builds it from `#[cookie_route(...)]` on a function, `parse::toml` from a
//! `[[route]]` of `routes.toml`, each reading only its own syntax. `validate` checks every
//! rule on this model, once for both sources, and `expand` generates code from it (and
//! names everything it generates). Neither ever sees the source's syntax.

use std::ops::Range;
use std::rc::Rc;

use proc_macro2::Span;

/// A declarations file: its name as errors show it, its text, and the literal that named it.
pub(crate) struct SourceFile {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) span: Span,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, self.text[line_start..offset].chars().count() + 1)
    }

    /// `routes.toml:LINE:COL: message`, then the line with `^` under the range.
    pub(crate) fn describe(&self, range: &Range<usize>, message: &str) -> String {
        let (line, col) = self.line_col(range.start);
        let text = self.text.lines().nth(line - 1).unwrap_or("");
        let width = self
            .text
            .get(range.clone())
            .map_or(1, |s| s.lines().next().unwrap_or("").chars().count().max(1));
        let width = width.min(text.chars().count().saturating_sub(col - 1).max(1));
        let gutter = line.to_string().len();
        format!(
            "{message}\n{pad}--> {name}:{line}:{col}\n{pad} |\n{line} | {text}\n{pad} | {marks}{carets}",
            pad = " ".repeat(gutter),
            name = self.name,
            marks = " ".repeat(col - 1),
            carets = "^".repeat(width),
        )
    }
}

/// Where a declaration came from, for errors.
#[derive(Clone)]
pub(crate) enum Origin {
    /// A span in Rust source.
    Span(Span),
    /// A byte range of a declarations file.
    File { file: Rc<SourceFile>, range: Range<usize> },
}

impl Origin {
    /// The span to put an error on: the Rust tokens, or the literal naming the file.
    pub(crate) fn span(&self) -> Span {
        match self {
            Self::Span(s) => *s,
            Self::File { file, .. } => file.span,
        }
    }

    /// The message as it is shown at this origin: in a file, with its place and line.
    pub(crate) fn message(&self, message: &str) -> String {
        match self {
            Self::Span(_) => message.to_owned(),
            Self::File { file, range } => file.describe(range, message),
        }
    }

    /// The bytes `start..end` of the string literal at this origin (a file's value, whose
    /// range begins with its opening quote); in Rust source, the literal itself (stable Rust
    /// cannot span part of one).
    pub(crate) fn inside(&self, start: usize, end: usize) -> Self {
        match self {
            Self::Span(_) => self.clone(),
            Self::File { file, range } => Self::File {
                file: file.clone(),
                range: range.start + 1 + start..range.start + 1 + end.max(start + 1),
            },
        }
    }

    /// `file:line:col` for a file, `None` for Rust source (where `line!()` says it).
    pub(crate) fn location(&self) -> Option<String> {
        match self {
            Self::Span(_) => None,
            Self::File { file, range } => {
                let (line, col) = file.line_col(range.start);
                Some(format!("{}:{line}:{col}", file.name))
            }
        }
    }
}

/// A value and where it came from.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) origin: Origin,
}

impl<T> Spanned<T> {
    pub(crate) fn new(value: T, origin: Origin) -> Self {
        Self { value, origin }
    }
}

/// The HTTP methods a route may declare.
pub(crate) const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Everything one `routes.toml` declares.
pub(crate) struct Declarations {
    pub(crate) cookies: Vec<CookieDecl>,
    /// `[groups.<name>]`, in file order.
    pub(crate) groups: Vec<Group>,
    pub(crate) routes: Vec<Route>,
    pub(crate) limits: Vec<Limit>,
    /// `[app] automatic_options`: the file's routes answer `OPTIONS` as Flask does.
    pub(crate) automatic_options: bool,
    /// `[app.cross_origin]`, when the file has it.
    pub(crate) cross_origin: Option<CrossOriginDecl>,
}

/// `[app.cross_origin]`: cross-origin protection on or off, and the trusted origins.
pub(crate) struct CrossOriginDecl {
    pub(crate) enabled: bool,
    pub(crate) trusted_origins: Vec<String>,
}

/// `[groups.<name>]`: routes mounted together under a prefix (the runtime's `App::nest`).
pub(crate) struct Group {
    /// The name, as written (validation checks it is a group name): the field of the
    /// generated `Groups`, and what routes give as `group = "..."`.
    pub(crate) name: Spanned<String>,
    /// The prefix, as written (validation checks it with `PathPattern::parse_prefix`).
    pub(crate) prefix: Spanned<String>,
    /// The table as a whole.
    pub(crate) origin: Origin,
}

impl Group {
    /// The prefix, when it is one.
    pub(crate) fn pattern(&self) -> Option<cookie_route_core::path::PathPattern> {
        cookie_route_core::path::PathPattern::parse_prefix(&self.prefix.value).ok()
    }
}

/// `[app.limits]`: a `Limits` setter and its value.
pub(crate) struct Limit {
    pub(crate) setter: &'static str,
    pub(crate) value: LimitValue,
}

pub(crate) enum LimitValue {
    Count(u64),
    Seconds(u64),
}

/// `[cookies.<id>]`: a cookie declared once, with its attributes.
pub(crate) struct CookieDecl {
    /// The id: a Rust identifier, the name of the generated module.
    pub(crate) id: Spanned<String>,
    /// The name on the wire.
    pub(crate) name: Spanned<String>,
    /// The value's Rust type.
    pub(crate) ty: syn::Type,
    pub(crate) max_age: Option<i64>,
    /// `Expires` as seconds since the Unix epoch.
    pub(crate) expires: Option<i64>,
    pub(crate) path: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) secure: Option<bool>,
    pub(crate) http_only: Option<bool>,
    /// `Strict`, `Lax` or `None`.
    pub(crate) same_site: Option<String>,
    pub(crate) partitioned: Option<bool>,
    pub(crate) protection: Protection,
}

/// How a route was declared.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum DeclaredIn {
    /// `#[cookie_route(...)]` on the handler.
    Attribute,
    /// A `[[route]]` of a declarations file, whose handler is called through
    /// `DeclaredHandler` (at most [`crate::validate::MAX_FILE_HANDLER_ARGS`] arguments).
    File,
}

/// A declared route.
pub(crate) struct Route {
    /// Where it was declared.
    pub(crate) declared_in: DeclaredIn,
    /// The methods it answers, as written (validation checks each is one of [`METHODS`],
    /// once).
    pub(crate) methods: Vec<Spanned<String>>,
    /// The path pattern, parsed (within its group, when it has one).
    pub(crate) path: Spanned<cookie_route_core::path::PathPattern>,
    /// `group = "name"`: the group it is mounted with, as written. In a file, one of the
    /// file's `[groups.<name>]`; in an attribute, the app mounts it with
    /// `App::declared_group(name)` (validation checks the name either way).
    pub(crate) group: Option<Spanned<String>>,
    /// The function to call.
    pub(crate) handler: syn::Path,
    /// Its parameters, in call order.
    pub(crate) params: Vec<Param>,
    /// The response model, if any.
    pub(crate) response_model: Option<syn::Type>,
    /// The default status, as written (validation checks it is from 100 to 599).
    pub(crate) status: Option<Spanned<i64>>,
    /// FastAPI's `response_model_*` options.
    pub(crate) filter: Filter,
    /// The route's name (defaults to the function's).
    pub(crate) name: String,
    /// `cross_origin = false`: left out of cross-origin protection.
    pub(crate) cross_origin: bool,
    /// What the OpenAPI document says of it besides what the rest declares.
    pub(crate) docs: Docs,
    /// The declaration as a whole.
    pub(crate) origin: Origin,
}

/// The route in the OpenAPI document.
#[derive(Default)]
pub(crate) struct Docs {
    /// `tags`: the document groups operations by them.
    pub(crate) tags: Vec<Spanned<String>>,
    /// `summary` (FastAPI's default, the name in title case, when absent).
    pub(crate) summary: Option<String>,
    /// The handler's doc comment, or `description` in a file.
    pub(crate) description: Option<String>,
    pub(crate) deprecated: bool,
    /// `openapi = false`: left out of the document (its types need no schema).
    pub(crate) hidden: bool,
    /// `sets`: the ids of the declared cookies the handler sets (files only).
    pub(crate) sets: Vec<Spanned<String>>,
}

/// `response_model_include` and friends.
#[derive(Default)]
pub(crate) struct Filter {
    pub(crate) include: Option<Vec<Spanned<String>>>,
    pub(crate) exclude: Vec<Spanned<String>>,
    pub(crate) exclude_unset: bool,
    pub(crate) exclude_none: bool,
    pub(crate) exclude_defaults: bool,
}

/// A parameter of the handler.
pub(crate) struct Param {
    /// The declared type.
    pub(crate) ty: syn::Type,
    /// What it is made from.
    pub(crate) kind: ParamKind,
}

/// Where a string-valued parameter is read from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Cookie,
    Query,
    Header,
}

impl Source {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::Query => "query",
            Self::Header => "header",
        }
    }
}

/// How a cookie's value is protected.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Protection {
    /// As sent.
    Plain,
    /// Signed with the app's keys: readable, not forgeable.
    Signed,
    /// Encrypted with the app's keys.
    Private,
}

/// What a parameter is made from.
pub(crate) enum ParamKind {
    /// `{name}` of the path pattern.
    Path { name: String },
    /// A cookie, query parameter or header, converted with `FromStr`.
    Value {
        source: Source,
        name: Spanned<String>,
        /// `Some(inner)` when the declared type is `Option<inner>`.
        optional: Option<Box<syn::Type>>,
        default: Option<Box<syn::Expr>>,
        /// For cookies: read as signed or private.
        protection: Protection,
    },
    /// `#[body]`.
    Body,
    /// `&mut Response`: the temporal response.
    Temporal,
    /// `&Request`.
    Request,
    /// Anything else: a `FromRequest` dependency.
    Dependency,
}
