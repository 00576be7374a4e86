//! The OpenAPI document's generator, through `App::openapi`, for each kind of declaration:
//! path, query, header and cookie parameters (required, optional, with a default, signed),
//! JSON, form, text and binary bodies, response models (nested, optional, lists, maps,
//! serde renames, include/exclude), declared statuses, names, summaries, doc comments, tags,
//! deprecation, routes left out, groups under their prefix, routes written by hand, and the
//! session as a security scheme.

#![cfg(feature = "openapi")]

use std::collections::HashMap;

use cookie_route::prelude::*;
use cookie_route::{Keys, Session, SessionConfig};
use serde_json::{Value, json};

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct NewProduct {
    display_name: String,
    #[serde(rename = "sku")]
    stock_unit: String,
    price_cents: u64,
    tags: Vec<String>,
    attributes: HashMap<String, String>,
    maker: Maker,
    discontinued: Option<bool>,
}

#[derive(Serialize, Deserialize, ResponseModel, JsonSchema)]
struct Maker {
    name: String,
    country: Option<String>,
}

#[derive(Serialize, ResponseModel, JsonSchema)]
struct ProductOut {
    id: u32,
    name: String,
    secret: String,
    maker: Option<Maker>,
}

#[derive(Deserialize, JsonSchema)]
struct LoginForm {
    username: String,
    password: String,
}

/// Creates a product.
///
/// The product is checked, then stored.
#[cookie_route(POST "/products/{shop_id}", response_model = ProductOut,
               response_model_exclude = ["secret"], status = 201, tags = ["products"])]
async fn create_product(
    shop_id: u32,
    #[body] product: Json<NewProduct>,
    #[query] dry_run: Option<bool>,
    #[query(default = 20)] limit: u32,
    #[header(name = "x-request-id")] request_id: String,
    #[cookie(signed)] account: Option<String>,
) -> Json<Value> {
    let _ = (shop_id, product, dry_run, limit, request_id, account);
    Json(json!({}))
}

#[cookie_route(POST "/login", name = "sign_in", summary = "Sign in with a form",
               deprecated = true, tags = ["auth", "legacy"])]
async fn login(#[body] form: Form<LoginForm>, session: Session) -> Result<&'static str, Error> {
    session.insert("user", &form.username)?;
    let _ = &form.password;
    Ok("ok")
}

#[cookie_route(PUT "/notes/{id}/text")]
async fn put_text(id: u32, #[body] text: String) -> String {
    format!("{id}: {text}")
}

#[cookie_route(PUT "/blobs/{*key}")]
async fn put_blob(key: String, #[body] bytes: bytes::Bytes) -> String {
    format!("{key}: {}", bytes.len())
}

#[cookie_route(GET "/internal/metrics", openapi = false)]
async fn metrics() -> &'static str {
    "metrics"
}

#[cookie_route(GET "/products/{id}/summary", response_model = ProductOut,
               response_model_include = ["id", "name"], group = "v2")]
async fn product_summary(id: u32) -> Json<Value> {
    Json(json!({ "id": id, "name": "x" }))
}

/// A value read with `FromStr`, without a JSON Schema.
struct Colour(String);

impl std::str::FromStr for Colour {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Colour(s.to_owned()))
    }
}

/// A body and a model without a JSON Schema either.
#[derive(Deserialize)]
struct Swatch {
    name: String,
}

#[derive(Serialize, ResponseModel)]
struct SwatchOut {
    name: String,
}

// In a group of its own: no other test reaches the warning's call site, which tracing
// would otherwise register while no subscriber listens.
#[cookie_route(POST "/swatches", response_model = SwatchOut, group = "swatches")]
async fn add_swatch(#[body] swatch: Json<Swatch>, #[query] colour: Colour) -> Json<SwatchOut> {
    Json(SwatchOut { name: format!("{} {}", colour.0, swatch.0.name) })
}

fn app() -> App {
    App::declared()
        .nest("/v2", App::declared_group("v2"))
        .get("/by-hand/{item}", |_: Request| async { "by hand" })
        .keys(Keys::ephemeral())
        .sessions(SessionConfig::signed_cookie().cookie_name("sid"))
}

fn operation(document: &Value, method: &str, path: &str) -> Value {
    let operation = document["paths"][path][method].clone();
    assert!(operation.is_object(), "no {method} {path} in {document:#}");
    operation
}

fn parameter<'d>(operation: &'d Value, location: &str, name: &str) -> &'d Value {
    operation["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["in"] == location && p["name"] == name))
        .unwrap_or_else(|| panic!("no {location} parameter `{name}`: {operation:#}"))
}

#[test]
fn parameters_of_every_kind() {
    let document = app().openapi();
    let create = operation(&document, "post", "/products/{shop_id}");
    let shop = parameter(&create, "path", "shop_id");
    assert_eq!(shop["required"], true);
    assert_eq!(shop["schema"]["type"], "integer");
    assert_eq!(shop["schema"]["title"], "Shop Id");
    let dry_run = parameter(&create, "query", "dry_run");
    assert_eq!(dry_run["required"], false);
    assert_eq!(dry_run["schema"]["type"], json!(["boolean", "null"]), "an Option is nullable");
    let limit = parameter(&create, "query", "limit");
    assert_eq!((&limit["required"], &limit["schema"]["default"]), (&json!(false), &json!(20)));
    let request_id = parameter(&create, "header", "x-request-id");
    assert_eq!(
        (&request_id["required"], &request_id["schema"]["type"]),
        (&json!(true), &json!("string"))
    );
    let account = parameter(&create, "cookie", "account");
    assert_eq!(account["required"], false);
    assert!(account["description"].as_str().unwrap().contains("signed"), "{account}");
    assert_eq!(create["parameters"].as_array().unwrap().len(), 5, "the body is not a parameter");
}

#[test]
fn bodies_by_content_type() {
    let document = app().openapi();
    let create = operation(&document, "post", "/products/{shop_id}");
    assert_eq!(create["requestBody"]["required"], true);
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"],
        json!({ "$ref": "#/components/schemas/NewProduct" })
    );
    let login = operation(&document, "post", "/login");
    assert_eq!(
        login["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"],
        json!({ "$ref": "#/components/schemas/LoginForm" })
    );
    let text = operation(&document, "put", "/notes/{id}/text");
    assert_eq!(text["requestBody"]["content"]["text/plain"]["schema"]["type"], "string");
    let blob = operation(&document, "put", "/blobs/{key}");
    let binary = &blob["requestBody"]["content"]["application/octet-stream"]["schema"];
    assert_eq!(binary["type"], "array", "{binary}");
    assert_eq!(
        parameter(&blob, "path", "key")["required"],
        true,
        "a catch-all is a path parameter"
    );
}

#[test]
fn schemas_follow_serde_with_nested_optional_list_and_map_fields() {
    let document = app().openapi();
    let schemas = &document["components"]["schemas"];
    let product = &schemas["NewProduct"];
    let fields: Vec<&str> =
        product["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        ["attributes", "discontinued", "displayName", "maker", "priceCents", "sku", "tags"],
        "serde's rename_all and rename"
    );
    assert_eq!(
        product["properties"]["tags"],
        json!({ "type": "array", "items": { "type": "string" } })
    );
    assert_eq!(product["properties"]["attributes"]["type"], "object");
    assert_eq!(product["properties"]["attributes"]["additionalProperties"]["type"], "string");
    assert_eq!(product["properties"]["maker"], json!({ "$ref": "#/components/schemas/Maker" }));
    assert_eq!(product["properties"]["discontinued"]["type"], json!(["boolean", "null"]));
    let required: Vec<&str> =
        product["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(
        !required.contains(&"discontinued") && required.contains(&"displayName"),
        "{required:?}"
    );
    assert_eq!(schemas["Maker"]["properties"]["country"]["type"], json!(["string", "null"]));
}

#[test]
fn response_models_after_include_and_exclude_and_declared_statuses() {
    let document = app().openapi();
    let create = operation(&document, "post", "/products/{shop_id}");
    let responses = create["responses"].as_object().unwrap();
    assert_eq!(responses.keys().collect::<Vec<_>>(), ["201", "422"], "the declared status");
    let created = &create["responses"]["201"]["content"]["application/json"]["schema"];
    let fields: Vec<&String> = created["properties"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["id", "maker", "name"], "`secret` is excluded: {created}");
    let summary = operation(&document, "get", "/v2/products/{id}/summary");
    let kept = &summary["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(kept["properties"].as_object().unwrap().keys().collect::<Vec<_>>(), ["id", "name"]);
    assert_eq!(kept["required"], json!(["id", "name"]));
    assert_eq!(
        document["components"]["schemas"]["HTTPValidationError"]["properties"]["detail"]["items"],
        json!({ "$ref": "#/components/schemas/ValidationError" })
    );
}

#[test]
fn names_summaries_descriptions_tags_and_deprecation() {
    let document = app().openapi();
    let create = operation(&document, "post", "/products/{shop_id}");
    assert_eq!(create["operationId"], "create_product_products__shop_id__post");
    assert_eq!(create["summary"], "Create Product");
    assert_eq!(
        create["description"], "Creates a product.\n\nThe product is checked, then stored.",
        "the doc comment, as FastAPI takes a docstring"
    );
    assert_eq!(create["tags"], json!(["products"]));
    assert!(create.get("deprecated").is_none());
    let login = operation(&document, "post", "/login");
    assert_eq!(login["operationId"], "sign_in_login_post", "`name` replaces the handler's");
    assert_eq!(login["summary"], "Sign in with a form");
    assert_eq!(login["deprecated"], true);
    assert_eq!(login["tags"], json!(["auth", "legacy"]));
}

#[test]
fn left_out_grouped_and_hand_written_routes() {
    let document = app().openapi();
    assert!(document["paths"]["/internal/metrics"].is_null(), "openapi = false");
    assert!(document["paths"]["/products/{id}/summary"].is_null(), "a group is under its prefix");
    let summary = operation(&document, "get", "/v2/products/{id}/summary");
    assert_eq!(summary["operationId"], "product_summary_v2_products__id__summary_get");
    let by_hand = operation(&document, "get", "/by-hand/{item}");
    assert_eq!(parameter(&by_hand, "path", "item")["schema"]["type"], "string");
    assert_eq!(by_hand["responses"]["200"]["description"], "Successful Response");
    assert_eq!(document["openapi"], "3.1.0");
}

#[test]
fn the_session_is_a_cookie_security_scheme_on_the_routes_that_use_it() {
    let document = app().openapi();
    assert_eq!(
        document["components"]["securitySchemes"]["session"]["name"], "sid",
        "the app's session cookie"
    );
    assert_eq!(operation(&document, "post", "/login")["security"], json!([{ "session": [] }]));
    assert!(operation(&document, "put", "/notes/{id}/text").get("security").is_none());
    let without_sessions = App::declared().nest("/v2", App::declared_group("v2")).openapi();
    assert!(without_sessions["components"]["securitySchemes"].is_null());
}

#[test]
fn types_without_a_schema_are_any_value_and_logged() {
    let captured = cookie_route_test_support::logs::Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let app = App::new().nest("/paint", App::declared_group("swatches"));
    // Each type is named once, however many times the document is made.
    let document = tracing::subscriber::with_default(subscriber, || {
        let _ = app.openapi();
        app.openapi()
    });
    let add = operation(&document, "post", "/paint/swatches");
    assert_eq!(parameter(&add, "query", "colour")["schema"], json!(true));
    assert_eq!(add["requestBody"]["content"]["application/json"]["schema"], json!(true));
    assert_eq!(add["responses"]["200"]["content"]["application/json"]["schema"], json!(true));
    let logs = captured.text();
    for name in ["Colour", "Swatch", "SwatchOut"] {
        let warnings = logs
            .lines()
            .filter(|l| {
                l.contains("WARN")
                    && l.contains("no JSON Schema")
                    && l.contains(&format!("openapi::{name}\""))
            })
            .count();
        assert_eq!(warnings, 1, "warnings naming {name}: {logs}");
    }
}
