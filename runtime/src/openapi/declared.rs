//! What the macros know of a route, for the OpenAPI document: emitted as static data next
//! to each generated handler, read once when the document is assembled.
//!
//! Schemas are functions of a [`SchemaGenerator`] (schemars), so that a type used by many
//! routes becomes one entry of `components/schemas`.

use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};

/// A type's JSON Schema, as a function the generated code writes (`schema!(T)`).
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// `schema!(T)`: the [`SchemaFn`] of `T`, a `$ref` to `components/schemas` for a named type
/// that derives `JsonSchema`. A type without one is documented as any value (and
/// [`App::openapi`](crate::App::openapi) logs a warning naming it): turning the `openapi`
/// feature on never stops a crate from compiling, whichever crate of the build turned it on.
///
/// The choice is made for the concrete type, by method resolution: [`HasSchema`] is
/// implemented for `Probe<T>` when `T: JsonSchema`, and [`NoSchema`] for `&Probe<T>`, which
/// the call `(&Probe::<T>::new()).schema(g)` reaches only when the first does not apply.
#[doc(hidden)]
#[macro_export]
macro_rules! __cookie_route_schema {
    ($t:ty) => {
        |generator| {
            #[allow(unused_imports, reason = "one of the two is the type's")]
            use $crate::__private::{HasSchema as _, NoSchema as _};
            (&$crate::__private::Probe::<$t>::new()).schema(generator)
        }
    };
}

/// A type, for [`schema!`](crate::__private::schema)'s method resolution.
#[derive(Debug)]
pub struct Probe<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> Probe<T> {
    #[allow(clippy::new_without_default, reason = "only generated code makes one")]
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

/// The schema of a type with one.
pub trait HasSchema {
    fn schema(&self, generator: &mut SchemaGenerator) -> Schema;
}

impl<T: JsonSchema + ?Sized> HasSchema for Probe<T> {
    fn schema(&self, generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
}

/// The schema of a type without one: any value.
pub trait NoSchema {
    fn schema(&self, generator: &mut SchemaGenerator) -> Schema;
}

impl<T: ?Sized> NoSchema for &Probe<T> {
    fn schema(&self, _: &mut SchemaGenerator) -> Schema {
        undocumented(std::any::type_name::<T>());
        Schema::from(true)
    }
}

/// The types already logged as without a schema: each is named once, however many routes use
/// it and however many times the document is made.
static UNDOCUMENTED: std::sync::Mutex<std::collections::BTreeSet<&'static str>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Logs, once, that the type `name` has no JSON Schema.
fn undocumented(name: &'static str) {
    let first = UNDOCUMENTED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(name);
    if first {
        tracing::warn!(
            r#type = name,
            "this type has no JSON Schema: the OpenAPI document describes it as any value \
             (derive `JsonSchema` for it, or leave its routes out with `openapi = false`)"
        );
    }
}

/// Where a parameter is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamIn {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// A declared parameter.
#[derive(Debug)]
pub struct ParamDoc {
    pub name: &'static str,
    pub location: ParamIn,
    /// Not an `Option` and without a default.
    pub required: bool,
    /// The value's schema (an `Option`'s inner type).
    pub schema: SchemaFn,
    /// The default as written, when it is a JSON literal (`3`, `"x"`, `true`).
    pub default: Option<&'static str>,
    /// A signed or private cookie.
    pub protection: Option<&'static str>,
}

/// A declared request body.
#[derive(Debug)]
pub struct BodyDoc {
    /// `application/json`, `application/x-www-form-urlencoded`, `text/plain` or
    /// `application/octet-stream`.
    pub content_type: &'static str,
    pub schema: SchemaFn,
}

/// A route's `response_model` and its `include`/`exclude` lists.
#[derive(Debug)]
pub struct ModelDoc {
    pub schema: SchemaFn,
    pub include: Option<&'static [&'static str]>,
    pub exclude: &'static [&'static str],
}

/// A declared cookie a route sets, with its attributes (`None`: the runtime's default).
#[derive(Debug)]
pub struct CookieDoc {
    pub name: &'static str,
    /// `plain`, `signed` or `private`.
    pub kind: &'static str,
    pub max_age: Option<i64>,
    /// Seconds since the Unix epoch.
    pub expires: Option<i64>,
    pub path: Option<&'static str>,
    pub domain: Option<&'static str>,
    pub secure: Option<bool>,
    pub http_only: Option<bool>,
    pub same_site: Option<&'static str>,
    pub partitioned: Option<bool>,
}

/// Everything the declaration says of one route.
#[derive(Debug)]
pub struct OperationDoc {
    /// The route's name: the handler's, or `name = "..."` (FastAPI's `operationId` and
    /// `summary` come from it).
    pub name: &'static str,
    pub summary: Option<&'static str>,
    /// The handler's doc comment.
    pub description: Option<&'static str>,
    pub tags: &'static [&'static str],
    pub deprecated: bool,
    /// The declared status.
    pub status: Option<u16>,
    pub params: &'static [ParamDoc],
    pub body: Option<BodyDoc>,
    pub model: Option<ModelDoc>,
    pub sets: &'static [CookieDoc],
    /// `openapi = false`: the route is not in the document.
    pub hidden: bool,
}

// Constructors for generated code, which writes `ParamDoc::query(name, schema!(T), ..)` and
// `OperationDoc::new(..).with_model(..)` rather than struct literals: a route's
// registration spells out only what its declaration says, and the compiler reads fewer
// tokens per route.

impl ParamDoc {
    /// A path parameter whose value `schema` describes (always required).
    pub const fn path(name: &'static str, schema: SchemaFn) -> Self {
        Self::new(name, ParamIn::Path, true, schema)
    }

    /// A query parameter whose value `schema` describes: `required` when not an `Option` and
    /// without a default.
    pub const fn query(name: &'static str, schema: SchemaFn, required: bool) -> Self {
        Self::new(name, ParamIn::Query, required, schema)
    }

    /// A header whose value `schema` describes: `required` when not an `Option` and
    /// without a default.
    pub const fn header(name: &'static str, schema: SchemaFn, required: bool) -> Self {
        Self::new(name, ParamIn::Header, required, schema)
    }

    /// A cookie whose value `schema` describes: `required` when not an `Option` and
    /// without a default.
    pub const fn cookie(name: &'static str, schema: SchemaFn, required: bool) -> Self {
        Self::new(name, ParamIn::Cookie, required, schema)
    }

    /// Without a default, and a plain cookie where it is one.
    const fn new(name: &'static str, location: ParamIn, required: bool, schema: SchemaFn) -> Self {
        Self { name, location, required, schema, default: None, protection: None }
    }

    /// With its default, as JSON text.
    pub const fn with_default(mut self, default: &'static str) -> Self {
        self.default = Some(default);
        self
    }

    /// A `signed` or `private` cookie.
    pub const fn with_protection(mut self, protection: &'static str) -> Self {
        self.protection = Some(protection);
        self
    }
}

impl ModelDoc {
    /// A model without `include`/`exclude` lists.
    pub const fn new(schema: SchemaFn) -> Self {
        Self { schema, include: None, exclude: &[] }
    }

    /// With `response_model_include`.
    pub const fn with_include(mut self, include: &'static [&'static str]) -> Self {
        self.include = Some(include);
        self
    }

    /// With `response_model_exclude`.
    pub const fn with_exclude(mut self, exclude: &'static [&'static str]) -> Self {
        self.exclude = exclude;
        self
    }
}

impl OperationDoc {
    /// A route named `name` with `params`, and nothing else declared.
    pub const fn new(name: &'static str, params: &'static [ParamDoc]) -> Self {
        Self {
            name,
            summary: None,
            description: None,
            tags: &[],
            deprecated: false,
            status: None,
            params,
            body: None,
            model: None,
            sets: &[],
            hidden: false,
        }
    }

    /// With its summary.
    pub const fn with_summary(mut self, summary: &'static str) -> Self {
        self.summary = Some(summary);
        self
    }

    /// With its description (the handler's doc comment).
    pub const fn with_description(mut self, description: &'static str) -> Self {
        self.description = Some(description);
        self
    }

    /// With its tags.
    pub const fn with_tags(mut self, tags: &'static [&'static str]) -> Self {
        self.tags = tags;
        self
    }

    /// Deprecated.
    pub const fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    /// With its declared status.
    pub const fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// With its request body.
    pub const fn with_body(mut self, body: BodyDoc) -> Self {
        self.body = Some(body);
        self
    }

    /// With its response model.
    pub const fn with_model(mut self, model: ModelDoc) -> Self {
        self.model = Some(model);
        self
    }

    /// With the declared cookies it sets.
    pub const fn with_sets(mut self, sets: &'static [CookieDoc]) -> Self {
        self.sets = sets;
        self
    }

    /// Left out of the document (`openapi = false`).
    pub const fn hidden(mut self) -> Self {
        self.hidden = true;
        self
    }
}
