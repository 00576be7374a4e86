//! `#[derive(ResponseModel)]`: the model's schema, fixed at compile time.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::paths;
use crate::parse::response_model::{FieldDefault, ResponseModelInput};

pub(crate) fn response_model(model: &ResponseModelInput) -> TokenStream {
    let ident = &model.ident;
    let name = ident.to_string();
    let schema = paths::model_schema();
    let field_schema = paths::field_schema();
    let field_shape = paths::field_shape();
    let response_model = paths::response_model();
    let shape = paths::shape();
    let json_value = paths::json_value();
    let to_json = paths::to_json();
    let some = paths::some();
    let none = paths::none();
    let fields = model.fields.iter().map(|f| {
        let json_name = &f.json_name;
        let ty = &f.ty;
        let shape_fn = if f.any {
            quote!({
                fn __cookie_route_any() -> #shape { #shape::Any }
                __cookie_route_any
            })
        } else {
            quote_spanned!(ty.span()=> <#ty as #field_shape>::shape)
        };
        let default = match &f.default {
            FieldDefault::Required => quote!(#none),
            FieldDefault::Null => quote!(#some({
                fn __cookie_route_default() -> #json_value { #json_value::Null }
                __cookie_route_default
            })),
            FieldDefault::DefaultTrait => quote!(#some({
                fn __cookie_route_default() -> #json_value {
                    #to_json(&<#ty as ::core::default::Default>::default())
                }
                __cookie_route_default
            })),
            FieldDefault::Path(path) => quote!(#some({
                fn __cookie_route_default() -> #json_value {
                    let value: #ty = #path();
                    #to_json(&value)
                }
                __cookie_route_default
            })),
        };
        quote! {
            #field_schema { name: #json_name, shape: #shape_fn, default: #default }
        }
    });
    let names = model.fields.iter().map(|f| &f.json_name);
    quote! {
        const _: () = {
            impl #response_model for #ident {
                const FIELD_NAMES: &'static [&'static str] = &[#(#names),*];

                fn schema() -> &'static #schema {
                    static __COOKIE_ROUTE_SCHEMA: #schema = #schema {
                        name: #name,
                        fields: &[#(#fields),*],
                    };
                    &__COOKIE_ROUTE_SCHEMA
                }
            }

            impl #field_shape for #ident {
                fn shape() -> #shape {
                    #shape::Model(<#ident as #response_model>::schema)
                }
            }
        };
    }
}
