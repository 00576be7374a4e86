//! A route's part of the OpenAPI document, an `OperationDoc` value the route's registration
//! holds and the runtime reads when it assembles the document: names, parameters, body,
//! model, declared cookies, and a schema function per type (`schema!(T)`: `T`'s JSON Schema,
//! or any value for a type without one; a route with `openapi = false` names no type).
//!
//! The value is written inside the runtime's `operation_doc!`, which keeps it (a
//! `&'static OperationDoc`) when the runtime has its `openapi` feature and drops it unread
//! otherwise: the runtime's features decide, not the macros', which cannot see them.

use proc_macro2::{Span, TokenStream};
use quote::quote;

use super::paths;
use crate::Documents;
use crate::decl::{CookieDecl, ParamKind, Protection, Route};

/// `operation_doc!(OperationDoc::new(..)..)` for `route`, whose file declares `cookies`: an
/// expression written where the registration takes the document (a `static`'s initializer),
/// not an item of its own. `operation_doc!()` when `documents` says to omit it.
pub(crate) fn operation_doc(
    route: &Route,
    cookies: &[CookieDecl],
    documents: Documents,
) -> TokenStream {
    let document = paths::document();
    if documents == Documents::Omit {
        return quote!(#document!());
    }
    let doc = operation(route, cookies);
    quote!(#document!(#doc))
}

/// `OperationDoc::new(..)..` for `route`.
fn operation(route: &Route, cookies: &[CookieDecl]) -> TokenStream {
    let operation_doc = paths::operation_doc();
    let docs = &route.docs;
    let name = &route.name;
    if docs.hidden {
        return quote!(#operation_doc::new(#name, &[]).hidden());
    }
    let params = route.params.iter().filter_map(param);
    // What the declaration says beyond the name and the parameters, each as the call that
    // sets it on `OperationDoc::new(..)`.
    let mut with = TokenStream::new();
    if let Some(summary) = &docs.summary {
        with.extend(quote!(.with_summary(#summary)));
    }
    if let Some(description) = &docs.description {
        with.extend(quote!(.with_description(#description)));
    }
    if !docs.tags.is_empty() {
        let tags = docs.tags.iter().map(|t| &t.value);
        with.extend(quote!(.with_tags(&[#(#tags),*])));
    }
    if docs.deprecated {
        with.extend(quote!(.deprecated()));
    }
    if let Some(s) = &route.status {
        let code = u16::try_from(s.value).unwrap_or(200);
        with.extend(quote!(.with_status(#code)));
    }
    if let Some(p) = route.params.iter().find(|p| matches!(p.kind, ParamKind::Body)) {
        let body = body(&p.ty);
        with.extend(quote!(.with_body(#body)));
    }
    if let Some(model) = &route.response_model {
        let (model_doc, schema) = (paths::model_doc(), paths::schema());
        let schema = quote!(#schema!(#model));
        let mut doc = quote!(#model_doc::new(#schema));
        if let Some(list) = &route.filter.include {
            let names = list.iter().map(|s| &s.value);
            doc.extend(quote!(.with_include(&[#(#names),*])));
        }
        if !route.filter.exclude.is_empty() {
            let names = route.filter.exclude.iter().map(|s| &s.value);
            doc.extend(quote!(.with_exclude(&[#(#names),*])));
        }
        with.extend(quote!(.with_model(#doc)));
    }
    let sets: Vec<_> = docs
        .sets
        .iter()
        .filter_map(|id| cookies.iter().find(|c| c.id.value == id.value))
        .map(cookie_doc)
        .collect();
    if !sets.is_empty() {
        with.extend(quote!(.with_sets(&[#(#sets),*])));
    }
    quote!(#operation_doc::new(#name, &[#(#params),*]) #with)
}

fn param(p: &crate::decl::Param) -> Option<TokenStream> {
    let param_doc = paths::param_doc();
    let (name, location, required, ty, default, protection) = match &p.kind {
        ParamKind::Path { name } => (name.clone(), "path", None, &p.ty, None, None),
        ParamKind::Value { source, name, optional, default, protection } => {
            // An `Option` documents as nullable, as FastAPI's `T | None`.
            let ty = &p.ty;
            let protection = match protection {
                Protection::Plain => None,
                Protection::Signed => Some("signed"),
                Protection::Private => Some("private"),
            };
            let required = optional.is_none() && default.is_none();
            let default = default.as_deref().and_then(json_literal);
            (name.value.clone(), source.as_str(), Some(required), ty, default, protection)
        }
        _ => return None,
    };
    // `ParamDoc::query(name, schema!(T), required)`.
    let location = syn::Ident::new(location, Span::call_site());
    let required = required.map(|r| quote!(, #r));
    let schema = paths::schema();
    let mut doc = quote!(#param_doc::#location(#name, #schema!(#ty) #required));
    if let Some(d) = default {
        doc.extend(quote!(.with_default(#d)));
    }
    if let Some(p) = protection {
        doc.extend(quote!(.with_protection(#p)));
    }
    Some(doc)
}

/// A default written as a literal, as JSON text (`3`, `"x"`, `true`); others are left out.
fn json_literal(expr: &syn::Expr) -> Option<String> {
    let syn::Expr::Lit(lit) = expr else { return None };
    match &lit.lit {
        syn::Lit::Int(i) => Some(i.base10_digits().to_owned()),
        syn::Lit::Float(f) => Some(f.base10_digits().to_owned()),
        syn::Lit::Bool(b) => Some(b.value.to_string()),
        syn::Lit::Str(s) => Some(format!("{:?}", s.value())),
        _ => None,
    }
}

/// The body's content type and schema: `Json<T>` and `Form<T>` by `T`, `String` as text,
/// `Bytes` as octets, anything else as JSON of itself.
fn body(ty: &syn::Type) -> TokenStream {
    let (body_doc, schema) = (paths::body_doc(), paths::schema());
    let last = match ty {
        syn::Type::Path(p) => p.path.segments.last(),
        _ => None,
    };
    let inner = last.and_then(|segment| match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    });
    let (content_type, documented): (&str, &syn::Type) =
        match (last.map(|s| s.ident.to_string()).as_deref(), inner) {
            (Some("Json"), Some(inner)) => ("application/json", inner),
            (Some("Form"), Some(inner)) => ("application/x-www-form-urlencoded", inner),
            (Some("String"), _) => ("text/plain", ty),
            (Some("Bytes"), _) => ("application/octet-stream", ty),
            _ => ("application/json", ty),
        };
    let schema = if content_type == "application/octet-stream" {
        // `Bytes` has no schema of its own: a binary string.
        quote!(#schema!(::std::vec::Vec<u8>))
    } else {
        quote!(#schema!(#documented))
    };
    quote!(#body_doc { content_type: #content_type, schema: #schema })
}

fn cookie_doc(c: &CookieDecl) -> TokenStream {
    let cookie_doc = paths::cookie_doc();
    let (some, none) = (paths::some(), paths::none());
    fn opt<T: quote::ToTokens>(
        v: Option<T>,
        some: &paths::Path,
        none: &paths::Path,
    ) -> TokenStream {
        match v {
            Some(v) => quote!(#some(#v)),
            None => quote!(#none),
        }
    }
    let name = &c.name.value;
    let kind = match c.protection {
        Protection::Plain => "plain",
        Protection::Signed => "signed",
        Protection::Private => "private",
    };
    let max_age = opt(c.max_age, &some, &none);
    let expires = opt(c.expires, &some, &none);
    let path = opt(c.path.as_deref(), &some, &none);
    let domain = opt(c.domain.as_deref(), &some, &none);
    let secure = opt(c.secure, &some, &none);
    let http_only = opt(c.http_only, &some, &none);
    let same_site = opt(c.same_site.as_deref(), &some, &none);
    let partitioned = opt(c.partitioned, &some, &none);
    quote! {
        #cookie_doc {
            name: #name, kind: #kind, max_age: #max_age, expires: #expires, path: #path,
            domain: #domain, secure: #secure, http_only: #http_only, same_site: #same_site,
            partitioned: #partitioned,
        }
    }
}
