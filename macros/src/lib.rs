//! The macros of cookie-route. Use them through the `cookie-route` crate, which re-exports
//! and documents them. Each forwards to `cookie-route-codegen`, where the work is done.

use cookie_route_codegen::Documents;
use proc_macro::TokenStream;

/// Routes carry their part of the OpenAPI document only when the runtime has its `openapi`
/// feature, which turns on this crate's.
const DOCUMENTS: Documents =
    if cfg!(feature = "openapi") { Documents::Emit } else { Documents::Omit };

/// Declares a route on an `async fn`; see `cookie_route::cookie_route`.
#[proc_macro_attribute]
pub fn cookie_route(args: TokenStream, item: TokenStream) -> TokenStream {
    cookie_route_codegen::route_attribute(args.into(), item.into(), DOCUMENTS).into()
}

/// Reads `routes.toml` at compile time; see `cookie_route::routes`.
#[proc_macro]
pub fn routes(input: TokenStream) -> TokenStream {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    cookie_route_codegen::routes_file(input.into(), manifest_dir.as_deref(), DOCUMENTS).into()
}

/// Derives `ResponseModel`; see `cookie_route::ResponseModel`.
#[proc_macro_derive(ResponseModel, attributes(model))]
pub fn derive_response_model(input: TokenStream) -> TokenStream {
    cookie_route_codegen::derive_response_model(input.into()).into()
}
