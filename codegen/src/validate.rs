//! Every rule of a route, once for both sources: a declaration read from an attribute and
//! one read from `routes.toml` are checked by the same code. The parsers only read their
//! own syntax (and report what does not parse at all).

use cookie_route_core::path::PathPattern;

use crate::ctxt::Ctxt;
use crate::decl::{Declarations, DeclaredIn, Group, METHODS, ParamKind, Route, Source, Spanned};
use crate::diag;

/// Checks what one file declares: its groups, and its routes on their own and against each
/// other (no two may match the same requests once mounted under their groups' prefixes, and
/// names are unique).
///
/// A group with no route in the file is allowed: it is also where the program's
/// `#[cookie_route(..., group = "name")]` routes and the routes `app_with` adds to it are
/// mounted, which the file cannot see, and an empty group serves nothing and hides nothing.
/// What would lose routes, a route naming a group the file does not declare, is an error.
pub(crate) fn declarations(cx: &Ctxt, decls: &Declarations) {
    for group in &decls.groups {
        group_decl(cx, group);
    }
    let routes = &decls.routes;
    let mut served: Vec<Option<PathPattern>> = Vec::with_capacity(routes.len());
    for (i, a) in routes.iter().enumerate() {
        route(cx, a);
        served.push(served_path(cx, a, &decls.groups));
        for (j, b) in routes[..i].iter().enumerate() {
            if a.name == b.name {
                let at = b.origin.location().unwrap_or_default();
                cx.error_at(
                    &a.origin,
                    format!("a route named `{}` is already declared at {at}", a.name),
                );
            }
            let shared = a.methods.iter().find(|m| b.methods.iter().any(|n| n.value == m.value));
            if let Some(method) = shared
                && let (Some(a_path), Some(b_path)) = (&served[i], &served[j])
                && a_path.conflicts_with(b_path)
            {
                let at = b.origin.location().unwrap_or_default();
                cx.error_at(
                    &a.path.origin,
                    format!(
                        "{} matches the same requests as {} declared at {at}",
                        shown(&method.value, a, a_path),
                        shown(&method.value, b, b_path),
                    ),
                );
            }
        }
    }
}

/// `GET /api/items`, or `GET /items` of group `api` (`GET /api/items`).
fn shown(method: &str, route: &Route, served: &PathPattern) -> String {
    match &route.group {
        None => format!("`{method} {served}`"),
        Some(group) => format!(
            "`{method} {}` of group `{}` (`{method} {served}`)",
            route.path.value, group.value
        ),
    }
}

/// The path a route of a file is served at: under its group's prefix when it has one.
/// `None` when that cannot be known (reported here, or with the group).
fn served_path(cx: &Ctxt, route: &Route, groups: &[Group]) -> Option<PathPattern> {
    let Some(name) = &route.group else { return Some(route.path.value.clone()) };
    let Some(group) = groups.iter().find(|g| g.name.value == name.value) else {
        let names: Vec<&str> = groups.iter().map(|g| g.name.value.as_str()).collect();
        let message = match diag::suggest(&name.value, &names) {
            Some(s) => format!("group `{}` is not declared; did you mean `{s}`?", name.value),
            None => format!(
                "group `{}` is not declared; declare it with `[groups.{}]` and its `prefix`",
                name.value, name.value
            ),
        };
        cx.error_at(&name.origin, message);
        return None;
    };
    let prefix = group.pattern()?;
    match route.path.value.under(&prefix) {
        Ok(path) => Some(path),
        Err(e) => {
            cx.error_at(
                &route.path.origin,
                format!(
                    "under the prefix `{prefix}` of group `{}`, this path does not parse: {}",
                    name.value, e.message
                ),
            );
            None
        }
    }
}

/// `[groups.<name>]`: its name, and its prefix by core's rule (`App::nest`'s).
fn group_decl(cx: &Ctxt, group: &Group) {
    group_name(cx, &group.name);
    if let Err(e) = PathPattern::parse_prefix(&group.prefix.value) {
        cx.error_at(
            &group.prefix.origin.inside(e.start, e.end),
            format!("invalid group prefix `{}`: {}", group.prefix.value, e.message),
        );
    }
}

/// A group name, wherever it is declared (`[groups.<name>]`, `group = "..."` of an
/// attribute): a lowercase Rust identifier, since a file's groups are the fields of the
/// generated `Groups`, and an attribute's name must be able to meet a file's.
fn group_name(cx: &Ctxt, name: &Spanned<String>) {
    let text = name.value.as_str();
    let shaped = text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && text != "_";
    if !shaped {
        cx.error_at(
            &name.origin,
            format!(
                "invalid group name `{text}`: a group name is a lowercase identifier, such as \
                 `api` or `admin_v2`"
            ),
        );
    } else if syn::parse_str::<syn::Ident>(text).is_err() {
        cx.error_at(
            &name.origin,
            format!(
                "invalid group name `{text}`: a Rust keyword cannot be a group name (a routes \
                 file's groups are the fields of its `Groups`)"
            ),
        );
    }
}

/// The most arguments a handler declared in a file may take (the runtime's
/// `DeclaredHandler` is implemented up to this arity).
pub(crate) const MAX_FILE_HANDLER_ARGS: usize = 16;

/// Checks one route on its own.
pub(crate) fn route(cx: &Ctxt, route: &Route) {
    methods(cx, route);
    // A file's route names one of the file's groups (`declarations` checks it); an
    // attribute's names the group it declares.
    if route.declared_in == DeclaredIn::Attribute
        && let Some(group) = &route.group
    {
        group_name(cx, group);
    }
    if let Some(status) = &route.status
        && !(100..=599).contains(&status.value)
    {
        cx.error_at(&status.origin, "`status` must be between 100 and 599");
    }
    for param in &route.params {
        if let ParamKind::Value { source: Source::Cookie, name, .. } = &param.kind
            && let Err(rule) = cookie_route_core::cookie::check_name(&name.value)
        {
            cx.error_at(&name.origin, format!("invalid cookie name `{}`: {rule}", name.value));
        }
    }
    let filtering = route.filter.include.is_some()
        || !route.filter.exclude.is_empty()
        || route.filter.exclude_unset
        || route.filter.exclude_none
        || route.filter.exclude_defaults;
    if filtering && route.response_model.is_none() {
        cx.error_at(&route.origin, "`response_model_*` options need a `response_model`");
    }
    if route.declared_in == DeclaredIn::File && route.params.len() > MAX_FILE_HANDLER_ARGS {
        cx.error_at(
            &route.origin,
            format!(
                "the handler of this route would take {} arguments; a handler declared in a \
                 file takes at most {MAX_FILE_HANDLER_ARGS} (group some in a dependency)",
                route.params.len()
            ),
        );
    }
    if let Some(include) = &route.filter.include {
        for (i, field) in include.iter().enumerate() {
            if include[..i].iter().any(|f| f.value == field.value) {
                cx.error_at(&field.origin, format!("`{}` is listed twice", field.value));
            }
        }
    }
    for field in &route.filter.exclude {
        let included = route
            .filter
            .include
            .as_ref()
            .is_some_and(|inc| inc.iter().any(|f| f.value == field.value));
        if included {
            cx.error_at(&field.origin, format!("`{}` is both included and excluded", field.value));
        }
    }
}

/// Each method is one of [`METHODS`], written in capitals, listed once.
fn methods(cx: &Ctxt, route: &Route) {
    for (i, method) in route.methods.iter().enumerate() {
        let name = method.value.as_str();
        if !METHODS.contains(&name) {
            let upper = name.to_ascii_uppercase();
            let message = if METHODS.contains(&upper.as_str()) {
                format!("methods are written in capitals: `{upper}`")
            } else {
                diag::unknown("method", name, &METHODS)
            };
            cx.error_at(&method.origin, message);
        } else if route.methods[..i].iter().any(|m| m.value == method.value) {
            cx.error_at(&method.origin, format!("method `{name}` is listed twice"));
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    /// The errors of `#[cookie_route(args)] async fn f() {}`.
    fn attribute_errors(args: proc_macro2::TokenStream) -> Vec<String> {
        let cx = Ctxt::new();
        let (route, _) = crate::parse::attr::route(
            &cx,
            args,
            syn::parse_quote!(
                async fn f() {}
            ),
        );
        if let Some(route) = &route {
            self::route(&cx, route);
        }
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn an_attributes_group_is_a_lowercase_identifier() {
        for ok in ["api", "admin_v2", "_internal"] {
            assert_eq!(attribute_errors(quote!(GET "/", group = #ok)), Vec::<String>::new());
        }
        for bad in ["Admin", "admin-api", "2fa", "_", ""] {
            let errors = attribute_errors(quote!(GET "/", group = #bad));
            assert_eq!(errors.len(), 1, "{bad}: {errors:?}");
            assert!(
                errors[0].starts_with(&format!(
                    "invalid group name `{bad}`: a group name is a lowercase identifier"
                )),
                "{errors:?}"
            );
        }
        let errors = attribute_errors(quote!(GET "/", group = "type"));
        assert!(errors[0].contains("a Rust keyword cannot be a group name"), "{errors:?}");
        let errors = attribute_errors(quote!(GET "/", group = api));
        assert!(errors[0].starts_with("expected `group = \"name\"`"), "{errors:?}");
    }
}
