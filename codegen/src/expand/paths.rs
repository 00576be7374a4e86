//! Every path the generated code names: the whole contract between the macros and the
//! runtime, in one place (`runtime/src/private.rs` is its other side). Generated code calls
//! nothing else of `cookie_route` but public methods of the values these give, and no other
//! file of the macros writes a `::cookie_route` path.

use proc_macro2::{Ident, Punct, Spacing, Span, TokenStream};
use quote::{ToTokens, TokenStreamExt as _, quote};

// The last segment is matched as a token, not the path as a `path` fragment: `quote!` turns a
// fragment into code that parses its text at run time (through the compiler, for every call),
// and the tokens themselves into direct pushes.
//
// Inside [`aliased`], a path is `__cookie_route::Name` (four tokens, not nine): the expansion
// then begins with [`ALIAS`]'s `use`. Most of what a `#[cookie_route]` emits is these paths,
// and every token costs the macro a call into the compiler and the compiler its parsing.
macro_rules! paths {
    ($($name:ident => ::cookie_route::__private::$last:ident;)*) => {$(
        pub(crate) fn $name() -> Path {
            Path { last: stringify!($last), aliased: ALIASED.get() }
        }
    )*};
}

/// A path of the runtime's `__private` module, written where it is interpolated: its
/// tokens are pushed one by one, where a `TokenStream` of them would be built, then joined to
/// the output by a call into the compiler (which cost the macro more than anything else).
#[derive(Clone, Copy)]
pub(crate) struct Path {
    last: &'static str,
    aliased: bool,
}

impl ToTokens for Path {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let span = Span::call_site();
        let colon2 = |tokens: &mut TokenStream| {
            tokens.append(Punct::new(':', Spacing::Joint));
            tokens.append(Punct::new(':', Spacing::Alone));
        };
        if self.aliased {
            tokens.append(Ident::new("__cookie_route", span));
        } else {
            colon2(tokens);
            tokens.append(Ident::new("cookie_route", span));
            colon2(tokens);
            tokens.append(Ident::new("__private", span));
        }
        colon2(tokens);
        tokens.append(Ident::new(self.last, span));
    }
}

thread_local! {
    static ALIASED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `expand` with the short paths, returning the `use` that the block its output goes
/// into must begin with (a block: the alias must not reach the user's module).
pub(crate) fn aliased<R>(expand: impl FnOnce() -> R) -> (TokenStream, R) {
    /// Puts the paths back as they were, even if `expand` panics (the compiler keeps the
    /// macro loaded: the next expansion on this thread must not inherit the short paths).
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ALIASED.set(self.0);
        }
    }
    let _restore = Restore(ALIASED.replace(true));
    let output = expand();
    (
        quote!(
            use ::cookie_route::__private as __cookie_route;
        ),
        output,
    )
}

paths! {
    request => ::cookie_route::__private::Request;
    response => ::cookie_route::__private::Response;
    box_future => ::cookie_route::__private::BoxFuture;
    boxed => ::cookie_route::__private::Box;
    errors => ::cookie_route::__private::Errors;
    declared_route => ::cookie_route::__private::DeclaredRoute;
    register => ::cookie_route::__private::register;
    filter_options => ::cookie_route::__private::FilterOptions;
    model_schema => ::cookie_route::__private::ModelSchema;
    field_schema => ::cookie_route::__private::FieldSchema;
    field_shape => ::cookie_route::__private::FieldShape;
    response_model => ::cookie_route::__private::ResponseModel;
    shape => ::cookie_route::__private::Shape;
    json_value => ::cookie_route::__private::JsonValue;
    to_json => ::cookie_route::__private::to_json;
    some => ::cookie_route::__private::Some;
    none => ::cookie_route::__private::None;
    ok => ::cookie_route::__private::Ok;
    err => ::cookie_route::__private::Err;
    path_value => ::cookie_route::__private::path;
    cookie_value => ::cookie_route::__private::cookie;
    signed_cookie_value => ::cookie_route::__private::signed_cookie;
    private_cookie_value => ::cookie_route::__private::private_cookie;
    query_value => ::cookie_route::__private::query;
    header_value => ::cookie_route::__private::header;
    required => ::cookie_route::__private::required;
    dependency => ::cookie_route::__private::dependency;
    requirements => ::cookie_route::__private::Requirements;
    requires_nothing => ::cookie_route::__private::requires_nothing;
    needs => ::cookie_route::__private::Needs;
    needs_of_dependency => ::cookie_route::__private::NeedsOfDependency;
    needs_nothing => ::cookie_route::__private::NeedsNothing;
    body => ::cookie_route::__private::body;
    finish => ::cookie_route::__private::finish;
    run => ::cookie_route::__private::run;
    run_model => ::cookie_route::__private::run_model;
    rejected => ::cookie_route::__private::rejected;
    into_response => ::cookie_route::__private::IntoResponse;
    model_output => ::cookie_route::__private::ModelOutput;
    future => ::cookie_route::__private::Future;
    send => ::cookie_route::__private::Send;
    status => ::cookie_route::__private::status;
    has_field => ::cookie_route::__private::has_field;
    route => ::cookie_route::__private::route;
    file_route => ::cookie_route::__private::FileRoute;
    cross_origin => ::cookie_route::__private::CrossOrigin;
    file_group => ::cookie_route::__private::file_group;
    after => ::cookie_route::__private::after;
    reject => ::cookie_route::__private::reject;
    operation_doc => ::cookie_route::__private::OperationDoc;
    document => ::cookie_route::__private::operation_doc;
    param_doc => ::cookie_route::__private::ParamDoc;
    body_doc => ::cookie_route::__private::BodyDoc;
    model_doc => ::cookie_route::__private::ModelDoc;
    cookie_doc => ::cookie_route::__private::CookieDoc;
    schema => ::cookie_route::__private::schema;
    declared_handler => ::cookie_route::__private::DeclaredHandler;
    finish_model => ::cookie_route::__private::finish_model;
    app => ::cookie_route::__private::App;
    method => ::cookie_route::__private::Method;
    limits => ::cookie_route::__private::Limits;
    duration => ::cookie_route::__private::Duration;
    cookie => ::cookie_route::__private::Cookie;
    cookie_attributes => ::cookie_route::__private::CookieAttributes;
    cookie_error => ::cookie_route::__private::CookieError;
    same_site => ::cookie_route::__private::SameSite;
    keys => ::cookie_route::__private::Keys;
    error => ::cookie_route::__private::Error;
    option => ::cookie_route::__private::Option;
    result => ::cookie_route::__private::Result;
    declared_cookie => ::cookie_route::__private::declared_cookie;
    declared_removal => ::cookie_route::__private::declared_removal;
    max_age => ::cookie_route::__private::max_age;
    expires => ::cookie_route::__private::expires;
    file => ::cookie_route::__private::file;
    line => ::cookie_route::__private::line;
    column => ::cookie_route::__private::column;
    concat => ::cookie_route::__private::concat;
}
