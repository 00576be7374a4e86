//! Checks across declarations; checks of one value happen while parsing.

use crate::ctxt::Ctxt;
use crate::model::Route;

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
    if route.origin.location().is_some() && route.params.len() > MAX_FILE_HANDLER_ARGS {
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
