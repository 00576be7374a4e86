//! What cookie-route's macros do, as an ordinary library (the macros crate only forwards
//! to it, as `sqlx-macros` does to `sqlx-macros-core`), so that the parser, validator and
//! expansion can be tested, snapshot and fuzzed without a compiler in the loop.
//!
//! Each entry point reads its input into the one route model (`model.rs`), validates it
//! (`validate.rs`) and expands it (`expand/`); errors are collected (`ctxt.rs`) and all
//! reported, each at its place. Not a public API: use `cookie-route`.

// The compiler's own API, for what `proc_macro2` does not give (a span's line and file).
extern crate proc_macro;

mod ctxt;
mod decl;
mod diag;
mod expand;
mod parse;
mod validate;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::rc::Rc;

use proc_macro2::{Span, TokenStream};
use quote::quote;

/// Whether generated routes carry their part of the OpenAPI document.
///
/// The document is the runtime's `openapi` feature, and the macros' own `openapi` feature
/// follows it (the runtime's turns it on): `Omit` when it is off, so a route's document is
/// neither generated nor read by the compiler. Either way it sits inside the runtime's
/// `operation_doc!`, which keeps it or drops it as the runtime was built; a build script,
/// which cannot see the runtime's features, emits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Documents {
    Emit,
    Omit,
}

/// `#[cookie_route(args)] item`.
pub fn route_attribute(args: TokenStream, item: TokenStream, documents: Documents) -> TokenStream {
    let item = match parse::attr::FnItem::from_tokens(item) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error(),
    };
    let cx = ctxt::Ctxt::new();
    let (route, item) = parse::attr::route(&cx, args, item);
    if let Some(route) = &route {
        validate::route(&cx, route);
    }
    let expanded = match (cx.check(), route) {
        (Ok(()), Some(route)) => {
            let handler = syn::Ident::new("__cookie_route_handler", Span::call_site());
            let return_span = item.return_span();
            let requires = syn::Ident::new("__cookie_route_requires", Span::call_site());
            let (alias, (handler_fn, (requires_fn, _), register)) = expand::paths::aliased(|| {
                let handler_fn = expand::route::handler_fn(&route, &handler, return_span);
                let requires_fn = expand::route::requires_fn(&route, &requires);
                let doc = expand::openapi::operation_doc(&route, &[], documents);
                let register = expand::route::register(&route, &handler, &requires_fn.1, &doc);
                (handler_fn, requires_fn, register)
            });
            quote! {
                #item
                #[doc(hidden)]
                const _: () = {
                    #alias
                    #handler_fn
                    #requires_fn
                    #register
                };
            }
        }
        (Err(e), _) => {
            let errors = ctxt::to_compile_errors(&e);
            quote! { #item #errors }
        }
        (Ok(()), None) => quote! { #item },
    };
    debug_print("#[cookie_route]", &expanded);
    expanded
}

/// `routes!("path")`, the path relative to `manifest_dir`.
pub fn routes_file(
    input: TokenStream,
    manifest_dir: Option<&Path>,
    documents: Documents,
) -> TokenStream {
    let lit = match syn::parse2::<syn::LitStr>(input) {
        Ok(l) => l,
        Err(e) => return e.to_compile_error(),
    };
    let expanded = match routes_from_file(&lit, manifest_dir, documents) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    };
    debug_print("routes!", &expanded);
    expanded
}

fn routes_from_file(
    lit: &syn::LitStr,
    manifest_dir: Option<&Path>,
    documents: Documents,
) -> Result<TokenStream, syn::Error> {
    let relative = lit.value();
    let manifest_dir = manifest_dir.ok_or_else(|| {
        syn::Error::new(lit.span(), "CARGO_MANIFEST_DIR is not set: build with cargo")
    })?;
    let path = parse::toml::resolve(&relative, manifest_dir)
        .map_err(|m| syn::Error::new(lit.span(), m))?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| syn::Error::new(lit.span(), format!("cannot read `{relative}`: {e}")))?;
    let file = Rc::new(decl::SourceFile { name: relative, text, span: lit.span() });
    routes_from_text(file, &path, documents)
}

/// Parse -> validate -> expand of a routes file's text, read from `path`.
fn routes_from_text(
    file: Rc<decl::SourceFile>,
    path: &Path,
    documents: Documents,
) -> Result<TokenStream, syn::Error> {
    let cx = ctxt::Ctxt::new();
    let decls = parse::toml::parse(&cx, &file);
    validate::declarations(&cx, &decls);
    cx.check()?;
    Ok(expand::app::routes(&decls, &path.to_string_lossy(), documents))
}

/// Where the routes file `relative` is, as `routes!` finds it: inside the crate's directory
/// `manifest_dir`, or an error saying why not.
pub fn resolve_routes_file(relative: &str, manifest_dir: &Path) -> Result<PathBuf, String> {
    parse::toml::resolve(relative, manifest_dir)
}

/// What `routes!` generates for the routes file `name` (its `text`, read from `path`), as
/// Rust source: for a build script (`cookie-route-build`) to write once, and the crate to
/// `include!` on every build without running the macro again. A file with errors gives a
/// `compile_error!` for each, as `name:LINE:COL: message` with the line.
pub fn routes_source(name: &str, text: &str, path: &Path) -> String {
    let file = Rc::new(decl::SourceFile {
        name: name.to_owned(),
        text: text.to_owned(),
        span: Span::call_site(),
    });
    match routes_from_text(file, path, Documents::Emit) {
        Ok(tokens) => without_lints(tokens).to_string(),
        Err(e) => ctxt::to_compile_errors(&e).to_string(),
    }
}

/// `tokens` with each top-level item allowing clippy's lints. Code a crate `include!`s is its
/// own code to clippy, where a macro's output is not linted: the generated code (such as
/// `let __value = ..; __value`, which places a type error at the return type) stays as quiet
/// as `routes!`'s, whatever lints the crate turns on.
fn without_lints(tokens: TokenStream) -> TokenStream {
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        return tokens;
    };
    let allow: syn::Attribute = syn::parse_quote!(#[allow(
        clippy::all,
        clippy::pedantic,
        clippy::nursery,
        clippy::restriction,
        clippy::cargo
    )]);
    for item in &mut file.items {
        let attrs = match item {
            syn::Item::Const(i) => &mut i.attrs,
            syn::Item::Enum(i) => &mut i.attrs,
            syn::Item::Fn(i) => &mut i.attrs,
            syn::Item::Impl(i) => &mut i.attrs,
            syn::Item::Mod(i) => &mut i.attrs,
            syn::Item::Static(i) => &mut i.attrs,
            syn::Item::Struct(i) => &mut i.attrs,
            syn::Item::Type(i) => &mut i.attrs,
            syn::Item::Use(i) => &mut i.attrs,
            _ => continue,
        };
        attrs.insert(0, allow.clone());
    }
    quote!(#file)
}

/// Parses and validates the text of a routes file named `name`, as `routes!` does, without
/// expanding it: every error, as `name:LINE:COL: message` with the line.
pub fn check_routes_toml(name: &str, text: &str) -> Result<(), Vec<String>> {
    let file = Rc::new(decl::SourceFile {
        name: name.to_owned(),
        text: text.to_owned(),
        span: Span::call_site(),
    });
    let cx = ctxt::Ctxt::new();
    let decls = parse::toml::parse(&cx, &file);
    validate::declarations(&cx, &decls);
    cx.check().map_err(|e| e.into_iter().map(|e| e.to_string()).collect())
}

/// `#[derive(ResponseModel)]`.
pub fn derive_response_model(input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<syn::DeriveInput>(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let cx = ctxt::Ctxt::new();
    let model = parse::response_model::model(&cx, &input);
    let expanded = match (cx.check(), model) {
        (Ok(()), Some(model)) => expand::response_model::response_model(&model),
        (Err(e), _) => ctxt::to_compile_errors(&e),
        (Ok(()), None) => quote!(),
    };
    debug_print("#[derive(ResponseModel)]", &expanded);
    expanded
}

/// `COOKIE_ROUTE_DEBUG=1` prints what a macro generated to stderr.
fn debug_print(what: &str, tokens: &TokenStream) {
    if std::env::var_os("COOKIE_ROUTE_DEBUG").is_some_and(|v| v != "0") {
        eprintln!("// {what}\n{tokens}");
    }
}
