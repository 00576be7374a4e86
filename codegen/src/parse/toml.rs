//! `routes.toml`: routes, cookies and app settings read from a file at compile time.
//!
//! The file is parsed with `toml`'s spanned document API so that every complaint points at
//! its line and column; errors are collected, not stopped at.

use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use cookie_route_core::cookie::{self as grammar, Attributes, CookieRule};
use cookie_route_core::path::PathPattern;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::ctxt::Ctxt;
use crate::decl::{
    CookieDecl, CrossOriginDecl, Declarations, DeclaredIn, Docs, Filter, Group, Limit, LimitValue,
    Origin, Param, ParamKind, Protection, Route, Source, SourceFile, Spanned as At,
};
use crate::diag;

const TOP_KEYS: [&str; 4] = ["app", "cookies", "groups", "route"];
const GROUP_KEYS: [&str; 1] = ["prefix"];
const APP_KEYS: [&str; 4] = ["automatic_options", "cookie_defaults", "cross_origin", "limits"];
const CROSS_ORIGIN_KEYS: [&str; 2] = ["enabled", "trusted_origins"];
const DEFAULT_KEYS: [&str; 6] =
    ["path", "domain", "secure", "http_only", "same_site", "partitioned"];
const COOKIE_KEYS: [&str; 11] = [
    "name",
    "kind",
    "type",
    "max_age",
    "expires",
    "path",
    "domain",
    "secure",
    "http_only",
    "same_site",
    "partitioned",
];
const ROUTE_KEYS: [&str; 28] = [
    "method",
    "methods",
    "path",
    "group",
    "handler",
    "params",
    "query",
    "headers",
    "cookies",
    "body",
    "depends",
    "request",
    "response",
    "sets",
    "response_model",
    "status",
    "response_model_include",
    "response_model_exclude",
    "response_model_exclude_unset",
    "response_model_exclude_none",
    "response_model_exclude_defaults",
    "name",
    "tags",
    "summary",
    "description",
    "deprecated",
    "openapi",
    "cross_origin",
];
const LIMIT_COUNTS: [&str; 4] =
    ["max_header_bytes", "max_headers", "max_body_bytes", "max_connections"];
const LIMIT_TIMES: [&str; 4] =
    ["header_read_timeout", "body_read_timeout", "idle_timeout", "shutdown_timeout"];
const SAME_SITE: [&str; 3] = ["Strict", "Lax", "None"];

/// What is wrong with `origin` as a trusted origin, which is compared byte for byte with what
/// a browser sends in `Origin`: `http` or `https`, `://`, a lowercase host, a port only when
/// not the scheme's default, nothing after.
fn origin_problem(origin: &str) -> Option<&'static str> {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Some("is not an origin: write `https://host` (or `http://host:port`)");
    };
    if scheme != "http" && scheme != "https" {
        return Some("is not an origin: its scheme must be `http` or `https`");
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
        return Some("is not an origin: no path, `/`, query or user, only `scheme://host[:port]`");
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || rest.starts_with('[') => (host, Some(port)),
        _ => (rest, None),
    };
    if host.is_empty() || host.chars().any(|c| c.is_ascii_uppercase() || !c.is_ascii()) {
        return Some("never matches: a browser sends the host in lowercase ASCII (punycode)");
    }
    match port {
        Some(p) if p.parse::<u16>().is_err() => Some("is not an origin: its port is not a number"),
        Some("443") if scheme == "https" => {
            Some("never matches: a browser leaves out the default port 443")
        }
        Some("80") if scheme == "http" => {
            Some("never matches: a browser leaves out the default port 80")
        }
        _ => None,
    }
}

/// Resolves `relative` against the crate's directory, refusing paths that leave it.
pub(crate) fn resolve(relative: &str, manifest_dir: &Path) -> Result<PathBuf, String> {
    let path = Path::new(relative);
    if path.is_absolute() || path.has_root() {
        return Err(format!(
            "`{relative}` is absolute; name the file relative to the crate's directory (CARGO_MANIFEST_DIR)"
        ));
    }
    if path.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(format!(
            "`{relative}` leaves the crate's directory (`..`); keep the file inside it"
        ));
    }
    Ok(manifest_dir.join(path))
}

/// Parses a declarations file. Every error goes to `cx`.
pub(crate) fn parse(cx: &Ctxt, file: &Rc<SourceFile>) -> Declarations {
    let mut decls = Declarations {
        cookies: Vec::new(),
        groups: Vec::new(),
        routes: Vec::new(),
        limits: Vec::new(),
        automatic_options: false,
        cross_origin: None,
    };
    let (doc, errors) = DeTable::parse_recoverable(&file.text);
    let w = Walker { cx, file: file.clone() };
    for error in &errors {
        let range = error.span().unwrap_or(0..0);
        w.error(range, &format!("invalid TOML: {}", error.message().trim_end()));
    }
    if !errors.is_empty() {
        return decls;
    }
    let doc = doc.into_inner();
    let mut defaults = Defaults::default();
    if let Some(app) = doc.get("app")
        && let Some(app) = w.table(app, "app")
    {
        {
            w.keys(app, &APP_KEYS, "key in `[app]`");
            decls.automatic_options = w.boolean(app, "automatic_options").unwrap_or(false);
            if let Some(d) =
                app.get("cookie_defaults").and_then(|v| w.table(v, "app.cookie_defaults"))
            {
                w.keys(d, &DEFAULT_KEYS, "key in `[app.cookie_defaults]`");
                defaults = Defaults::read(&w, d);
            }
            if let Some(l) = app.get("limits").and_then(|v| w.table(v, "app.limits")) {
                decls.limits = limits(&w, l);
            }
            if let Some(c) = app.get("cross_origin").and_then(|v| w.table(v, "app.cross_origin")) {
                w.keys(c, &CROSS_ORIGIN_KEYS, "key in `[app.cross_origin]`");
                let trusted = w.strings(c, "trusted_origins").unwrap_or_default();
                for origin in &trusted {
                    if let Some(problem) = origin_problem(&origin.value) {
                        w.cx.error_at(&origin.origin, format!("`{}` {problem}", origin.value));
                    }
                }
                decls.cross_origin = Some(CrossOriginDecl {
                    enabled: w.boolean(c, "enabled").unwrap_or(true),
                    trusted_origins: trusted.into_iter().map(|o| o.value).collect(),
                });
            }
        }
    }
    for (key, _) in doc.iter() {
        if !TOP_KEYS.contains(&key.get_ref().as_ref()) {
            w.error(key.span(), &diag::unknown("top-level key", key.get_ref(), &TOP_KEYS));
        }
    }
    if let Some(cookies) = doc.get("cookies").and_then(|v| w.table(v, "cookies")) {
        for (id, value) in cookies.iter() {
            if let Some(table) = w.table(value, &format!("cookies.{}", id.get_ref()))
                && let Some(c) = cookie(&w, id, table, value.span(), &defaults)
            {
                decls.cookies.push(c);
            }
        }
    }
    if let Some(groups) = doc.get("groups").and_then(|v| w.table(v, "groups")) {
        for (name, value) in groups.iter() {
            if let Some(table) = w.table(value, &format!("groups.{}", name.get_ref()))
                && let Some(g) = group(&w, name, table, value.span())
            {
                decls.groups.push(g);
            }
        }
    }
    if let Some(routes) = doc.get("route") {
        match routes.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    if let Some(table) = w.table(item, "[[route]]")
                        && let Some(r) =
                            route(&w, table, item.span(), &decls.cookies, &decls.groups)
                    {
                        decls.routes.push(r);
                    }
                }
            }
            _ => w.error(
                routes.span(),
                "`route` must be an array of tables: write each as `[[route]]`",
            ),
        }
    }
    decls
}

struct Walker<'a> {
    cx: &'a Ctxt,
    file: Rc<SourceFile>,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Walker<'_> {
    fn origin(&self, range: Range<usize>) -> Origin {
        Origin::File { file: self.file.clone(), range }
    }

    fn error(&self, range: Range<usize>, message: &str) {
        self.cx.error_at(&self.origin(range), message);
    }

    fn wrong(&self, value: &Value<'_>, key: &str, expected: &str) {
        self.error(
            value.span(),
            &format!("`{key}` must be {expected}, found {}", value.get_ref().type_str()),
        );
    }

    fn table<'v, 'i>(&self, value: &'v Value<'i>, key: &str) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong(value, key, "a table");
                None
            }
        }
    }

    fn keys(&self, table: &DeTable<'_>, known: &[&str], what: &str) {
        for (key, _) in table.iter() {
            if !known.contains(&key.get_ref().as_ref()) {
                self.error(key.span(), &diag::unknown(what, key.get_ref(), known));
            }
        }
    }

    fn string(&self, table: &DeTable<'_>, key: &str) -> Option<At<String>> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(At::new(s.to_string(), self.origin(value.span()))),
            _ => {
                self.wrong(value, key, "a string");
                None
            }
        }
    }

    fn boolean(&self, table: &DeTable<'_>, key: &str) -> Option<bool> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong(value, key, "`true` or `false`");
                None
            }
        }
    }

    fn integer(&self, table: &DeTable<'_>, key: &str) -> Option<(i64, Range<usize>)> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::Integer(i) => {
                match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => Some((n, value.span())),
                    Err(_) => {
                        self.error(value.span(), &format!("`{key}` is out of range"));
                        None
                    }
                }
            }
            _ => {
                self.wrong(value, key, "an integer");
                None
            }
        }
    }

    /// An integer of seconds, or a duration string such as `"1h30m"`.
    fn seconds(&self, table: &DeTable<'_>, key: &str) -> Option<(i64, Range<usize>)> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::Integer(_) => self.integer(table, key),
            DeValue::String(s) => match cookie_route_core::duration::parse_seconds(s) {
                Ok(n) => Some((n, value.span())),
                Err(e) => {
                    self.error(value.span(), &format!("`{key}`: {}", e.message));
                    None
                }
            },
            _ => {
                self.wrong(value, key, "seconds or a duration such as \"1h\"");
                None
            }
        }
    }

    fn strings(&self, table: &DeTable<'_>, key: &str) -> Option<Vec<At<String>>> {
        let value = table.get(key)?;
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong(value, key, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(At::new(s.to_string(), self.origin(item.span()))),
                _ => self.wrong(item, key, "an array of strings"),
            }
        }
        Some(out)
    }

    fn rust_type(&self, text: &str, range: Range<usize>) -> Option<syn::Type> {
        match syn::parse_str::<syn::Type>(text) {
            Ok(t) => Some(t),
            Err(e) => {
                self.error(range, &format!("`{text}` is not a Rust type: {e}"));
                None
            }
        }
    }

    /// A `{ name = "Type" }` table, in file order.
    fn typed_names(&self, table: &DeTable<'_>, key: &str) -> Vec<(At<String>, syn::Type)> {
        let Some(value) = table.get(key) else { return Vec::new() };
        let Some(inner) = self.table(value, key) else { return Vec::new() };
        let mut out = Vec::new();
        for (name, ty) in inner.iter() {
            match ty.get_ref() {
                DeValue::String(s) => {
                    if let Some(t) = self.rust_type(s, ty.span()) {
                        out.push((
                            At::new(name.get_ref().to_string(), self.origin(name.span())),
                            t,
                        ));
                    }
                }
                _ => self.wrong(
                    ty,
                    name.get_ref(),
                    "a Rust type as a string, such as \"Option<String>\"",
                ),
            }
        }
        out
    }
}

/// `[app.cookie_defaults]`.
#[derive(Default)]
struct Defaults {
    path: Option<String>,
    domain: Option<String>,
    secure: Option<bool>,
    http_only: Option<bool>,
    same_site: Option<String>,
    partitioned: Option<bool>,
}

impl Defaults {
    fn read(w: &Walker<'_>, table: &DeTable<'_>) -> Self {
        Self {
            path: w.string(table, "path").map(|s| s.value),
            domain: w.string(table, "domain").map(|s| s.value),
            secure: w.boolean(table, "secure"),
            http_only: w.boolean(table, "http_only"),
            same_site: same_site(w, table),
            partitioned: w.boolean(table, "partitioned"),
        }
    }
}

fn same_site(w: &Walker<'_>, table: &DeTable<'_>) -> Option<String> {
    let value = w.string(table, "same_site")?;
    match SAME_SITE.iter().find(|s| s.eq_ignore_ascii_case(&value.value)) {
        Some(s) => Some((*s).to_owned()),
        None => {
            w.cx.error_at(&value.origin, diag::unknown("`same_site`", &value.value, &SAME_SITE));
            None
        }
    }
}

fn limits(w: &Walker<'_>, table: &DeTable<'_>) -> Vec<Limit> {
    let mut out = Vec::new();
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        if let Some(setter) = LIMIT_COUNTS.iter().find(|k| **k == name) {
            if let Some((n, range)) = w.integer(table, name) {
                match u64::try_from(n) {
                    Ok(n) if n > 0 => out.push(Limit { setter, value: LimitValue::Count(n) }),
                    _ => w.error(range, &format!("`{name}` must be a positive integer")),
                }
            }
        } else if let Some(setter) = LIMIT_TIMES.iter().find(|k| **k == name) {
            if let Some((n, range)) = w.seconds(table, name) {
                match u64::try_from(n) {
                    Ok(n) if n > 0 => out.push(Limit { setter, value: LimitValue::Seconds(n) }),
                    _ => w.error(range, &format!("`{name}` must be a positive duration")),
                }
            }
        } else {
            let known: Vec<&str> = LIMIT_COUNTS.iter().chain(&LIMIT_TIMES).copied().collect();
            w.error(key.span(), &diag::unknown("limit", name, &known));
        }
        let _ = value;
    }
    out
}

fn is_ident(s: &str) -> bool {
    syn::parse_str::<syn::Ident>(s).is_ok()
}

fn cookie(
    w: &Walker<'_>,
    id: &Spanned<std::borrow::Cow<'_, str>>,
    table: &DeTable<'_>,
    range: Range<usize>,
    defaults: &Defaults,
) -> Option<CookieDecl> {
    w.keys(table, &COOKIE_KEYS, "cookie attribute");
    let id_text = id.get_ref().to_string();
    if !is_ident(&id_text) {
        w.error(id.span(), &format!("a cookie id must be a Rust identifier (it names a module); give the wire name with `name = \"{id_text}\"`"));
    }
    let name =
        w.string(table, "name").unwrap_or_else(|| At::new(id_text.clone(), w.origin(id.span())));
    if let Err(rule) = grammar::check_name(&name.value) {
        w.cx.error_at(&name.origin, format!("invalid cookie name `{}`: {rule}", name.value));
    }
    let protection = match w.string(table, "kind") {
        None => Protection::Plain,
        Some(kind) => match kind.value.as_str() {
            "plain" => Protection::Plain,
            "signed" => Protection::Signed,
            "private" => Protection::Private,
            other => {
                w.cx.error_at(
                    &kind.origin,
                    diag::unknown("cookie kind", other, &["plain", "signed", "private"]),
                );
                Protection::Plain
            }
        },
    };
    let ty = match table.get("type") {
        Some(v) => match v.get_ref() {
            DeValue::String(s) => w.rust_type(s, v.span())?,
            _ => {
                w.wrong(v, "type", "a Rust type as a string, such as \"u32\"");
                return None;
            }
        },
        None => syn::parse_quote!(::std::string::String),
    };
    let max_age = w.seconds(table, "max_age");
    let expires = table.get("expires").and_then(|v| match v.get_ref() {
        DeValue::Datetime(d) => match unix_seconds(d) {
            Some(s) => Some(s),
            None => {
                w.error(v.span(), "`expires` must be a date and time with an offset, such as 2030-01-01T00:00:00Z");
                None
            }
        },
        _ => {
            w.wrong(v, "expires", "a date and time, such as 2030-01-01T00:00:00Z");
            None
        }
    });
    let path = w.string(table, "path");
    let domain = w.string(table, "domain");
    let decl = CookieDecl {
        id: At::new(id_text, w.origin(id.span())),
        name: name.clone(),
        ty,
        max_age: max_age.as_ref().map(|(n, _)| *n),
        expires,
        path: path.as_ref().map(|p| p.value.clone()).or_else(|| defaults.path.clone()),
        domain: domain
            .as_ref()
            .map(|d| d.value.clone())
            .or_else(|| defaults.domain.clone())
            .map(|d| grammar::normalize_domain(&d).to_owned()),
        secure: w.boolean(table, "secure").or(defaults.secure),
        http_only: w.boolean(table, "http_only").or(defaults.http_only),
        same_site: same_site(w, table).or_else(|| defaults.same_site.clone()),
        partitioned: w.boolean(table, "partitioned").or(defaults.partitioned),
        protection,
    };
    let attrs = Attributes {
        secure: decl.secure == Some(true),
        same_site_none: decl.same_site.as_deref() == Some("None"),
        partitioned: decl.partitioned == Some(true),
        domain: decl.domain.as_deref(),
        path: Some(decl.path.as_deref().unwrap_or("/")),
        max_age: decl.max_age,
    };
    if let Err(rule) = grammar::check_attributes(&decl.name.value, &attrs) {
        // Point at the attribute the rule is about.
        let at = |key: &str| table.get(key).map(Spanned::span);
        let place = match rule {
            CookieRule::SameSiteNoneWithoutSecure => at("same_site"),
            CookieRule::PartitionedWithoutSecure => at("partitioned"),
            CookieRule::NegativeMaxAge => max_age.as_ref().map(|(_, r)| r.clone()),
            CookieRule::HostPrefixWithDomain => at("domain"),
            CookieRule::HostPrefixWithPath => at("path"),
            CookieRule::AttributeCharacter { attribute, .. }
            | CookieRule::AttributeTooLarge { attribute, .. } => {
                at(&attribute.to_ascii_lowercase())
            }
            _ => at("secure").or_else(|| table.get("name").map(Spanned::span)),
        };
        w.error(place.unwrap_or(range), &format!("cookie `{}`: {rule}", decl.name.value));
    }
    Some(decl)
}

/// Seconds since the Unix epoch of a TOML offset date-time.
fn unix_seconds(d: &toml_datetime::Datetime) -> Option<i64> {
    let date = d.date?;
    let time = d.time?;
    let offset = match d.offset? {
        toml_datetime::Offset::Z => 0,
        toml_datetime::Offset::Custom { minutes } => i64::from(minutes) * 60,
    };
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let (y, m, day) = (i64::from(date.year), i64::from(date.month), i64::from(date.day));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = i64::from(time.hour) * 3600
        + i64::from(time.minute) * 60
        + i64::from(time.second.unwrap_or(0));
    Some(days * 86_400 + secs - offset)
}

/// `[groups.<name>]`.
fn group(
    w: &Walker<'_>,
    name: &Spanned<std::borrow::Cow<'_, str>>,
    table: &DeTable<'_>,
    range: Range<usize>,
) -> Option<Group> {
    w.keys(table, &GROUP_KEYS, &format!("key in `[groups.{}]`", name.get_ref()));
    let origin = w.origin(range);
    let Some(prefix) = w.string(table, "prefix") else {
        if table.get("prefix").is_none() {
            w.cx.error_at(
                &w.origin(name.span()),
                format!(
                    "the group `{}` needs `prefix = \"/...\"`, the path its routes are served under",
                    name.get_ref()
                ),
            );
        }
        return None;
    };
    Some(Group { name: At::new(name.get_ref().to_string(), w.origin(name.span())), prefix, origin })
}

fn route(
    w: &Walker<'_>,
    table: &DeTable<'_>,
    range: Range<usize>,
    cookies: &[CookieDecl],
    groups: &[Group],
) -> Option<Route> {
    w.keys(table, &ROUTE_KEYS, "route key");
    let origin = w.origin(range.clone());
    let mut methods = Vec::new();
    let single = w.string(table, "method");
    let many = w.strings(table, "methods");
    if single.is_some() && many.is_some() {
        w.error(range.clone(), "give `method` or `methods`, not both");
    }
    methods.extend(single.into_iter().chain(many.into_iter().flatten()));
    if methods.is_empty() && table.get("method").is_none() && table.get("methods").is_none() {
        w.error(range.clone(), "a route needs `method = \"GET\"` (or `methods = [...]`)");
    }
    let Some(path_text) = w.string(table, "path") else {
        if table.get("path").is_none() {
            w.error(range.clone(), "a route needs `path = \"/...\"`");
        }
        return None;
    };
    let pattern = match PathPattern::parse(&path_text.value) {
        Ok(p) => p,
        Err(e) => {
            // The value's range includes its opening quote.
            let start = table.get("path").map_or(0, |v| v.span().start + 1);
            w.error(
                start + e.start..start + e.end.max(e.start + 1),
                &format!("invalid path pattern: {}", e.message),
            );
            return None;
        }
    };
    let Some(handler_text) = w.string(table, "handler") else {
        if table.get("handler").is_none() {
            w.error(range, "a route needs `handler = \"module::function\"`");
        }
        return None;
    };
    let handler = match syn::parse_str::<syn::Path>(&handler_text.value) {
        Ok(p) => p,
        Err(_) => {
            w.cx.error_at(
                &handler_text.origin,
                format!("`{}` is not a Rust path to a function", handler_text.value),
            );
            return None;
        }
    };
    let group = w.string(table, "group");
    // The group's prefix may have parameters: they come first (validation reports an
    // unknown group or a prefix that is not one; the route's own are used meanwhile).
    let prefix = group
        .as_ref()
        .and_then(|name| groups.iter().find(|g| g.name.value == name.value))
        .and_then(Group::pattern);
    let served = prefix.as_ref().and_then(|p| pattern.under(p).ok());
    let served = served.as_ref().unwrap_or(&pattern);
    let mut params = Vec::new();
    // Path parameters, in pattern order; their types from `params` (default `String`).
    let typed = w.typed_names(table, "params");
    for (name, _) in &typed {
        if !served.params().any(|p| p == name.value) {
            w.cx.error_at(
                &name.origin,
                format!("`{}` is not a parameter of the path `{}`", name.value, served),
            );
        }
    }
    for name in served.params() {
        let ty = typed
            .iter()
            .find(|(n, _)| n.value == name)
            .map_or_else(|| syn::parse_quote!(::std::string::String), |(_, t)| t.clone());
        params.push(Param { ty, kind: ParamKind::Path { name: name.to_owned() } });
    }
    for (source, key) in [(Source::Query, "query"), (Source::Header, "headers")] {
        for (name, ty) in w.typed_names(table, key) {
            params.push(value_param(ty, source, name));
        }
    }
    // Cookies: an array of declared ids, or a table of declared ids and inline names.
    if let Some(value) = table.get("cookies") {
        match value.get_ref() {
            DeValue::Array(_) => {
                for id in w.strings(table, "cookies").unwrap_or_default() {
                    if let Some(decl) = find_cookie(w, cookies, &id) {
                        let inner = &decl.ty;
                        let ty: syn::Type = syn::parse_quote!(::core::option::Option<#inner>);
                        params.push(protected_param(
                            ty,
                            Source::Cookie,
                            At::new(decl.name.value.clone(), id.origin.clone()),
                            decl.protection,
                        ));
                    }
                }
            }
            _ => {
                for (name, ty) in w.typed_names(table, "cookies") {
                    let declared = cookies
                        .iter()
                        .find(|c| c.id.value == name.value)
                        .map(|c| (c.name.value.clone(), c.protection));
                    let (wire, protection) =
                        declared.unwrap_or_else(|| (name.value.clone(), Protection::Plain));
                    params.push(protected_param(
                        ty,
                        Source::Cookie,
                        At::new(wire, name.origin.clone()),
                        protection,
                    ));
                }
            }
        }
    }
    if let Some(body) = w.string(table, "body")
        && let Some(ty) = w.rust_type(&body.value, table.get("body").map_or(0..0, Spanned::span))
    {
        params.push(Param { ty, kind: ParamKind::Body });
    }
    for dep in w.strings(table, "depends").unwrap_or_default() {
        let range = match &dep.origin {
            Origin::File { range, .. } => range.clone(),
            Origin::Span(_) => 0..0,
        };
        if let Some(ty) = w.rust_type(&dep.value, range) {
            params.push(Param { ty, kind: ParamKind::Dependency });
        }
    }
    if w.boolean(table, "request") == Some(true) {
        // Expansion writes the runtime's type; the parser names none.
        params.push(Param { ty: syn::parse_quote!(_), kind: ParamKind::Request });
    }
    if w.boolean(table, "response") == Some(true) {
        params.push(Param { ty: syn::parse_quote!(_), kind: ParamKind::Temporal });
    }
    // `sets` documents and checks which declared cookies the handler sets.
    let sets = w.strings(table, "sets").unwrap_or_default();
    for id in &sets {
        find_cookie(w, cookies, id);
    }
    let response_model = w.string(table, "response_model").and_then(|m| {
        let range = table.get("response_model").map_or(0..0, Spanned::span);
        w.rust_type(&m.value, range)
    });
    let status = w.integer(table, "status").map(|(n, r)| At::new(n, w.origin(r)));
    let filter = Filter {
        include: w.strings(table, "response_model_include"),
        exclude: w.strings(table, "response_model_exclude").unwrap_or_default(),
        exclude_unset: w.boolean(table, "response_model_exclude_unset").unwrap_or(false),
        exclude_none: w.boolean(table, "response_model_exclude_none").unwrap_or(false),
        exclude_defaults: w.boolean(table, "response_model_exclude_defaults").unwrap_or(false),
    };
    let name = w.string(table, "name").map(|n| n.value).unwrap_or_else(|| {
        handler.segments.last().map(|s| s.ident.to_string()).unwrap_or_default()
    });
    let docs = Docs {
        tags: w.strings(table, "tags").unwrap_or_default(),
        summary: w.string(table, "summary").map(|s| s.value),
        description: w.string(table, "description").map(|s| s.value),
        deprecated: w.boolean(table, "deprecated").unwrap_or(false),
        hidden: w.boolean(table, "openapi") == Some(false),
        sets,
    };
    Some(Route {
        declared_in: DeclaredIn::File,
        methods,
        path: At::new(pattern, path_text.origin),
        group,
        handler,
        params,
        response_model,
        status,
        filter,
        name,
        cross_origin: w.boolean(table, "cross_origin").unwrap_or(true),
        docs,
        origin,
    })
}

fn value_param(ty: syn::Type, source: Source, name: At<String>) -> Param {
    protected_param(ty, source, name, Protection::Plain)
}

fn protected_param(
    ty: syn::Type,
    source: Source,
    name: At<String>,
    protection: Protection,
) -> Param {
    let optional = crate::parse::attr::option_inner(&ty).map(Box::new);
    Param { ty, kind: ParamKind::Value { source, name, optional, default: None, protection } }
}

fn find_cookie<'c>(
    w: &Walker<'_>,
    cookies: &'c [CookieDecl],
    id: &At<String>,
) -> Option<&'c CookieDecl> {
    let found = cookies.iter().find(|c| c.id.value == id.value);
    if found.is_none() {
        let ids: Vec<&str> = cookies.iter().map(|c| c.id.value.as_str()).collect();
        let message = match diag::suggest(&id.value, &ids) {
            Some(s) => format!("cookie `{}` is not declared; did you mean `{s}`?", id.value),
            None => format!(
                "cookie `{}` is not declared; declare it in `[cookies.{}]`",
                id.value, id.value
            ),
        };
        w.cx.error_at(&id.origin, message);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (Declarations, Vec<String>) {
        let file = Rc::new(SourceFile {
            name: "routes.toml".to_owned(),
            text: text.to_owned(),
            span: proc_macro2::Span::call_site(),
        });
        let cx = Ctxt::new();
        let decls = parse(&cx, &file);
        crate::validate::declarations(&cx, &decls);
        let errors = match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        (decls, errors)
    }

    #[test]
    fn reads_cookies_routes_and_limits() {
        let (decls, errors) = parse_text(
            r#"
[app.cookie_defaults]
secure = true
[app.limits]
max_body_bytes = 1024
idle_timeout = "1m"

[cookies.session]
name = "__Host-session"
max_age = "1h"

[[route]]
methods = ["GET", "HEAD"]
path = "/items/{item_id}"
handler = "handlers::read_item"
params = { item_id = "u32" }
query = { q = "Option<String>" }
cookies = ["session"]
response = true
"#,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let cookie = &decls.cookies[0];
        assert_eq!(cookie.name.value, "__Host-session");
        assert_eq!((cookie.max_age, cookie.secure), (Some(3600), Some(true)));
        assert_eq!(decls.limits.len(), 2);
        let route = &decls.routes[0];
        assert_eq!(
            route.methods.iter().map(|m| m.value.as_str()).collect::<Vec<_>>(),
            ["GET", "HEAD"]
        );
        let kinds: Vec<&str> = route
            .params
            .iter()
            .map(|p| match &p.kind {
                ParamKind::Path { .. } => "path",
                ParamKind::Value { source, .. } => source.as_str(),
                ParamKind::Temporal => "response",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["path", "query", "cookie", "response"]);
        assert_eq!(route.name, "read_item");
    }

    #[test]
    fn collects_every_error_with_its_line_and_column() {
        let (_, errors) = parse_text(
            "[cookies.a]\nsame_site = \"None\"\n\n[[route]]\nmethod = \"FETCH\"\npath = \"/x\"\nhandler = \"h\"\nbogus = 1\n",
        );
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors[0].contains("routes.toml:2:13")
                && errors[0].contains("`SameSite=None` requires `Secure`")
        );
        assert!(
            errors[1].contains("routes.toml:8:1")
                && errors[1].contains("unknown route key `bogus`")
        );
        assert!(
            errors[2].contains("routes.toml:5:10") && errors[2].contains("unknown method `FETCH`")
        );
    }

    #[test]
    fn refuses_more_arguments_than_a_declared_handler_takes() {
        let query: Vec<String> = (0..17).map(|i| format!("q{i} = \"u32\"")).collect();
        let text = format!(
            "[[route]]\nmethod = \"GET\"\npath = \"/a\"\nhandler = \"h\"\nquery = {{ {} }}\n",
            query.join(", ")
        );
        let (_, errors) = parse_text(&text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("routes.toml:1:1") && errors[0].contains("take 17 arguments"),
            "{errors:?}"
        );
        let (_, errors) =
            parse_text(&text.replace("q16 = \"u32\", ", "").replace(", q16 = \"u32\"", ""));
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn points_inside_path_patterns() {
        let (_, errors) =
            parse_text("[[route]]\nmethod = \"GET\"\npath = \"/a/{id\"\nhandler = \"h\"\n");
        assert!(errors[0].contains("routes.toml:3:12"), "{errors:?}");
    }

    #[test]
    fn reads_groups_with_the_prefix_parameters_first() {
        let (decls, errors) = parse_text(
            r#"
[groups.users]
prefix = "/users/{user_id}"

[[route]]
method = "GET"
path = "/posts/{post_id}"
group = "users"
handler = "h"
params = { user_id = "u32", post_id = "u64" }
"#,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let group = &decls.groups[0];
        assert_eq!(
            (group.name.value.as_str(), group.prefix.value.as_str()),
            ("users", "/users/{user_id}")
        );
        let route = &decls.routes[0];
        assert_eq!(route.group.as_ref().map(|g| g.value.as_str()), Some("users"));
        assert_eq!(route.path.value.as_str(), "/posts/{post_id}", "the path within the group");
        let params: Vec<(String, String)> = route
            .params
            .iter()
            .map(|p| match &p.kind {
                ParamKind::Path { name } => {
                    let ty = &p.ty;
                    (name.clone(), quote::quote!(#ty).to_string())
                }
                _ => panic!("only path parameters"),
            })
            .collect();
        assert_eq!(params, [("user_id".into(), "u32".into()), ("post_id".into(), "u64".into())]);
    }

    #[test]
    fn checks_groups_at_their_line_and_column() {
        let (_, errors) = parse_text(
            r#"[groups.api]
prefix = "/api/"
[groups.files]
prefix = "/files/{*rest}"
[groups.nothing]
prefx = "/x"
[groups.Admin]
prefix = "/admin"
[groups.root]
prefix = "/"

[[route]]
method = "GET"
path = "/items"
group = "apii"
handler = "a"

[[route]]
method = "GET"
path = "/items"
group = "v2"
handler = "b"
"#,
        );
        let expect = [
            (
                "routes.toml:2:15",
                "invalid group prefix `/api/`: a group prefix must not end with `/`",
            ),
            ("routes.toml:4:18", "a group prefix cannot have a catch-all `{*name}`"),
            (
                "routes.toml:6:1",
                "unknown key in `[groups.nothing]` `prefx`; did you mean `prefix`?",
            ),
            ("routes.toml:5:9", "the group `nothing` needs `prefix = \"/...\"`"),
            (
                "routes.toml:7:9",
                "invalid group name `Admin`: a group name is a lowercase identifier",
            ),
            ("routes.toml:10:11", "invalid group prefix `/`: a group prefix is a path below `/`"),
            ("routes.toml:15:9", "group `apii` is not declared; did you mean `api`?"),
            ("routes.toml:21:9", "group `v2` is not declared; declare it with `[groups.v2]`"),
        ];
        assert_eq!(errors.len(), expect.len(), "{errors:#?}");
        for (place, message) in expect {
            assert!(
                errors.iter().any(|e| e.contains(place) && e.contains(message)),
                "{place}: {message}\n{errors:#?}"
            );
        }
    }

    #[test]
    fn finds_conflicts_under_prefixes_naming_both() {
        let (_, errors) = parse_text(
            r#"[groups.api]
prefix = "/api"
[groups.v1]
prefix = "/api"
[groups.users]
prefix = "/users/{id}"

[[route]]
method = "GET"
path = "/api/items"
handler = "a"

[[route]]
method = "GET"
path = "/items"
group = "api"
handler = "b"

[[route]]
methods = ["POST", "GET"]
path = "/items"
group = "v1"
handler = "c"

[[route]]
method = "POST"
path = "/"
group = "api"
handler = "d"

[[route]]
method = "GET"
path = "/posts/{id}"
group = "users"
handler = "e"
"#,
        );
        let expect = [
            (
                "routes.toml:15:8",
                "`GET /items` of group `api` (`GET /api/items`) matches the same requests as \
                 `GET /api/items` declared at routes.toml:8:1",
            ),
            (
                "routes.toml:21:8",
                "`GET /items` of group `v1` (`GET /api/items`) matches the same requests as \
                 `GET /api/items` declared at routes.toml:8:1",
            ),
            (
                "routes.toml:21:8",
                "`GET /items` of group `v1` (`GET /api/items`) matches the same requests as \
                 `GET /items` of group `api` (`GET /api/items`) declared at routes.toml:13:1",
            ),
            (
                "routes.toml:33:8",
                "under the prefix `/users/{id}` of group `users`, this path does not parse: \
                 parameter `id` appears twice",
            ),
        ];
        assert_eq!(errors.len(), expect.len(), "{errors:#?}");
        for (place, message) in expect {
            assert!(
                errors.iter().any(|e| e.contains(place) && e.contains(message)),
                "{place}: {message}\n{errors:#?}"
            );
        }
    }

    #[test]
    fn refuses_escaping_paths() {
        let dir = Path::new("/crate");
        assert!(resolve("routes.toml", dir).is_ok());
        assert!(resolve("/etc/routes.toml", dir).is_err());
        assert!(resolve("../routes.toml", dir).is_err());
        assert!(resolve("a/../../routes.toml", dir).is_err());
    }

    #[test]
    fn converts_dates() {
        let d: toml_datetime::Datetime = "1970-01-02T00:00:01Z".parse().unwrap();
        assert_eq!(unix_seconds(&d), Some(86_401));
        let d: toml_datetime::Datetime = "2030-01-01T00:00:00+01:00".parse().unwrap();
        assert_eq!(unix_seconds(&d), Some(1_893_452_400));
        let d: toml_datetime::Datetime = "2030-01-01T00:00:00".parse().unwrap();
        assert_eq!(unix_seconds(&d), None);
    }
}
