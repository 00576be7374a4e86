//! The one model of a route, whichever way it was declared.
//!
//! `parse::attr` builds it from `#[cookie_route(...)]` on a function, `parse::toml` from a
//! `[[route]]` of `routes.toml`. Validation and expansion only ever see this model.

use proc_macro2::Span;

/// Where a declaration came from, for errors.
#[derive(Clone)]
pub(crate) enum Origin {
    /// A span in Rust source.
    Span(Span),
}

impl Origin {
    /// The span to put an error on.
    pub(crate) fn span(&self) -> Span {
        match self {
            Self::Span(s) => *s,
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

/// A declared route.
pub(crate) struct Route {
    /// The methods it answers (at least one, each one of [`METHODS`]).
    pub(crate) methods: Vec<Spanned<String>>,
    /// The path pattern, parsed.
    pub(crate) path: Spanned<cookie_route_core::path::PathPattern>,
    /// The function to call.
    pub(crate) handler: syn::Path,
    /// Its parameters, in call order.
    pub(crate) params: Vec<Param>,
    /// The response model, if any.
    pub(crate) response_model: Option<syn::Type>,
    /// The default status.
    pub(crate) status: Option<Spanned<u16>>,
    /// FastAPI's `response_model_*` options.
    pub(crate) filter: Filter,
    /// The route's name (defaults to the function's).
    pub(crate) name: String,
    /// Tags, kept for OpenAPI.
    pub(crate) tags: Vec<String>,
    /// The declaration as a whole.
    pub(crate) origin: Origin,
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
    /// The binding the generated code uses.
    pub(crate) binding: syn::Ident,
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
