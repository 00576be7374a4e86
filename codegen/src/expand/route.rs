//! A route: the handler that extracts, calls, filters and merges, and its registration.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens as _, format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::paths;
use crate::decl::{DeclaredIn, ParamKind, Protection, Route, Source};

/// Where `ty` is, as syn's `Spanned` gives it: its first token's span joined to its last's
/// where the compiler can join them (nightly), else the first's. `Spanned` prints the type
/// into tokens to find them, a call into the compiler for each; for a path or a reference
/// they are read off the syntax tree.
fn type_span(ty: &syn::Type) -> Span {
    fn ends(ty: &syn::Type) -> Option<(Span, Span)> {
        match ty {
            syn::Type::Path(p) if p.qself.is_none() => {
                let segments = &p.path.segments;
                let first = match &p.path.leading_colon {
                    Some(colon) => colon.spans[0],
                    None => segments.first()?.ident.span(),
                };
                let last = segments.last()?;
                let last = match &last.arguments {
                    syn::PathArguments::None => last.ident.span(),
                    syn::PathArguments::AngleBracketed(args) => args.gt_token.span,
                    syn::PathArguments::Parenthesized(_) => return None,
                };
                Some((first, last))
            }
            syn::Type::Reference(r) => Some((r.and_token.span, ends(&r.elem)?.1)),
            _ => None,
        }
    }
    match ends(ty) {
        Some((first, last)) => first.join(last).unwrap_or(first),
        None => ty.span(),
    }
}

/// The generated handler function, named `name`, for `route`.
pub(crate) fn handler_fn(route: &Route, name: &syn::Ident, return_span: Span) -> TokenStream {
    let request = paths::request();
    let response = paths::response();
    let box_future = paths::box_future();
    let boxed = paths::boxed();
    let after = paths::after();
    let reject = paths::reject();
    // Every way out before the handler (a rejection) leaves this block with the rejection
    // on the temporal response, so that the last step of the pipeline runs for it too.
    let out = quote!('__cookie_route_handler);
    let errors = paths::errors();
    let ok = paths::ok();
    let err = paths::err();
    let some = paths::some();

    let mut dependencies = Vec::new();
    let mut values = Vec::new();
    // The reads of the values alone (what `values` binds), for a route without a body.
    let mut reads = Vec::new();
    let mut checked = Vec::new();
    let mut args = Vec::new();
    let mut arg_types = Vec::new();
    // The same arguments as the call in a `fn(args, &Request, &mut Response)`.
    let mut sync_args = Vec::new();
    let mut checked_types = Vec::new();
    // A route whose arguments are all read before the call gets `sync_handler_fn`, which
    // takes `reads`, `checked`, `checked_types` and `sync_args`; the async handler below
    // takes `dependencies`, `values`, `checked` and `args`. Only what the route's handler
    // takes is built: every `quote!` that interpolates is calls into the compiler.
    let sync =
        !route.params.iter().any(|p| matches!(p.kind, ParamKind::Dependency | ParamKind::Body));
    // The declared types, for a file's route (`call`).
    let file = matches!(route.declared_in, DeclaredIn::File);
    for (i, param) in route.params.iter().enumerate() {
        let b = &format_ident!("__cookie_route_arg{i}");
        let ty = &param.ty;
        let span = type_span(ty);
        match &param.kind {
            ParamKind::Dependency => {
                let dependency = paths::dependency();
                dependencies.push(quote_spanned! {span=>
                    let #b = match #dependency::<#ty>(&__req, &mut __response).await {
                        #ok(v) => v,
                        #err(rejection) => {
                            #reject(&mut __response, rejection);
                            break #out;
                        }
                    };
                });
                args.push(quote!(#b));
            }
            ParamKind::Path { name } => {
                let path = paths::path_value();
                let read = quote_spanned! {span=> __errors.take(#path::<#ty>(&__req, #name)) };
                if sync {
                    reads.push(read);
                } else {
                    values.push(quote!(let #b = #read;));
                    args.push(quote!(#b));
                }
                checked.push(b.clone());
            }
            ParamKind::Value { source, name, optional, default, protection } => {
                let read = match (source, protection) {
                    (Source::Cookie, Protection::Signed) => paths::signed_cookie_value(),
                    (Source::Cookie, Protection::Private) => paths::private_cookie_value(),
                    (Source::Cookie, Protection::Plain) => paths::cookie_value(),
                    (Source::Query, _) => paths::query_value(),
                    (Source::Header, _) => paths::header_value(),
                };
                let name = &name.value;
                let source = source.as_str();
                let inner: &syn::Type = optional.as_deref().unwrap_or(ty);
                let inner_span = type_span(inner);
                let raw = quote_spanned!(inner_span=> #read::<#inner>(&__req, #name));
                let value = match (optional.is_some(), default) {
                    (true, None) => raw,
                    (true, Some(d)) => quote!(#raw.map(|v| v.or_else(|| #some(#d)))),
                    (false, Some(d)) => quote!(#raw.map(|v| v.unwrap_or_else(|| #d))),
                    (false, None) => {
                        let required = paths::required();
                        quote!(#required(#raw, #source, #name))
                    }
                };
                let read = quote!(__errors.take(#value));
                if sync {
                    reads.push(read);
                } else {
                    values.push(quote!(let #b = #read;));
                    args.push(quote!(#b));
                }
                checked.push(b.clone());
            }
            ParamKind::Body => {
                let body = paths::body();
                values.push(quote_spanned! {span=>
                    let #b = match __errors.take_body(#body::<#ty>(&__req).await) {
                        #ok(v) => v,
                        #err(rejection) => {
                            #reject(&mut __response, rejection);
                            break #out;
                        }
                    };
                });
                checked.push(b.clone());
                args.push(quote!(#b));
            }
            ParamKind::Temporal if !sync => args.push(quote!(&mut __response)),
            ParamKind::Request if !sync => args.push(quote!(&__req)),
            ParamKind::Temporal | ParamKind::Request => {}
        }
        if sync {
            sync_args.push(match param.kind {
                ParamKind::Temporal => quote!(&mut *__response),
                ParamKind::Request => quote!(__req),
                _ => quote!(#b),
            });
            if !matches!(param.kind, ParamKind::Temporal | ParamKind::Request) {
                checked_types.push(ty.clone());
            }
        }
        if file {
            arg_types.push(match param.kind {
                ParamKind::Temporal => quote!(&mut #response),
                ParamKind::Request => quote!(&#request),
                _ => quote!(#ty),
            });
        }
    }

    let status = match &route.status {
        Some(s) => {
            // Validated: from 100 to 599.
            let code = u16::try_from(s.value).expect("a validated status");
            let status = paths::status();
            quote!(#some(const { #status(#code) }))
        }
        None => paths::none().into_token_stream(),
    };
    if sync {
        let sync = Sync {
            reads: &reads,
            checked: &checked,
            checked_types: &checked_types,
            status: &status,
        };
        return sync_handler_fn(
            route,
            name,
            return_span,
            &sync,
            &call(route, &sync_args, &arg_types),
        );
    }
    let call = call(route, &args, &arg_types);
    let finish = match &route.response_model {
        None => {
            let finish = paths::finish();
            quote_spanned!(return_span=> #finish(&mut __response, __value, #status))
        }
        Some(model) => {
            let finish_model = paths::finish_model();
            let options = filter_options(route);
            let check = quote_spanned!(type_span(model)=> #finish_model::<#model, _>);
            let fields = known_fields(route, model);
            quote_spanned!(return_span=> {
                #fields
                #check(&mut __response, __value, #status, &#options)
            })
        }
    };
    let unchecked = if checked.is_empty() {
        quote!()
    } else {
        quote! {
            let (#(#some(#checked),)*) = (#(#checked,)*) else {
                #reject(&mut __response, #response::internal_server_error());
                break #out;
            };
        }
    };

    quote! {
        fn #name(__req: #request) -> #box_future<#response> {
            #boxed::pin(async move {
                let mut __response = #response::new();
                #out: {
                    let mut __errors = #errors::new();
                    #(#dependencies)*
                    #(#values)*
                    if let #some(rejection) = __errors.into_response() {
                        #reject(&mut __response, rejection);
                        break #out;
                    }
                    #unchecked
                    let __value = #call.await;
                    #finish;
                }
                if let #some(__later) = #after(&__req, &mut __response) {
                    __later.await;
                }
                __response
            })
        }
    }
}

/// What [`sync_handler_fn`] takes from [`handler_fn`]: the expressions reading the values
/// (each an `Option`, `None` with its error recorded), their names and their types, and the
/// route's status.
struct Sync<'a> {
    reads: &'a [TokenStream],
    checked: &'a [syn::Ident],
    checked_types: &'a [syn::Type],
    status: &'a TokenStream,
}

/// The handler of a route whose arguments are all read before the call: a function that
/// reads them, then hands them with the call (a plain `fn`, no `async`) to the runtime's
/// one future (`run`, `run_model`), which calls, filters, finishes and runs the last step.
/// A route then costs its crate no state machine of its own to check and borrow-check.
fn sync_handler_fn(
    route: &Route,
    name: &syn::Ident,
    return_span: Span,
    sync: &Sync<'_>,
    call: &TokenStream,
) -> TokenStream {
    let (request, response, box_future) =
        (paths::request(), paths::response(), paths::box_future());
    let (errors, some, rejected) = (paths::errors(), paths::some(), paths::rejected());
    let Sync { reads, checked, checked_types, status } = sync;
    // Every value is read (a 422 lists each one refused) before any is matched.
    let read = if reads.is_empty() {
        quote!()
    } else {
        quote! {
            let mut __errors = #errors::new();
            let (#(#some(#checked),)*) = (#(#reads,)*) else {
                return #rejected(__req, __errors.into_rejection());
            };
        }
    };
    let (output, run) = match &route.response_model {
        None => {
            let (into_response, run) = (paths::into_response(), paths::run());
            (
                quote_spanned!(return_span=> impl #into_response + use<>),
                quote_spanned!(return_span=> #run(__req, (#(#checked,)*), __cookie_route_call, #status)),
            )
        }
        Some(model) => {
            let (model_output, run_model) = (paths::model_output(), paths::run_model());
            let options = filter_options(route);
            let fields = known_fields(route, model);
            let check = quote_spanned!(type_span(model)=> #run_model::<#model, _, _, _>);
            (
                quote_spanned!(return_span=> impl #model_output + use<>),
                quote_spanned!(return_span=>
                    #fields
                    #check(__req, (#(#checked,)*), __cookie_route_call, #status, &#options)
                ),
            )
        }
    };
    let (future, send) = (paths::future(), paths::send());
    // The value is the body's last expression at the return type: a type the output bound
    // refuses is reported there.
    let value = quote_spanned!(return_span=> __value);
    let returns = quote_spanned!(return_span=> impl #future<Output = #output> + #send + 'a);
    quote! {
        fn #name(__req: #request) -> #box_future<#response> {
            #read
            fn __cookie_route_call<'a>(
                (#(#checked,)*): (#(#checked_types,)*),
                __req: &'a #request,
                __response: &'a mut #response,
            ) -> #returns {
                let __value = #call;
                #value
            }
            #run
        }
    }
}

/// The call of the handler. A route declared in a file calls it through
/// `DeclaredHandler<route_at_FILE_LINE_COL, (declared types)>`, so that a handler whose
/// signature does not fit is reported on the handler with a note naming the declaration.
fn call(route: &Route, args: &[TokenStream], arg_types: &[TokenStream]) -> TokenStream {
    let handler = &route.handler;
    let location = match route.declared_in {
        DeclaredIn::Attribute => return quote!(#handler(#(#args),*)),
        DeclaredIn::File => route.origin.location().unwrap_or_default(),
    };
    let marker = format_ident!("route_at_{}", identifier_text(&location));
    let declared = paths::declared_handler();
    quote! {{
        #[allow(non_camel_case_types)]
        struct #marker;
        #declared::<#marker, (#(#arg_types,)*)>::call_declared(&#handler, (#(#args,)*))
    }}
}

/// `text` with every character that cannot be in an identifier made `_`.
fn identifier_text(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// Compile-time checks that every field `response_model_include` and
/// `response_model_exclude` name is a field of the model: a constant that fails to evaluate
/// at the name (in a file, the message gives `routes.toml:LINE:COL`).
fn known_fields(route: &Route, model: &syn::Type) -> TokenStream {
    let has_field = paths::has_field();
    let response_model = paths::response_model();
    let model_name = quote!(#model).to_string().replace(' ', "");
    let include = route.filter.include.iter().flatten().map(|f| ("response_model_include", f));
    let exclude = route.filter.exclude.iter().map(|f| ("response_model_exclude", f));
    let checks = include.chain(exclude).map(|(key, field)| {
        let name = &field.value;
        let message = format!("`{key}` names `{name}`, which `{model_name}` does not have");
        let message = match field.origin.location() {
            Some(location) => format!("{message} ({location})"),
            None => message,
        };
        quote_spanned! {field.origin.span()=>
            const _: () = if !#has_field(<#model as #response_model>::FIELD_NAMES, #name) {
                ::core::panic!(#message)
            };
        }
    });
    quote!(#(#checks)*)
}

/// The route's `FilterOptions`, naming only the options it sets (the rest from `NONE`).
fn filter_options(route: &Route) -> TokenStream {
    let options = paths::filter_options();
    let f = &route.filter;
    let mut set = Vec::new();
    if let Some(list) = &f.include {
        let (some, names) = (paths::some(), list.iter().map(|s| &s.value));
        set.push(quote!(include: #some(&[#(#names),*]),));
    }
    if !f.exclude.is_empty() {
        let names = f.exclude.iter().map(|s| &s.value);
        set.push(quote!(exclude: &[#(#names),*],));
    }
    for (on, field) in [
        (f.exclude_unset, "exclude_unset"),
        (f.exclude_none, "exclude_none"),
        (f.exclude_defaults, "exclude_defaults"),
    ] {
        if on {
            let field = syn::Ident::new(field, Span::call_site());
            set.push(quote!(#field: true,));
        }
    }
    if set.is_empty() {
        quote!(#options::NONE)
    } else {
        quote!(#options { #(#set)* ..#options::NONE })
    }
}

/// What the route needs from its app, its dependencies' `FromRequest::requires` (the state
/// types they take), checked by `App::build`: `fn name(requirements)`, and the path of the
/// function to register (the runtime's `requires_nothing` for a route without dependencies,
/// which then needs no function of its own).
pub(crate) fn requires_fn(route: &Route, name: &syn::Ident) -> (TokenStream, TokenStream) {
    if !route.params.iter().any(|p| matches!(p.kind, ParamKind::Dependency)) {
        return (quote!(), paths::requires_nothing().into_token_stream());
    }
    let requirements = paths::requirements();
    let (needs_ty, of_dependency, nothing) =
        (paths::needs(), paths::needs_of_dependency(), paths::needs_nothing());
    // A type that is not a dependency needs nothing here: its own parameter's error says so.
    let needs = route.params.iter().filter(|p| matches!(p.kind, ParamKind::Dependency)).map(|p| {
        let ty = &p.ty;
        quote!((&#needs_ty::<#ty>::new()).requires(requirements);)
    });
    let function = quote! {
        fn #name(requirements: &mut #requirements) {
            #[allow(unused_imports)]
            use #of_dependency as _;
            #[allow(unused_imports)]
            use #nothing as _;
            #(#needs)*
        }
    };
    (function, quote!(#name))
}

/// The registration of an attribute-declared route, so that `App::declared()` finds it.
pub(crate) fn register(
    route: &Route,
    handler: &syn::Ident,
    requires: &TokenStream,
    doc: &TokenStream,
) -> TokenStream {
    let declared = paths::declared_route();
    let register = paths::register();
    let methods = route.methods.iter().map(|m| &m.value);
    let path = route.path.value.as_str();
    // The attribute's own place (`#[cookie_route(...)]` at the first column).
    let location = location(Span::call_site());
    // What the declaration says beyond the defaults of `DeclaredRoute::new`.
    let mut with = TokenStream::new();
    if let Some(name) = &route.group {
        let name = &name.value;
        with.extend(quote!(.in_group(#name)));
    }
    if route.params.iter().any(|p| matches!(p.kind, ParamKind::Dependency)) {
        with.extend(quote!(.with_requires(#requires)));
    }
    if !route.cross_origin {
        with.extend(quote!(.without_cross_origin()));
    }
    quote! {
        #register! {
            #declared::new(&[#(#methods),*], #path, #handler, #location, #doc) #with
        }
    }
}

/// Where `span` is, `file:line:column`, as `file!()`, `line!()` and `column!()` give it.
/// Asked of the compiler when the macro runs in it, so that the output is one string (four
/// macro calls per route were 1.5% of a warm `cargo check` of 100 routes); outside it (the
/// macros' own tests, which have no compiler to ask), the calls themselves.
fn location(span: Span) -> TokenStream {
    if proc_macro::is_available() {
        let at = span.unwrap();
        let text = format!("{}:{}:{}", at.file(), at.line(), at.column());
        return quote!(#text);
    }
    let (concat, file, line, column) =
        (paths::concat(), paths::file(), paths::line(), paths::column());
    quote_spanned! {span=>
        #concat!(#file!(), ":", #line!(), ":", #column!())
    }
}
