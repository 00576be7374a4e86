//! The OpenAPI 3.1 document of an app's routes, assembled once from what the declarations
//! emitted ([`OperationDoc`]): paths, parameters, bodies, responses with their models after
//! `include`/`exclude`, the cookies each route sets, the session as a security scheme, and
//! `components/schemas` from schemars. FastAPI's document is the model: its `operationId`,
//! `summary`, 422 answer and validation-error schemas.

use std::collections::BTreeMap;

use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::declared::{CookieDoc, ModelDoc, OperationDoc, ParamDoc, ParamIn};
use crate::extract::Requirements;
use crate::router::Route;

/// What the document says of the app itself.
#[derive(Debug, Clone)]
pub(crate) struct Info {
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) description: Option<String>,
    /// `(url, description)`.
    pub(crate) servers: Vec<(String, Option<String>)>,
    /// The session cookie's name on the wire, when the app keeps sessions.
    pub(crate) session_cookie: Option<String>,
}

/// The document of `routes`.
pub(crate) fn document<'r>(routes: impl IntoIterator<Item = &'r Route>, info: &Info) -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
        })
        .into_generator();
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut validation = false;
    let mut session = false;
    for route in routes {
        let doc = route.doc;
        if doc.is_some_and(|d| d.hidden) {
            continue;
        }
        let mut needs = Requirements::default();
        if let Some(requires) = route.requires {
            requires(&mut needs);
        }
        let path = openapi_path(route.pattern.as_str());
        let method = route.method.as_str().to_ascii_lowercase();
        let mut operation = match doc {
            Some(doc) => declared(doc, &path, &method, &mut generator, &mut validation),
            None => by_hand(route, &path, &method),
        };
        if needs.session && info.session_cookie.is_some() {
            session = true;
            operation.insert("security".into(), json!([{ "session": [] }]));
        }
        paths.entry(path).or_default().insert(method, Value::Object(operation));
    }

    let mut schemas: Map<String, Value> = generator.take_definitions(true);
    if validation {
        schemas.insert("HTTPValidationError".into(), http_validation_error());
        schemas.insert("ValidationError".into(), validation_error());
    }
    let mut components = Map::new();
    if !schemas.is_empty() {
        components.insert("schemas".into(), Value::Object(schemas));
    }
    if session && let Some(name) = &info.session_cookie {
        components.insert(
            "securitySchemes".into(),
            json!({ "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": name,
                "description": "The session cookie, which the app sets and reads itself."
            } }),
        );
    }

    let mut info_object = Map::new();
    info_object.insert("title".into(), json!(info.title));
    if let Some(description) = &info.description {
        info_object.insert("description".into(), json!(description));
    }
    info_object.insert("version".into(), json!(info.version));
    let mut document = Map::new();
    document.insert("openapi".into(), json!("3.1.0"));
    document.insert("info".into(), Value::Object(info_object));
    if !info.servers.is_empty() {
        let servers = info
            .servers
            .iter()
            .map(|(url, description)| match description {
                Some(d) => json!({ "url": url, "description": d }),
                None => json!({ "url": url }),
            })
            .collect();
        document.insert("servers".into(), Value::Array(servers));
    }
    let paths = paths.into_iter().map(|(path, ops)| (path, Value::Object(ops))).collect();
    document.insert("paths".into(), Value::Object(paths));
    if !components.is_empty() {
        document.insert("components".into(), Value::Object(components));
    }
    Value::Object(document)
}

/// `/static/{*rest}` as OpenAPI writes a parameter: `/static/{rest}`.
fn openapi_path(pattern: &str) -> String {
    pattern.replace("{*", "{")
}

/// FastAPI's `operationId`: `{name}{path}` with every non-word character as `_`, then
/// `_{method}`.
fn operation_id(name: &str, path: &str, method: &str) -> String {
    let words: String = format!("{name}{path}")
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    format!("{words}_{method}")
}

/// FastAPI's `summary`: the name's words, each capitalized (Python's `str.title`).
fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.replace('_', " ").chars() {
        if c.is_alphabetic() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = true;
        }
    }
    out
}

/// A route written by hand: what its method and pattern say.
fn by_hand(route: &Route, path: &str, method: &str) -> Map<String, Value> {
    let mut operation = Map::new();
    operation.insert(
        "operationId".into(),
        json!(operation_id("", path, method).trim_start_matches('_')),
    );
    let parameters: Vec<Value> = route
        .pattern
        .params()
        .map(|name| {
            json!({ "name": name, "in": "path", "required": true,
                    "schema": { "type": "string", "title": title_case(name) } })
        })
        .collect();
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    operation
        .insert("responses".into(), json!({ "200": { "description": "Successful Response" } }));
    operation
}

/// A declared route.
fn declared(
    doc: &OperationDoc,
    path: &str,
    method: &str,
    generator: &mut SchemaGenerator,
    validation: &mut bool,
) -> Map<String, Value> {
    let mut operation = Map::new();
    if !doc.tags.is_empty() {
        operation.insert("tags".into(), json!(doc.tags));
    }
    let name = doc.name;
    let summary = doc.summary.map_or_else(|| title_case(name), str::to_owned);
    operation.insert("summary".into(), json!(summary));
    if let Some(description) = doc.description {
        operation.insert("description".into(), json!(description));
    }
    operation.insert("operationId".into(), json!(operation_id(name, path, method)));
    if doc.deprecated {
        operation.insert("deprecated".into(), json!(true));
    }
    let parameters: Vec<Value> = doc.params.iter().map(|p| parameter(p, generator)).collect();
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(body) = &doc.body {
        let schema = (body.schema)(generator);
        operation.insert(
            "requestBody".into(),
            json!({ "content": { body.content_type: { "schema": schema } }, "required": true }),
        );
    }

    let status = doc.status.unwrap_or(200).to_string();
    let mut success = Map::new();
    success.insert("description".into(), json!("Successful Response"));
    let schema = match &doc.model {
        Some(model) => model_schema(model, generator),
        None => json!({}),
    };
    success.insert("content".into(), json!({ "application/json": { "schema": schema } }));
    if !doc.sets.is_empty() {
        success.insert(
            "headers".into(),
            json!({ "Set-Cookie": {
                "description": doc.sets.iter().map(cookie_line).collect::<Vec<_>>().join("\n\n"),
                "schema": { "type": "string" }
            } }),
        );
        success.insert(
            "x-cookie-route-cookies".into(),
            Value::Array(doc.sets.iter().map(cookie_object).collect()),
        );
    }
    let mut responses = Map::new();
    responses.insert(status, Value::Object(success));
    if !doc.params.is_empty() || doc.body.is_some() {
        *validation = true;
        responses.insert(
            "422".into(),
            json!({ "description": "Validation Error", "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/HTTPValidationError" }
            } } }),
        );
    }
    operation.insert("responses".into(), Value::Object(responses));
    operation
}

fn parameter(param: &ParamDoc, generator: &mut SchemaGenerator) -> Value {
    let mut schema = (param.schema)(generator);
    if let Some(object) = schema.as_object_mut() {
        if !object.contains_key("$ref") {
            object.insert("title".into(), json!(title_case(param.name)));
        }
        if let Some(default) = param.default.and_then(|d| serde_json::from_str::<Value>(d).ok()) {
            object.insert("default".into(), default);
        }
    }
    let mut object = Map::new();
    object.insert("name".into(), json!(param.name));
    object.insert("in".into(), json!(param.location.as_str()));
    object.insert("required".into(), json!(param.required || param.location == ParamIn::Path));
    object.insert("schema".into(), schema.to_value());
    if let Some(protection) = param.protection {
        object.insert(
            "description".into(),
            json!(format!("A {protection} cookie: made by this app with its keys.")),
        );
    }
    Value::Object(object)
}

/// A response model's schema, after `include`/`exclude`: the model's own entry in
/// `components/schemas` when nothing is left out, or its object with only the fields kept.
fn model_schema(model: &ModelDoc, generator: &mut SchemaGenerator) -> Value {
    let reference = (model.schema)(generator).to_value();
    if model.include.is_none() && model.exclude.is_empty() {
        return reference;
    }
    let Some(name) = reference
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    else {
        return reference;
    };
    let Some(mut schema) = generator.definitions().get(name).cloned() else { return reference };
    let keep = |field: &str| {
        model.include.is_none_or(|include| include.contains(&field))
            && !model.exclude.contains(&field)
    };
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        properties.retain(|field, _| keep(field));
    }
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|field| field.as_str().is_some_and(keep));
    }
    schema
}

/// A declared cookie as the `Set-Cookie` header's description says it.
fn cookie_line(cookie: &CookieDoc) -> String {
    let mut parts = vec![format!("`{}`", cookie.name)];
    if cookie.kind != "plain" {
        parts.push(format!("{} with the app's keys", cookie.kind));
    }
    if let Some(max_age) = cookie.max_age {
        parts.push(format!("Max-Age={max_age}"));
    }
    if let Some(expires) = cookie.expires {
        parts.push(format!("Expires at {expires} (Unix time)"));
    }
    parts.push(format!("Path={}", cookie.path.unwrap_or("/")));
    if let Some(domain) = cookie.domain {
        parts.push(format!("Domain={domain}"));
    }
    if cookie.secure == Some(true) {
        parts.push("Secure".into());
    }
    if cookie.http_only != Some(false) {
        parts.push("HttpOnly".into());
    }
    parts.push(format!("SameSite={}", cookie.same_site.unwrap_or("Lax")));
    if cookie.partitioned == Some(true) {
        parts.push("Partitioned".into());
    }
    parts.join("; ")
}

/// A declared cookie as `x-cookie-route-cookies` lists it: the runtime's defaults filled in.
fn cookie_object(cookie: &CookieDoc) -> Value {
    let mut object = Map::new();
    object.insert("name".into(), json!(cookie.name));
    object.insert("kind".into(), json!(cookie.kind));
    if let Some(max_age) = cookie.max_age {
        object.insert("maxAge".into(), json!(max_age));
    }
    if let Some(expires) = cookie.expires {
        object.insert("expires".into(), json!(expires));
    }
    object.insert("path".into(), json!(cookie.path.unwrap_or("/")));
    if let Some(domain) = cookie.domain {
        object.insert("domain".into(), json!(domain));
    }
    object.insert("secure".into(), json!(cookie.secure.unwrap_or(false)));
    object.insert("httpOnly".into(), json!(cookie.http_only.unwrap_or(true)));
    object.insert("sameSite".into(), json!(cookie.same_site.unwrap_or("Lax")));
    object.insert("partitioned".into(), json!(cookie.partitioned.unwrap_or(false)));
    Value::Object(object)
}

/// FastAPI's `HTTPValidationError`: what a 422 answers.
fn http_validation_error() -> Value {
    json!({
        "properties": { "detail": {
            "items": { "$ref": "#/components/schemas/ValidationError" },
            "type": "array",
            "title": "Detail"
        } },
        "type": "object",
        "title": "HTTPValidationError"
    })
}

/// FastAPI's `ValidationError`: one problem of a 422, as pydantic reports it.
fn validation_error() -> Value {
    json!({
        "properties": {
            "loc": {
                "items": { "anyOf": [{ "type": "string" }, { "type": "integer" }] },
                "type": "array",
                "title": "Location"
            },
            "msg": { "type": "string", "title": "Message" },
            "type": { "type": "string", "title": "Error Type" },
            "input": { "title": "Input" },
            "ctx": { "type": "object", "title": "Context" }
        },
        "type": "object",
        "required": ["loc", "msg", "type"],
        "title": "ValidationError"
    })
}

#[cfg(test)]
mod tests {
    use schemars::Schema;

    use super::*;

    #[test]
    fn operation_ids_and_summaries_are_fastapis() {
        assert_eq!(
            operation_id("read_item", "/items/{item_id}", "get"),
            "read_item_items__item_id__get"
        );
        assert_eq!(operation_id("create_cookie", "/cookie/", "post"), "create_cookie_cookie__post");
        assert_eq!(title_case("read_item"), "Read Item");
        assert_eq!(title_case("setcookie_secure"), "Setcookie Secure");
        assert_eq!(title_case("get_or_create_task"), "Get Or Create Task");
        assert_eq!(openapi_path("/static/{*rest}"), "/static/{rest}");
    }

    #[test]
    fn a_cookie_is_described_with_the_runtimes_defaults() {
        let cookie = CookieDoc {
            name: "username",
            kind: "signed",
            max_age: Some(3600),
            expires: None,
            path: None,
            domain: None,
            secure: Some(true),
            http_only: None,
            same_site: Some("Strict"),
            partitioned: None,
        };
        assert_eq!(
            cookie_line(&cookie),
            "`username`; signed with the app's keys; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Strict"
        );
        assert_eq!(cookie_object(&cookie)["httpOnly"], json!(true));
        assert_eq!(cookie_object(&cookie)["sameSite"], json!("Strict"));
    }

    #[test]
    fn a_filtered_model_keeps_only_its_fields() {
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Item {
            name: String,
            description: Option<String>,
            price: f64,
            tax: f64,
        }
        let mut generator = SchemaSettings::draft2020_12()
            .with(|s| s.definitions_path = "/components/schemas".into())
            .into_generator();
        let model = ModelDoc {
            schema: |g| g.subschema_for::<Item>(),
            include: Some(&["name", "price"]),
            exclude: &["price"],
        };
        let schema = model_schema(&model, &mut generator);
        let fields: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        assert_eq!(fields, ["name"]);
        assert_eq!(schema["required"], json!(["name"]));
        let whole = ModelDoc { include: None, exclude: &[], ..model };
        assert_eq!(
            model_schema(&whole, &mut generator),
            json!({ "$ref": "#/components/schemas/Item" })
        );
    }

    #[test]
    fn schema_describes_a_type_with_a_schema_and_any_value_for_one_without() {
        struct Opaque;
        let with: fn(&mut SchemaGenerator) -> Schema = crate::__private::schema!(u32);
        let without: fn(&mut SchemaGenerator) -> Schema = crate::__private::schema!(Opaque);
        let mut generator = SchemaGenerator::default();
        assert_eq!(with(&mut generator).to_value()["type"], json!("integer"));
        assert_eq!(without(&mut generator).to_value(), json!(true));
    }
}
