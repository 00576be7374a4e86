//! Every rule of a route, once for both sources: a declaration read from an attribute and
//! one read from `routes.toml` are checked by the same code. The parsers only read their
//! own syntax (and report what does not parse at all).

use crate::ctxt::Ctxt;
use crate::decl::{DeclaredIn, METHODS, ParamKind, Route, Source};
use crate::diag;

/// Checks the routes of one file against each other: no two may match the same requests,
/// and names are unique.
pub(crate) fn routes(cx: &Ctxt, routes: &[Route]) {
    for (i, a) in routes.iter().enumerate() {
        route(cx, a);
        for b in &routes[..i] {
            if a.name == b.name {
                let at = b.origin.location().unwrap_or_default();
                cx.error_at(
                    &a.origin,
                    format!("a route named `{}` is already declared at {at}", a.name),
                );
            }
            let shared = a.methods.iter().find(|m| b.methods.iter().any(|n| n.value == m.value));
            if let Some(method) = shared
                && a.path.value.conflicts_with(&b.path.value)
            {
                let at = b.origin.location().unwrap_or_default();
                cx.error_at(
                    &a.path.origin,
                    format!(
                        "`{} {}` matches the same requests as `{} {}` declared at {at}",
                        method.value, a.path.value, method.value, b.path.value
                    ),
                );
            }
        }
    }
}

/// The most arguments a handler declared in a file may take (the runtime's
/// `DeclaredHandler` is implemented up to this arity).
pub(crate) const MAX_FILE_HANDLER_ARGS: usize = 16;

/// Checks one route on its own.
pub(crate) fn route(cx: &Ctxt, route: &Route) {
    methods(cx, route);
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
