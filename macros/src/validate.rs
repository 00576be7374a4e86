//! Checks across declarations; checks of one value happen while parsing.

use crate::ctxt::Ctxt;
use crate::model::Route;

/// Checks one route on its own.
pub(crate) fn route(cx: &Ctxt, route: &Route) {
    if let Some(include) = &route.filter.include {
        for (i, field) in include.iter().enumerate() {
            if include[..i].iter().any(|f| f.value == field.value) {
                cx.error(field.origin.span(), format!("`{}` is listed twice", field.value));
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
            cx.error(
                field.origin.span(),
                format!("`{}` is both included and excluded", field.value),
            );
        }
    }
}
