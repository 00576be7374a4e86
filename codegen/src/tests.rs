//! Expansion snapshots: what the macros generate for small inputs, pretty-printed and
//! compared with `src/snapshots/*.rs`. Run with `UPDATE_SNAPSHOTS=1` to rewrite them, then
//! read the diff.

use std::path::Path;
use std::rc::Rc;

use quote::{ToTokens as _, quote};

use crate::ctxt::Ctxt;
use crate::decl::SourceFile;

fn check(name: &str, tokens: proc_macro2::TokenStream) {
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as a file");
    let pretty = prettyplease::unparse(&file);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/snapshots")
        .join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &pretty).expect("writes the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == pretty,
        "the expansion of `{name}` changed; run with UPDATE_SNAPSHOTS=1 and review the diff.\n{pretty}"
    );
}

#[test]
fn attribute_route() {
    let cx = Ctxt::new();
    let item: crate::parse::attr::FnItem = syn::parse_quote! {
        async fn read_item(item_id: u32, #[cookie] ads_id: Option<String>, response: &mut Response) -> Json<Item> {
            todo()
        }
    };
    let (route, _) = crate::parse::attr::route(
        &cx,
        quote!(GET "/items/{item_id}", response_model = Item, response_model_exclude_unset, group = "api"),
        item,
    );
    cx.check().expect("a valid declaration");
    let route = route.expect("a route");
    let name = syn::Ident::new("__cookie_route_handler", proc_macro2::Span::call_site());
    let mut tokens =
        crate::expand::route::handler_fn(&route, &name, proc_macro2::Span::call_site());
    let requires = syn::Ident::new("__cookie_route_requires", proc_macro2::Span::call_site());
    let (requires_fn, requires) = crate::expand::route::requires_fn(&route, &requires);
    tokens.extend(requires_fn);
    let doc = crate::expand::openapi::operation_doc(&route, &[], crate::Documents::Emit);
    tokens.extend(crate::expand::route::register(&route, &name, &requires, &doc));
    check("attribute_route", tokens);
}

/// A route with a dependency and a body: the async handler, which reads them in turn.
#[test]
fn attribute_route_async() {
    let cx = Ctxt::new();
    let item: crate::parse::attr::FnItem = syn::parse_quote! {
        async fn update_item(
            item_id: u32,
            user: CurrentUser,
            #[query] q: Option<String>,
            #[body] item: Json<NewItem>,
            request: &Request,
            response: &mut Response,
        ) -> Result<Json<Item>, Error> {
            todo()
        }
    };
    let (route, _) =
        crate::parse::attr::route(&cx, quote!(PUT "/items/{item_id}", status = 201), item);
    cx.check().expect("a valid declaration");
    let route = route.expect("a route");
    let name = syn::Ident::new("__cookie_route_handler", proc_macro2::Span::call_site());
    let tokens = crate::expand::route::handler_fn(&route, &name, proc_macro2::Span::call_site());
    check("attribute_route_async", tokens);
}

#[test]
fn toml_app() {
    let text = r#"
[cookies.username]
max_age = "1h"
same_site = "Strict"

[[route]]
method = "GET"
path = "/getcookie"
handler = "handlers::get_cookie"
cookies = ["username"]
"#;
    let file = Rc::new(SourceFile {
        name: "routes.toml".to_owned(),
        text: text.to_owned(),
        span: proc_macro2::Span::call_site(),
    });
    let cx = Ctxt::new();
    let decls = crate::parse::toml::parse(&cx, &file);
    cx.check().expect("a valid file");
    check(
        "toml_app",
        crate::expand::app::routes(&decls, "/crate/routes.toml", crate::Documents::Emit),
    );
}

/// With groups: `Groups`, `app_with` and `app()`; a group's routes are added to its own
/// `App`, which is nested under the prefix after `app_with`'s function has had it.
#[test]
fn toml_groups() {
    let text = r#"
[groups.api]
prefix = "/api"

[groups.users]
prefix = "/users/{user_id}"

[[route]]
method = "GET"
path = "/"
handler = "handlers::home"

[[route]]
methods = ["GET", "HEAD"]
path = "/items"
group = "api"
handler = "handlers::items"

[[route]]
method = "GET"
path = "/posts"
group = "users"
handler = "handlers::posts"
params = { user_id = "u32" }
"#;
    let file = Rc::new(SourceFile {
        name: "routes.toml".to_owned(),
        text: text.to_owned(),
        span: proc_macro2::Span::call_site(),
    });
    let cx = Ctxt::new();
    let decls = crate::parse::toml::parse(&cx, &file);
    crate::validate::declarations(&cx, &decls);
    cx.check().expect("a valid file");
    check(
        "toml_groups",
        crate::expand::app::routes(&decls, "/crate/routes.toml", crate::Documents::Emit),
    );
}

#[test]
fn response_model() {
    let cx = Ctxt::new();
    let input: syn::DeriveInput = syn::parse_quote! {
        #[serde(rename_all = "camelCase")]
        struct UserOut {
            user_name: String,
            full_name: Option<String>,
            #[serde(default)]
            tags: Vec<String>,
            #[serde(skip)]
            secret: String,
        }
    };
    let model = crate::parse::response_model::model(&cx, &input);
    cx.check().expect("a valid model");
    check(
        "response_model",
        crate::expand::response_model::response_model(&model.expect("a model")),
    );
}

#[test]
fn a_handler_body_is_kept_as_its_tokens_and_only_the_signature_is_parsed() {
    let item = crate::parse::attr::FnItem::from_tokens(quote! {
        /// Docs.
        pub async fn f(a: u32) -> u32 { let x = a; x + 1 }
    })
    .expect("a function");
    assert_eq!(item.sig.ident, "f");
    assert_eq!(item.attrs.len(), 1);
    assert_eq!(item.body.stream().to_string(), "let x = a ; x + 1");
    let printed = quote::ToTokens::to_token_stream(&item).to_string();
    assert!(
        printed.ends_with("pub async fn f (a : u32) -> u32 { let x = a ; x + 1 }"),
        "{printed}"
    );

    // What follows the parameters is given back as written, a `where` clause included; a
    // generic function's signature is parsed whole.
    let item = crate::parse::attr::FnItem::from_tokens(quote! {
        async fn f(a: u32) -> Result<Json<Vec<u8>>, Error> where u32: Copy { a }
    })
    .expect("a function");
    assert!(matches!(item.sig.output, syn::ReturnType::Default));
    let printed = quote::ToTokens::to_token_stream(&item).to_string();
    assert_eq!(
        printed,
        "async fn f (a : u32) -> Result < Json < Vec < u8 >> , Error > where u32 : Copy { a }"
    );
    let item = crate::parse::attr::FnItem::from_tokens(quote! {
        async fn g<T: Fn() -> u8>(t: T) -> u8 { t() }
    })
    .expect("a function");
    assert!(matches!(item.sig.output, syn::ReturnType::Type(..)));
    let printed = quote::ToTokens::to_token_stream(&item).to_string();
    assert_eq!(printed, "async fn g < T : Fn () -> u8 > (t : T) -> u8 { t () }");

    let error = crate::parse::attr::FnItem::from_tokens(quote!(
        async fn f();
    ))
    .err()
    .unwrap();
    assert_eq!(error.to_string(), "expected a function with its body, `{ ... }`");
    let error = crate::parse::attr::FnItem::from_tokens(quote!(
        struct S {
            a: u32,
        }
    ))
    .err()
    .unwrap();
    assert_eq!(error.to_string(), "expected `fn`");
}

#[test]
fn the_short_paths_end_with_their_expansion_even_when_it_panics() {
    let full = crate::expand::paths::none().to_token_stream().to_string();
    let (_, short) = crate::expand::paths::aliased(|| {
        crate::expand::paths::none().to_token_stream().to_string()
    });
    assert_eq!(short, "__cookie_route :: None");
    let panicked = std::panic::catch_unwind(|| crate::expand::paths::aliased(|| panic!("bug")));
    assert!(panicked.is_err());
    assert_eq!(crate::expand::paths::none().to_token_stream().to_string(), full);
}

/// The build script's entry: the same expansion as `routes!`, as source text; a file with
/// errors gives one `compile_error!` for each, naming the file, line and column.
#[test]
fn routes_source_is_the_expansion_as_text_or_each_error_as_a_compile_error() {
    let text = "[[route]]\nmethod = \"GET\"\npath = \"/\"\nhandler = \"handlers::home\"\n";
    let source = crate::routes_source("routes.toml", text, Path::new("/crate/routes.toml"));
    let parsed: syn::File = syn::parse_str(&source).expect("Rust source");
    assert!(
        parsed.items.iter().any(|item| matches!(item, syn::Item::Fn(f) if f.sig.ident == "app")),
        "{source}"
    );
    assert!(!source.contains("compile_error"), "{source}");
    // Included code is the crate's own to clippy: each generated item allows its lints.
    assert!(
        parsed
            .items
            .iter()
            .all(|item| quote!(#item).to_string().starts_with("# [allow (clippy :: all")),
        "{source}"
    );

    let text = "[[route]]\nmethod = \"FETCH\"\npath = \"/\"\nhandler = \"h\"\n\n[[route]]\nmethod = \"GET\"\npath = \"no-slash\"\nhandler = \"h\"\n";
    let source = crate::routes_source("routes.toml", text, Path::new("/crate/routes.toml"));
    assert_eq!(source.matches("compile_error").count(), 2, "{source}");
    assert!(source.contains("routes.toml:2:"), "{source}");
    assert!(source.contains("routes.toml:8:"), "{source}");
}

#[test]
fn an_omitted_document_is_an_empty_operation_doc_call() {
    let item = quote!(
        async fn read_item(item_id: u32) -> String {
            item_id.to_string()
        }
    );
    let args = quote!(GET "/items/{item_id}", tags = ["items"]);
    let omitted =
        crate::route_attribute(args.clone(), item.clone(), crate::Documents::Omit).to_string();
    let emitted = crate::route_attribute(args, item, crate::Documents::Emit).to_string();
    assert!(omitted.contains("operation_doc ! ()"), "{omitted}");
    assert!(!omitted.contains("ParamDoc") && !omitted.contains("OperationDoc"), "{omitted}");
    assert!(emitted.contains("ParamDoc") && emitted.contains("\"items\""), "{emitted}");
}
