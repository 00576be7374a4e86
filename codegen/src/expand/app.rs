//! `routes!("routes.toml")`: the file's cookies as typed modules, and `app()`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use super::paths;
use crate::Documents;
use crate::decl::{CookieDecl, Declarations, LimitValue, Protection, Route};

/// The whole expansion for a declarations file at `path` (absolute, for `include_bytes!`).
pub(crate) fn routes(decls: &Declarations, path: &str, documents: Documents) -> TokenStream {
    let cookies = decls.cookies.iter().map(cookie_module);
    let app = app_fn(decls, documents);
    quote! {
        // Editing the file rebuilds the crate.
        const _: &[u8] = ::core::include_bytes!(#path);

        /// The cookies declared in the routes file: read, set and delete each with its
        /// declared type and attributes.
        #[allow(dead_code)] // a declared cookie need not be used by every build
        pub mod cookies {
            #(#cookies)*
        }

        #app
    }
}

fn opt<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    let some = paths::some();
    let none = paths::none();
    match value {
        Some(v) => quote!(#some(#v)),
        None => quote!(#none),
    }
}

fn cookie_module(c: &CookieDecl) -> TokenStream {
    let (cookie, response, request, keys) =
        (paths::cookie(), paths::response(), paths::request(), paths::keys());
    let (result, option, error, cookie_error) =
        (paths::result(), paths::option(), paths::error(), paths::cookie_error());
    let (declared_cookie, declared_removal) = (paths::declared_cookie(), paths::declared_removal());
    let attributes = paths::cookie_attributes();
    let module = format_ident!("{}", c.id.value);
    let name = &c.name.value;
    let ty = &c.ty;
    let (max_age_fn, expires_fn) = (paths::max_age(), paths::expires());
    let max_age = opt(c.max_age.map(|s| quote!(const { #max_age_fn(#s) })));
    let expires = opt(c.expires.map(|s| quote!(const { #expires_fn(#s) })));
    let path = opt(c.path.as_deref());
    let domain = opt(c.domain.as_deref());
    let secure = opt(c.secure);
    let http_only = opt(c.http_only);
    // The parser has checked it is one of the three.
    let same_site = opt(c.same_site.as_deref().map(|s| {
        let variant = format_ident!("{s}");
        let same_site = paths::same_site();
        quote!(#same_site::#variant)
    }));
    let partitioned = opt(c.partitioned);
    let doc =
        format!("The `{name}` cookie, of type `{}`.", quote!(#ty).to_string().replace(' ', ""));
    let accessors = match c.protection {
        Protection::Plain => quote! {
            /// The cookie holding `value` (anything that displays as the declared type's
            /// text), with its declared attributes.
            pub fn cookie(value: impl ::core::fmt::Display) -> #cookie<'static> {
                #declared_cookie(NAME, &value, &ATTRIBUTES)
            }

            /// Sets the cookie holding `value` on `response`.
            pub fn set(response: &mut #response, value: impl ::core::fmt::Display) -> #result<(), #cookie_error> {
                response.set_cookie(cookie(value))
            }

            /// Reads the cookie: `None` when absent, a 422 when it does not convert.
            pub fn get(request: &#request) -> #result<#option<#ty>, #error> {
                request.cookie_as::<#ty>(NAME)
            }
        },
        Protection::Signed | Protection::Private => {
            let (seal, read, what) = if c.protection == Protection::Signed {
                (quote!(sign), paths::signed_cookie_value(), "signed")
            } else {
                (quote!(encrypt), paths::private_cookie_value(), "encrypted")
            };
            let cookie_doc = format!(
                "The cookie holding `value` {what} with `keys`, with its declared attributes."
            );
            let get_doc = format!(
                "Reads the cookie: `None` when absent, or when it is not {what} with the app's keys, \
                 belongs to another cookie or expired; a 422 when it does not convert."
            );
            quote! {
                #[doc = #cookie_doc]
                pub fn cookie(keys: &#keys, value: impl ::core::fmt::Display) -> #cookie<'static> {
                    keys.#seal(#declared_cookie(NAME, &value, &ATTRIBUTES))
                }

                /// Sets the cookie holding `value` on `response`.
                pub fn set(
                    response: &mut #response,
                    keys: &#keys,
                    value: impl ::core::fmt::Display,
                ) -> #result<(), #cookie_error> {
                    response.set_cookie(cookie(keys, value))
                }

                #[doc = #get_doc]
                pub fn get(request: &#request) -> #result<#option<#ty>, #error> {
                    #read::<#ty>(request, NAME).map_err(|detail| #error::Validation(::std::vec![*detail]))
                }
            }
        }
    };
    quote! {
        #[doc = #doc]
        pub mod #module {
            #[allow(unused_imports)] // the declared type may name items of the routes! module
            use super::super::*;

            /// The cookie's name on the wire.
            pub const NAME: &str = #name;

            const ATTRIBUTES: #attributes = #attributes {
                max_age: #max_age,
                expires: #expires,
                path: #path,
                domain: #domain,
                secure: #secure,
                http_only: #http_only,
                same_site: #same_site,
                partitioned: #partitioned,
            };

            #accessors

            /// Removes the cookie from the client, with its declared `Path` and `Domain`.
            pub fn delete(response: &mut #response) -> #result<(), #cookie_error> {
                response.remove_cookie(#declared_removal(NAME, &ATTRIBUTES))
            }
        }
    }
}

fn app_fn(decls: &Declarations, documents: Documents) -> TokenStream {
    let (app, limits_ty, duration) = (paths::app(), paths::limits(), paths::duration());
    let mut handlers = Vec::new();
    // The routes of the app itself, then those of each group, in file order.
    let mut top = Vec::new();
    let mut grouped: Vec<Vec<TokenStream>> = decls.groups.iter().map(|_| Vec::new()).collect();
    for (i, route) in decls.routes.iter().enumerate() {
        let name = format_ident!("__cookie_route_route{}", i);
        let requires = format_ident!("__cookie_route_route{}_requires", i);
        let return_span = Span::call_site();
        handlers.push(super::route::handler_fn(route, &name, return_span));
        let (requires_fn, requires) = super::route::requires_fn(route, &requires);
        handlers.push(requires_fn);
        let doc = super::openapi::operation_doc(route, &decls.cookies, documents);
        let info = format_ident!("__COOKIE_ROUTE_ROUTE{}", i);
        handlers.push(file_route(route, &info, &name, &requires, &doc, decls.automatic_options));
        // Validated: a route's group is one of the file's.
        let (into, target) = match &route.group {
            None => (quote!(app), &mut top),
            Some(group) => match decls.groups.iter().position(|g| g.name.value == group.value) {
                Some(g) => (quote!(group), &mut grouped[g]),
                None => continue,
            },
        };
        add_route(target, &into, route, &info);
    }
    let limits = decls.limits.iter().map(|l| {
        let setter = format_ident!("with_{}", l.setter);
        match l.value {
            LimitValue::Count(n) => {
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                quote!(.#setter(#n))
            }
            LimitValue::Seconds(s) => quote!(.#setter(#duration::from_secs(#s))),
        }
    });
    let limits = quote!(#limits_ty::default() #(#limits)*);
    let cross_origin = decls.cross_origin.as_ref().map(|c| {
        let config = paths::cross_origin();
        let trusted = &c.trusted_origins;
        if c.enabled {
            quote!(.cross_origin(#config::new() #(.trust(#trusted))*))
        } else {
            quote!(.cross_origin(#config::off()))
        }
    });
    // The app's settings, applied last: its limits and cross-origin protection.
    let limits = quote!(.limits(#limits) #cross_origin);
    if decls.groups.is_empty() {
        return quote! {
            /// The app declared in the routes file, together with every `#[cookie_route]` of
            /// the program.
            pub fn app() -> #app {
                #(#handlers)*
                let app = #app::declared();
                #(#top)*
                app #limits
            }
        };
    }
    groups_app(decls, &handlers, &top, &grouped, &limits)
}

/// Adds `route` (whose generated handler is `name`) to the app bound as `into`, once per method.
/// `static #info: FileRoute`: what the runtime needs to add the route, once for all its
/// methods.
fn file_route(
    route: &Route,
    info: &syn::Ident,
    handler: &syn::Ident,
    requires: &TokenStream,
    doc: &TokenStream,
    automatic_options: bool,
) -> TokenStream {
    let file_route = paths::file_route();
    let path = route.path.value.as_str();
    let location = route.origin.location().unwrap_or_default();
    let cross_origin = route.cross_origin;
    quote! {
        static #info: #file_route = #file_route {
            path: #path,
            handler: #handler,
            location: #location,
            automatic_options: #automatic_options,
            cross_origin: #cross_origin,
            requires: #requires,
            doc: #doc,
        };
    }
}

/// `let #into = route(#into, METHOD, &#info);` for each method of the route.
fn add_route(out: &mut Vec<TokenStream>, into: &TokenStream, route: &Route, info: &syn::Ident) {
    let (route_fn, method_ty) = (paths::route(), paths::method());
    for method in &route.methods {
        let method = format_ident!("{}", method.value);
        out.push(quote! {
            let #into = #route_fn(#into, #method_ty::#method, &#info);
        });
    }
}

/// With `[groups.<name>]`: `Groups`, `app_with(f)` and `app()`. The routes are added by one
/// function and the groups mounted by another, neither generic: only the two lines that
/// call `f` are compiled for each function given.
fn groups_app(
    decls: &Declarations,
    handlers: &[TokenStream],
    top: &[TokenStream],
    grouped: &[Vec<TokenStream>],
    limits: &TokenStream,
) -> TokenStream {
    let (app, file_group) = (paths::app(), paths::file_group());
    let names: Vec<syn::Ident> =
        decls.groups.iter().map(|g| format_ident!("{}", g.name.value)).collect();
    let bound: Vec<syn::Ident> =
        (0..decls.groups.len()).map(|i| format_ident!("__cookie_route_group{}", i)).collect();
    let fields = decls.groups.iter().zip(&names).map(|(g, name)| {
        let doc = format!(
            "`[groups.{name}]` ({}): the routes served under `{}`, the file's and every \
             `#[cookie_route(..., group = \"{name}\")]`.",
            g.origin.location().unwrap_or_default(),
            g.prefix.value,
        );
        quote! {
            #[doc = #doc]
            pub #name: #app,
        }
    });
    let made = decls.groups.iter().zip(grouped).map(|(g, routes)| {
        let name = &g.name.value;
        quote! {{
            let group = #file_group(#name);
            #(#routes)*
            group
        }}
    });
    let mounts = decls.groups.iter().zip(&bound).map(|(g, bound)| {
        let prefix = &g.prefix.value;
        quote!(let app = app.nest(#prefix, #bound);)
    });
    let list: Vec<String> = decls
        .groups
        .iter()
        .map(|g| format!("`{}` under `{}`", g.name.value, g.prefix.value))
        .collect();
    let app_doc = format!(
        "The app declared in the routes file, together with every `#[cookie_route]` of the \
         program, each group's routes mounted under its prefix ({}). The same as \
         `app_with(|groups| groups)`.",
        list.join(", ")
    );
    quote! {
        /// The route groups of the routes file, each an `App` of its routes before it is
        /// mounted under its prefix: its routes from the file, and every
        /// `#[cookie_route(..., group = "name")]` of the program. `app_with` gives them to a
        /// function that may add middleware, state or more routes to one group only.
        #[derive(Debug)]
        pub struct Groups {
            #(#fields)*
        }

        #[doc = #app_doc]
        pub fn app() -> #app {
            app_with(|groups| groups)
        }

        /// The app of `app()`, with `f` given the groups before they are mounted, to change
        /// one group only: middleware added to `groups.api` runs around the routes of `api`
        /// and no others.
        ///
        /// ```text
        /// let app = app_with(|mut groups| {
        ///     groups.api = groups.api.middleware(require_api_key);
        ///     groups
        /// });
        /// ```
        ///
        /// Each group is then mounted with `App::nest`, whose rules and checks apply (a
        /// route of a group that matches the same requests as another makes `App::build`
        /// fail, naming both). Replacing a group with another `App` drops its routes from
        /// the file; `App::build` fails if it had `#[cookie_route]` ones.
        pub fn app_with(f: impl ::core::ops::FnOnce(Groups) -> Groups) -> #app {
            fn __cookie_route_declared() -> (#app, Groups) {
                #(#handlers)*
                let app = #app::declared();
                #(#top)*
                (app, Groups { #(#names: #made,)* })
            }
            fn __cookie_route_mount(app: #app, groups: Groups) -> #app {
                let Groups { #(#names: #bound),* } = groups;
                #(#mounts)*
                app #limits
            }
            let (app, groups) = __cookie_route_declared();
            __cookie_route_mount(app, f(groups))
        }
    }
}
