//! `#[cookie_route(GET "/items/{item_id}", response_model = Item, ...)]` on an `async fn`.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned as _;
use syn::{Attribute, FnArg, Ident, LitStr, Pat, Token, Type};

use crate::ctxt::Ctxt;
use crate::decl::{
    DeclaredIn, Docs, Filter, Origin, Param, ParamKind, Protection, Route, Source, Spanned,
};
use crate::diag;

/// The options `#[cookie_route]` takes after the path.
const OPTIONS: [&str; 15] = [
    "group",
    "response_model",
    "status",
    "response_model_include",
    "response_model_exclude",
    "response_model_exclude_unset",
    "response_model_exclude_none",
    "response_model_exclude_defaults",
    "name",
    "tags",
    "summary",
    "description",
    "deprecated",
    "openapi",
    "cross_origin",
];

/// The attributes a handler's parameters may carry.
const PARAM_ATTRS: [&str; 5] = ["cookie", "query", "header", "body", "path"];

/// The attribute's arguments, read but not yet checked against the function.
struct Args {
    methods: Vec<Ident>,
    path: LitStr,
    options: Vec<(Ident, Option<OptionValue>)>,
}

enum OptionValue {
    Type(Type),
    Expr(syn::Expr),
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut methods = vec![input.parse::<Ident>()?];
        while input.peek(Token![|]) {
            input.parse::<Token![|]>()?;
            methods.push(input.parse()?);
        }
        if !input.peek(LitStr) {
            return Err(
                input.error("expected the path as a string after the method: `GET \"/path\"`")
            );
        }
        let path: LitStr = input.parse()?;
        let mut options = Vec::new();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.call(syn::ext::IdentExt::parse_any)?;
            let value = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                if key == "response_model" {
                    Some(OptionValue::Type(input.parse()?))
                } else {
                    Some(OptionValue::Expr(input.parse()?))
                }
            } else {
                None
            };
            options.push((key, value));
        }
        Ok(Self { methods, path, options })
    }
}

/// A function item with its body kept as the tokens it came as: the macro reads only the
/// attributes and the signature, and parsing a body into a syntax tree (then printing it back)
/// cost more than everything else the macro does.
pub(crate) struct FnItem {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: syn::Visibility,
    /// The signature up to its parameters, when `returns` holds what follows them.
    pub(crate) sig: syn::Signature,
    /// What follows the parameters, as written: `-> Type` and a `where` clause, or nothing.
    /// The macro reads only where the return type is, and syn's parse of a return type such
    /// as `Result<Json<Item>, Error>` was a third of the signature's.
    returns: Vec<TokenTree>,
    pub(crate) body: proc_macro2::Group,
}

impl FnItem {
    /// The function in `tokens`. Its body, the last token, is taken off before anything is
    /// parsed: syn would walk every token of it, even to skip it.
    pub(crate) fn from_tokens(tokens: TokenStream) -> syn::Result<Self> {
        let mut head: Vec<TokenTree> = tokens.into_iter().collect();
        let body = match head.pop() {
            Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace => body,
            other => {
                let span = other.as_ref().map_or_else(Span::call_site, |t| t.span());
                return Err(syn::Error::new(span, "expected a function with its body, `{ ... }`"));
            }
        };
        // `fn name(...)`: what follows the parameters is kept as it is. A generic function's
        // signature (`fn name<T>(...)`, refused later) is parsed whole.
        let fn_at = head.iter().position(|t| matches!(t, TokenTree::Ident(i) if i == "fn"));
        let returns = match fn_at {
            Some(at)
                if matches!(head.get(at + 1), Some(TokenTree::Ident(_)))
                    && matches!(head.get(at + 2), Some(TokenTree::Group(g))
                        if g.delimiter() == Delimiter::Parenthesis) =>
            {
                head.split_off(at + 3)
            }
            _ => Vec::new(),
        };
        let head: TokenStream = head.into_iter().collect();
        let (attrs, vis, sig) = syn::parse::Parser::parse2(
            |input: ParseStream<'_>| {
                let attrs = input.call(Attribute::parse_outer)?;
                let vis: syn::Visibility = input.parse()?;
                let sig: syn::Signature = input.parse()?;
                Ok((attrs, vis, sig))
            },
            head,
        )?;
        Ok(Self { attrs, vis, sig, returns, body })
    }

    /// Where the return type is, as syn's `Spanned` gives it (its first token's span joined
    /// to its last's, where the compiler can join them); the name's without one.
    pub(crate) fn return_span(&self) -> Span {
        if let [TokenTree::Punct(minus), TokenTree::Punct(gt), ty @ ..] = &self.returns[..]
            && minus.as_char() == '-'
            && gt.as_char() == '>'
        {
            // The type ends where a `where` clause begins.
            let end = ty
                .iter()
                .position(|t| matches!(t, TokenTree::Ident(i) if i == "where"))
                .unwrap_or(ty.len());
            if let (Some(first), Some(last)) = (ty.first(), ty[..end].last()) {
                return first.span().join(last.span()).unwrap_or_else(|| first.span());
            }
        }
        match &self.sig.output {
            syn::ReturnType::Type(_, ty) => ty.span(),
            syn::ReturnType::Default => self.sig.ident.span(),
        }
    }
}

impl Parse for FnItem {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Self::from_tokens(input.parse()?)
    }
}

impl ToTokens for FnItem {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        for attr in &self.attrs {
            attr.to_tokens(tokens);
        }
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        tokens.extend(self.returns.iter().cloned());
        self.body.to_tokens(tokens);
    }
}

/// Reads the attribute and the function into a route. Errors go to `cx`; the function is
/// returned with the parameter attributes removed, to be emitted whatever happens.
pub(crate) fn route(cx: &Ctxt, args: TokenStream, mut item: FnItem) -> (Option<Route>, FnItem) {
    let params = take_param_attrs(&mut item);
    let args = match syn::parse2::<Args>(args) {
        Ok(a) => a,
        Err(e) => {
            cx.push(e);
            return (None, item);
        }
    };
    let origin = Origin::Span(item.sig.ident.span());
    if item.sig.asyncness.is_none() {
        cx.error(item.sig.fn_token.span, "a `#[cookie_route]` handler must be an `async fn`");
    }
    if !item.sig.generics.params.is_empty() {
        cx.error(item.sig.generics.span(), "a `#[cookie_route]` handler cannot be generic");
    }
    let methods =
        args.methods.iter().map(|m| Spanned::new(m.to_string(), Origin::Span(m.span()))).collect();
    let path = path_pattern(cx, &args.path);
    let mut route = Route {
        declared_in: DeclaredIn::Attribute,
        methods,
        path: Spanned::new(path.clone().unwrap_or_else(root), Origin::Span(args.path.span())),
        group: None,
        handler: item.sig.ident.clone().into(),
        params: Vec::new(),
        response_model: None,
        status: None,
        filter: Filter::default(),
        name: item.sig.ident.to_string(),
        cross_origin: true,
        docs: Docs { description: doc_comment(&item.attrs), ..Docs::default() },
        origin,
    };
    options(cx, args.options, &mut route);
    route.params = parameters(cx, &item, params, path.as_ref(), &args.path);
    (Some(route), item)
}

fn root() -> cookie_route_core::path::PathPattern {
    cookie_route_core::path::PathPattern::parse("/").expect("`/` is a valid pattern")
}

fn path_pattern(cx: &Ctxt, lit: &LitStr) -> Option<cookie_route_core::path::PathPattern> {
    let text = lit.value();
    match cookie_route_core::path::PathPattern::parse(&text) {
        Ok(p) => Some(p),
        Err(e) => {
            let message = format!("invalid path pattern: {}", e.message);
            // `Literal::subspan` points inside the string where the compiler allows it
            // (nightly); elsewhere the message draws the place.
            let inner = lit.token().subspan(e.start + 1..e.end + 1);
            match inner {
                Some(span) => cx.error(span, message),
                None => cx.error(lit.span(), diag::caret(&message, &text, e.start, e.end)),
            }
            None
        }
    }
}

fn options(cx: &Ctxt, options: Vec<(Ident, Option<OptionValue>)>, route: &mut Route) {
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in options {
        let name = key.to_string();
        if !OPTIONS.contains(&name.as_str()) {
            cx.error(key.span(), diag::unknown("option", &name, &OPTIONS));
            continue;
        }
        if seen.contains(&name) {
            cx.error(key.span(), format!("`{name}` is given twice"));
            continue;
        }
        seen.push(name.clone());
        let expr = match value {
            Some(OptionValue::Expr(e)) => Some(e),
            Some(OptionValue::Type(t)) => {
                route.response_model = Some(t);
                continue;
            }
            None => None,
        };
        match name.as_str() {
            "response_model" => cx.error(key.span(), "expected `response_model = Type`"),
            "status" => match expr.as_ref().and_then(int_lit) {
                Some((code, span)) => route.status = Some(Spanned::new(code, Origin::Span(span))),
                None => {
                    cx.error(key.span(), "expected `status = <number>`, such as `status = 201`")
                }
            },
            "response_model_include" => {
                route.filter.include = Some(string_list(cx, &key, expr.as_ref()))
            }
            "response_model_exclude" => route.filter.exclude = string_list(cx, &key, expr.as_ref()),
            "response_model_exclude_unset" => {
                route.filter.exclude_unset = flag(cx, &key, expr.as_ref())
            }
            "response_model_exclude_none" => {
                route.filter.exclude_none = flag(cx, &key, expr.as_ref())
            }
            "response_model_exclude_defaults" => {
                route.filter.exclude_defaults = flag(cx, &key, expr.as_ref())
            }
            "name" => match expr.as_ref().and_then(str_lit) {
                Some(lit) => route.name = lit.value(),
                None => cx.error(key.span(), "expected `name = \"...\"`"),
            },
            "tags" => route.docs.tags = string_list(cx, &key, expr.as_ref()),
            "summary" | "description" => match expr.as_ref().and_then(str_lit) {
                Some(lit) if name == "summary" => route.docs.summary = Some(lit.value()),
                Some(lit) => route.docs.description = Some(lit.value()),
                None => cx.error(key.span(), format!("expected `{name} = \"...\"`")),
            },
            "deprecated" => route.docs.deprecated = flag(cx, &key, expr.as_ref()),
            "openapi" => route.docs.hidden = !flag(cx, &key, expr.as_ref()),
            "cross_origin" => route.cross_origin = flag(cx, &key, expr.as_ref()),
            "group" => match expr.as_ref().and_then(str_lit) {
                Some(lit) => {
                    route.group = Some(Spanned::new(lit.value(), Origin::Span(lit.span())))
                }
                None => cx.error(
                    expr.as_ref().map_or(key.span(), |e| e.span()),
                    "expected `group = \"name\"`, the group the app mounts with \
                     `App::declared_group(\"name\")`",
                ),
            },
            _ => unreachable!("every option in OPTIONS is handled"),
        }
    }
}

/// The function's doc comment as Python's `inspect.cleandoc` leaves a docstring (FastAPI's
/// `description`): lines joined, the common indentation and blank ends removed.
pub(crate) fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|text| text.split('\n').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let text: Vec<&str> = lines.iter().map(|l| l.get(indent..).unwrap_or("").trim_end()).collect();
    let text = text.join("\n");
    let text = text.trim_matches('\n');
    (!text.is_empty()).then(|| text.to_owned())
}

fn int_lit(expr: &syn::Expr) -> Option<(i64, Span)> {
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) => {
            // Too large for an `i64`: out of range all the same.
            Some((i.base10_parse::<i64>().unwrap_or(i64::MAX), i.span()))
        }
        _ => None,
    }
}

fn str_lit(expr: &syn::Expr) -> Option<&LitStr> {
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s),
        _ => None,
    }
}

fn flag(cx: &Ctxt, key: &Ident, expr: Option<&syn::Expr>) -> bool {
    match expr {
        None => true,
        Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(b), .. })) => b.value,
        Some(other) => {
            cx.error(other.span(), format!("`{key}` takes no value, or `true` / `false`"));
            false
        }
    }
}

fn string_list(cx: &Ctxt, key: &Ident, expr: Option<&syn::Expr>) -> Vec<Spanned<String>> {
    let Some(syn::Expr::Array(array)) = expr else {
        cx.error(key.span(), format!("expected `{key} = [\"field\", ...]`"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for elem in &array.elems {
        match str_lit(elem) {
            Some(s) => out.push(Spanned::new(s.value(), Origin::Span(s.span()))),
            None => cx.error(elem.span(), "expected a string"),
        }
    }
    out
}

/// A parameter attribute, read.
struct ParamAttr {
    kind: Ident,
    name: Option<LitStr>,
    default: Option<syn::Expr>,
    protection: Protection,
}

/// Removes our attributes from the parameters (rustc would not know them), returning them
/// per parameter.
fn take_param_attrs(item: &mut FnItem) -> Vec<Vec<Attribute>> {
    item.sig
        .inputs
        .iter_mut()
        .map(|arg| {
            let attrs = match arg {
                FnArg::Typed(t) => &mut t.attrs,
                FnArg::Receiver(r) => &mut r.attrs,
            };
            let (ours, theirs): (Vec<_>, Vec<_>) = std::mem::take(attrs)
                .into_iter()
                .partition(|a| PARAM_ATTRS.iter().any(|p| a.path().is_ident(p)));
            *attrs = theirs;
            ours
        })
        .collect()
}

fn read_param_attr(cx: &Ctxt, attr: &Attribute) -> Option<ParamAttr> {
    let kind = attr.path().get_ident()?.clone();
    let mut out =
        ParamAttr { kind: kind.clone(), name: None, default: None, protection: Protection::Plain };
    if matches!(attr.meta, syn::Meta::Path(_)) {
        return Some(out);
    }
    let keys: &[&str] = match kind.to_string().as_str() {
        "body" => &[],
        "path" => &["name"],
        "cookie" => &["name", "default", "signed", "private"],
        _ => &["name", "default"],
    };
    let result = attr.parse_nested_meta(|meta| {
        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
        if !keys.contains(&key.as_str()) {
            let message = if keys.is_empty() {
                format!("`#[{kind}]` takes no arguments")
            } else {
                diag::unknown(&format!("`#[{kind}]` argument"), &key, keys)
            };
            return Err(meta.error(message));
        }
        match key.as_str() {
            "name" => out.name = Some(meta.value()?.parse()?),
            "default" => out.default = Some(meta.value()?.parse()?),
            _ => {
                if out.protection != Protection::Plain {
                    return Err(meta.error("a cookie is `signed` or `private`, not both"));
                }
                out.protection =
                    if key == "signed" { Protection::Signed } else { Protection::Private };
            }
        }
        Ok(())
    });
    match result {
        Ok(()) => Some(out),
        Err(e) => {
            cx.push(e);
            None
        }
    }
}

fn parameters(
    cx: &Ctxt,
    item: &FnItem,
    attrs: Vec<Vec<Attribute>>,
    pattern: Option<&cookie_route_core::path::PathPattern>,
    path_lit: &LitStr,
) -> Vec<Param> {
    let pattern_params: Vec<&str> = pattern.map(|p| p.params().collect()).unwrap_or_default();
    let mut used_path: Vec<String> = Vec::new();
    let mut params = Vec::new();
    let mut body_seen = false;
    for (arg, attrs) in item.sig.inputs.iter().zip(attrs) {
        let FnArg::Typed(arg) = arg else {
            cx.error(arg.span(), "a handler cannot take `self`");
            continue;
        };
        let ident = match &*arg.pat {
            Pat::Ident(p) => Some(p.ident.clone()),
            _ => None,
        };
        let plain = ident.as_ref().map(|i| i.to_string().trim_start_matches("r#").to_owned());
        let ty = (*arg.ty).clone();
        if attrs.len() > 1 {
            cx.error(attrs[1].span(), "a parameter takes one of `#[cookie]`, `#[query]`, `#[header]`, `#[body]`, `#[path]`");
        }
        let attr = attrs.first().and_then(|a| read_param_attr(cx, a));
        let kind = match attr {
            Some(attr) => {
                let kind = attr.kind.to_string();
                let name = match (&attr.name, &plain) {
                    (Some(lit), _) => Some(Spanned::new(lit.value(), Origin::Span(lit.span()))),
                    (None, Some(p)) => {
                        let derived =
                            if kind == "header" { p.replace('_', "-") } else { p.clone() };
                        Some(Spanned::new(derived, Origin::Span(arg.pat.span())))
                    }
                    (None, None) if kind == "body" => None,
                    (None, None) => {
                        cx.error(
                            arg.pat.span(),
                            format!("name this parameter, or give `#[{kind}(name = \"...\")]`"),
                        );
                        continue;
                    }
                };
                match kind.as_str() {
                    "body" => {
                        if body_seen {
                            cx.error(attr.kind.span(), "a handler takes at most one `#[body]`");
                        }
                        body_seen = true;
                        ParamKind::Body
                    }
                    "path" => {
                        let name = name.map(|n| n.value).unwrap_or_default();
                        if !pattern_params.contains(&name.as_str()) && pattern.is_some() {
                            cx.error(
                                arg.pat.span(),
                                format!(
                                    "`{name}` is not a parameter of the path `{}`",
                                    path_lit.value()
                                ),
                            );
                        }
                        used_path.push(name.clone());
                        ParamKind::Path { name }
                    }
                    _ => {
                        let source = match kind.as_str() {
                            "cookie" => Source::Cookie,
                            "query" => Source::Query,
                            _ => Source::Header,
                        };
                        let name = name.expect("named above");
                        ParamKind::Value {
                            source,
                            name,
                            optional: option_inner(&ty).map(Box::new),
                            default: attr.default.map(Box::new),
                            protection: attr.protection,
                        }
                    }
                }
            }
            None => match (&ty, &plain) {
                (Type::Reference(r), _) if r.mutability.is_some() => ParamKind::Temporal,
                (Type::Reference(_), _) => ParamKind::Request,
                (_, Some(p)) if pattern_params.contains(&p.as_str()) => {
                    used_path.push(p.clone());
                    ParamKind::Path { name: p.clone() }
                }
                _ => ParamKind::Dependency,
            },
        };
        params.push(Param { ty, kind });
    }
    for name in pattern_params {
        if !used_path.iter().any(|u| u == name) {
            cx.error(
                path_lit.span(),
                format!("the path parameter `{{{name}}}` has no argument; add `{name}: Type` to the handler"),
            );
        }
    }
    params
}

/// `Some(T)` when `ty` is `Option<T>`.
pub(crate) fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let mut iter = args.args.iter();
    match (iter.next(), iter.next()) {
        (Some(syn::GenericArgument::Type(t)), None) => Some(t.clone()),
        _ => None,
    }
}
