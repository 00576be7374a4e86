//! The macros of cookie-route. Use them through the `cookie-route` crate, which re-exports
//! and documents them.
//!
//! Each entry point reads its input into the one route model (`model.rs`), validates it
//! (`validate.rs`) and expands it (`expand/`); errors are collected (`ctxt.rs`) and all
//! reported, each at its place.

mod ctxt;
mod diag;
mod expand;
mod model;
mod parse;
mod validate;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use quote::quote;

/// Declares a route on an `async fn`; see `cookie_route::cookie_route`.
#[proc_macro_attribute]
pub fn cookie_route(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = match syn::parse::<syn::ItemFn>(item) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error().into(),
    };
    let cx = ctxt::Ctxt::new();
    let (route, item) = parse::attr::route(&cx, args.into(), item);
    if let Some(route) = &route {
        validate::route(&cx, route);
    }
    let expanded = match (cx.check(), route) {
        (Ok(()), Some(route)) => {
            let handler = syn::Ident::new("__cookie_route_handler", proc_macro2::Span::call_site());
            let return_span = match &item.sig.output {
                syn::ReturnType::Type(_, ty) => syn::spanned::Spanned::span(&**ty),
                syn::ReturnType::Default => item.sig.ident.span(),
            };
            let handler_fn = expand::route::handler_fn(&route, &handler, return_span);
            let register = expand::route::register(&route, &handler);
            quote! {
                #item
                #[doc(hidden)]
                const _: () = {
                    #handler_fn
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
    expanded.into()
}

/// Reads `routes.toml` at compile time; see `cookie_route::routes`.
#[proc_macro]
pub fn routes(input: TokenStream) -> TokenStream {
    let lit = match syn::parse::<syn::LitStr>(input) {
        Ok(l) => l,
        Err(e) => return e.to_compile_error().into(),
    };
    let expanded = match routes_from_file(&lit) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    };
    debug_print("routes!", &expanded);
    expanded.into()
}

fn routes_from_file(lit: &syn::LitStr) -> Result<proc_macro2::TokenStream, syn::Error> {
    let relative = lit.value();
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from).ok_or_else(|| {
            syn::Error::new(lit.span(), "CARGO_MANIFEST_DIR is not set: build with cargo")
        })?;
    let path = parse::toml::resolve(&relative, &manifest_dir)
        .map_err(|m| syn::Error::new(lit.span(), m))?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| syn::Error::new(lit.span(), format!("cannot read `{relative}`: {e}")))?;
    let file = std::rc::Rc::new(model::SourceFile { name: relative, text, span: lit.span() });
    let cx = ctxt::Ctxt::new();
    let decls = parse::toml::parse(&cx, &file);
    validate::routes(&cx, &decls.routes);
    cx.check()?;
    Ok(expand::app::routes(&decls, &path.to_string_lossy()))
}

/// Derives `ResponseModel`; see `cookie_route::ResponseModel`.
#[proc_macro_derive(ResponseModel, attributes(model))]
pub fn derive_response_model(input: TokenStream) -> TokenStream {
    let input = match syn::parse::<syn::DeriveInput>(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error().into(),
    };
    let cx = ctxt::Ctxt::new();
    let model = parse::derive::model(&cx, &input);
    let expanded = match (cx.check(), model) {
        (Ok(()), Some(model)) => expand::model::response_model(&model),
        (Err(e), _) => ctxt::to_compile_errors(&e),
        (Ok(()), None) => quote!(),
    };
    debug_print("#[derive(ResponseModel)]", &expanded);
    expanded.into()
}

/// `COOKIE_ROUTE_DEBUG=1` prints what a macro generated to stderr.
fn debug_print(what: &str, tokens: &proc_macro2::TokenStream) {
    if std::env::var_os("COOKIE_ROUTE_DEBUG").is_some_and(|v| v != "0") {
        eprintln!("// {what}\n{tokens}");
    }
}
