//! `#[derive(ResponseModel)]`: a struct's fields as serde writes them.

use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::ctxt::Ctxt;
use crate::diag;

/// A model: its name and fields.
pub(crate) struct ResponseModelInput {
    pub(crate) ident: syn::Ident,
    pub(crate) fields: Vec<Field>,
}

/// One field as it appears in JSON.
pub(crate) struct Field {
    pub(crate) json_name: String,
    pub(crate) ty: syn::Type,
    pub(crate) default: FieldDefault,
    /// `#[model(any)]`: any JSON value.
    pub(crate) any: bool,
}

/// What a missing field becomes.
pub(crate) enum FieldDefault {
    Required,
    Null,
    DefaultTrait,
    Path(syn::ExprPath),
}

const RENAME_RULES: [&str; 8] = [
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "SCREAMING-KEBAB-CASE",
];

fn apply_rule(rule: &str, field: &str) -> String {
    let words: Vec<&str> = field.split('_').filter(|w| !w.is_empty()).collect();
    let capitalized = |w: &str| {
        let mut c = w.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    };
    match rule {
        "lowercase" => field.to_lowercase(),
        "UPPERCASE" => field.to_uppercase(),
        "PascalCase" => words.iter().map(|w| capitalized(w)).collect(),
        "camelCase" => {
            let pascal: String = words.iter().map(|w| capitalized(w)).collect();
            let mut c = pascal.chars();
            c.next().map(|f| f.to_lowercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }
        "kebab-case" => field.replace('_', "-"),
        "SCREAMING_SNAKE_CASE" => field.to_uppercase(),
        "SCREAMING-KEBAB-CASE" => field.to_uppercase().replace('_', "-"),
        _ => field.to_owned(),
    }
}

/// Reads the model. Errors go to `cx`.
pub(crate) fn model(cx: &Ctxt, input: &DeriveInput) -> Option<ResponseModelInput> {
    if !input.generics.params.is_empty() {
        cx.error(input.generics.span(), "a response model cannot be generic");
    }
    let Data::Struct(data) = &input.data else {
        cx.error(
            input.ident.span(),
            "`ResponseModel` can only be derived for structs with named fields",
        );
        return None;
    };
    let Fields::Named(named) = &data.fields else {
        cx.error(
            input.ident.span(),
            "`ResponseModel` can only be derived for structs with named fields",
        );
        return None;
    };
    let mut rename_all: Option<String> = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // Other serde options are serde's business; read only what changes field names.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                rename_all = Some(serialize_name(&meta)?.value());
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    if let Some(rule) = &rename_all
        && !RENAME_RULES.contains(&rule.as_str())
    {
        cx.error(input.ident.span(), diag::unknown("`rename_all` rule", rule, &RENAME_RULES));
    }
    let mut fields = Vec::new();
    for field in &named.named {
        let ident = field.ident.as_ref().expect("named fields have names");
        let plain = ident.to_string().trim_start_matches("r#").to_owned();
        let mut json_name =
            rename_all.as_deref().map_or_else(|| plain.clone(), |r| apply_rule(r, &plain));
        let mut default = if crate::parse::attr::option_inner(&field.ty).is_some() {
            FieldDefault::Null
        } else {
            FieldDefault::Required
        };
        let mut skip = false;
        let mut any = false;
        for attr in &field.attrs {
            if attr.path().is_ident("serde") {
                let result = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        json_name = serialize_name(&meta)?.value();
                    } else if meta.path.is_ident("skip") || meta.path.is_ident("skip_serializing") {
                        skip = true;
                    } else if meta.path.is_ident("default") {
                        default = if meta.input.peek(syn::Token![=]) {
                            let path: LitStr = meta.value()?.parse()?;
                            FieldDefault::Path(path.parse()?)
                        } else {
                            FieldDefault::DefaultTrait
                        };
                    } else if meta.path.is_ident("flatten") {
                        return Err(
                            meta.error("`#[serde(flatten)]` is not supported in a response model")
                        );
                    } else {
                        skip_value(&meta)?;
                    }
                    Ok(())
                });
                if let Err(e) = result {
                    cx.push(e);
                }
            } else if attr.path().is_ident("model") {
                let result = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("any") {
                        any = true;
                        Ok(())
                    } else {
                        let key =
                            meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                        Err(meta.error(diag::unknown("`#[model]` option", &key, &["any"])))
                    }
                });
                if let Err(e) = result {
                    cx.push(e);
                }
            }
        }
        if !skip {
            fields.push(Field { json_name, ty: field.ty.clone(), default, any });
        }
    }
    Some(ResponseModelInput { ident: input.ident.clone(), fields })
}

/// `rename = "x"` or `rename(serialize = "x", ...)`.
fn serialize_name(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    if meta.input.peek(syn::Token![=]) {
        return meta.value()?.parse();
    }
    let mut found = None;
    meta.parse_nested_meta(|inner| {
        let value: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("serialize") {
            found = Some(value);
        }
        Ok(())
    })?;
    found.ok_or_else(|| meta.error("expected `serialize = \"...\"`"))
}

/// Skips the value of an option we do not read.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::apply_rule;

    #[test]
    fn rename_rules_match_serde() {
        assert_eq!(apply_rule("camelCase", "full_name"), "fullName");
        assert_eq!(apply_rule("PascalCase", "full_name"), "FullName");
        assert_eq!(apply_rule("kebab-case", "full_name"), "full-name");
        assert_eq!(apply_rule("SCREAMING_SNAKE_CASE", "full_name"), "FULL_NAME");
        assert_eq!(apply_rule("SCREAMING-KEBAB-CASE", "full_name"), "FULL-NAME");
    }
}
