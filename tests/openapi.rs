//! The example app's OpenAPI document: valid OpenAPI 3.1 (checked with
//! `openapi-spec-validator`), and, for the FastAPI routes, what FastAPI itself documents for
//! the same app (tests/fixtures/fastapi_openapi.json, recorded by
//! scripts/record-fastapi-openapi from tests/reference/fastapi_app.py), field by field:
//! paths, methods, operationId, summary, parameters (`in`, name, required, schema type),
//! request bodies, the 200 schema of each response model (FastAPI documents the whole model
//! where cookie-route documents what `include`/`exclude` leave), and 422 where FastAPI lists
//! it.

use std::collections::BTreeSet;

use cookie_route_example::{Config, build};
use serde_json::{Map, Value, json};

async fn ours() -> Value {
    let config = Config::from_vars(|_| None).expect("the default configuration");
    build(&config).await.expect("the example app").openapi()
}

fn fastapi() -> Value {
    serde_json::from_str(include_str!("fixtures/fastapi_openapi.json")).expect("FastAPI's document")
}

/// A schema as both frameworks must agree on it: its types (a set: `T | None` and
/// `["T", "null"]` alike), and an object's properties and required fields (`$ref`s followed,
/// titles, descriptions, formats and defaults left out).
fn shape(schema: &Value, document: &Value) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        let target = &document["components"]["schemas"][name];
        assert!(!target.is_null(), "`{reference}` is not in the document");
        return shape(target, document);
    }
    let mut types = BTreeSet::new();
    let mut properties = Map::new();
    let mut required = BTreeSet::new();
    let mut items = None;
    let mut collect = |schema: &Value| match schema.get("type") {
        Some(Value::String(t)) => {
            types.insert(t.clone());
        }
        Some(Value::Array(ts)) => {
            types.extend(ts.iter().filter_map(Value::as_str).map(str::to_owned))
        }
        _ => {}
    };
    collect(schema);
    for alternative in ["anyOf", "oneOf"].iter().filter_map(|k| schema.get(*k)?.as_array()) {
        for branch in alternative {
            let branch = shape(branch, document);
            types.extend(
                branch["types"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned),
            );
            if let Some(p) = branch["properties"].as_object() {
                properties.extend(p.clone());
            }
        }
    }
    if let Some(p) = schema.get("properties").and_then(Value::as_object) {
        for (name, field) in p {
            properties.insert(name.clone(), shape(field, document));
        }
    }
    if let Some(r) = schema.get("required").and_then(Value::as_array) {
        required.extend(r.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(i) = schema.get("items") {
        items = Some(shape(i, document));
    }
    json!({ "types": types, "properties": properties, "required": required, "items": items })
}

/// A response model's shape as cookie-route documents it: FastAPI's whole model with only
/// the fields `include`/`exclude` leave.
fn filtered(mut shape: Value, include: Option<&[&str]>, exclude: &[&str]) -> Value {
    let keep = |f: &str| include.is_none_or(|i| i.contains(&f)) && !exclude.contains(&f);
    if let Some(p) = shape["properties"].as_object_mut() {
        p.retain(|f, _| keep(f));
    }
    if let Some(r) = shape["required"].as_array_mut() {
        r.retain(|f| f.as_str().is_some_and(keep));
    }
    shape
}

/// The parameters as `(in, name) -> (required, schema shape)`.
fn parameters(operation: &Value, document: &Value) -> Map<String, Value> {
    operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let key = format!("{} {}", p["in"].as_str().unwrap(), p["name"].as_str().unwrap());
            (key, json!({ "required": p["required"], "schema": shape(&p["schema"], document) }))
        })
        .collect()
}

#[tokio::test]
async fn the_fastapi_routes_are_documented_as_fastapi_documents_them() {
    let (ours, theirs) = (ours().await, fastapi());
    let mut compared = 0;
    for (path, methods) in theirs["paths"].as_object().unwrap() {
        for (method, expected) in methods.as_object().unwrap() {
            let at = format!("{} {path}", method.to_uppercase());
            let actual = &ours["paths"][path][method];
            assert!(actual.is_object(), "{at} is not in cookie-route's document");
            for key in ["operationId", "summary"] {
                assert_eq!(actual[key], expected[key], "{at}: {key}");
            }
            assert_eq!(
                parameters(actual, &ours),
                parameters(expected, &theirs),
                "{at}: parameters"
            );
            let body = |op: &Value, doc: &Value| {
                op["requestBody"]["content"].as_object().map(|content| {
                    content
                        .iter()
                        .map(|(t, c)| (t.clone(), shape(&c["schema"], doc)))
                        .collect::<Map<String, Value>>()
                })
            };
            assert_eq!(body(actual, &ours), body(expected, &theirs), "{at}: request body");
            let codes = |op: &Value| {
                op["responses"].as_object().unwrap().keys().cloned().collect::<Vec<_>>()
            };
            assert_eq!(codes(actual), codes(expected), "{at}: response codes");
            let schema = |op: &Value, doc: &Value| {
                shape(&op["responses"]["200"]["content"]["application/json"]["schema"], doc)
            };
            let expected_200 = match path.as_str() {
                "/items/{item_id}/name" => {
                    filtered(schema(expected, &theirs), Some(&["name", "description"]), &[])
                }
                "/items/{item_id}/public" => filtered(schema(expected, &theirs), None, &["tax"]),
                _ => schema(expected, &theirs),
            };
            assert_eq!(schema(actual, &ours), expected_200, "{at}: the 200 schema");
            compared += 1;
        }
    }
    assert_eq!(compared, 15, "every FastAPI operation was compared");
}

#[tokio::test]
async fn the_document_names_the_cookies_each_route_sets_and_the_session() {
    let document = ours().await;
    let secure = &document["paths"]["/setcookie_secure"]["get"]["responses"]["200"];
    assert_eq!(
        secure["x-cookie-route-cookies"],
        json!([{ "name": "username", "kind": "plain", "maxAge": 3600, "path": "/", "secure": true,
                 "httpOnly": true, "sameSite": "Strict", "partitioned": false }])
    );
    let described = secure["headers"]["Set-Cookie"]["description"].as_str().unwrap();
    assert_eq!(described, "`username`; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Strict");
    assert!(document["paths"]["/getcookie"]["get"]["responses"]["200"]["headers"].is_null());

    assert_eq!(
        document["components"]["securitySchemes"]["session"],
        json!({ "type": "apiKey", "in": "cookie", "name": "session",
                "description": "The session cookie, which the app sets and reads itself." })
    );
    assert_eq!(document["paths"]["/whoami"]["get"]["security"], json!([{ "session": [] }]));
    assert!(document["paths"]["/getcookie"]["get"]["security"].is_null());

    let cookie = &document["paths"]["/getcookie"]["get"]["parameters"][0];
    assert_eq!(
        (cookie["in"].as_str(), cookie["name"].as_str()),
        (Some("cookie"), Some("username"))
    );
    assert_eq!(cookie["required"], false);
}

/// The command that validates an OpenAPI document: `COOKIE_ROUTE_OPENAPI_VALIDATOR`
/// (scripts/test installs openapi-spec-validator and sets it), or one on `PATH`.
fn validator() -> String {
    std::env::var("COOKIE_ROUTE_OPENAPI_VALIDATOR")
        .unwrap_or_else(|_| "openapi-spec-validator".to_owned())
}

#[tokio::test]
async fn the_document_is_valid_openapi() {
    let document = serde_json::to_vec_pretty(&ours().await).unwrap();
    let dir = std::env::temp_dir().join(format!("cookie-route-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("openapi.json");
    std::fs::write(&file, document).unwrap();
    let command = validator();
    let output = std::process::Command::new(&command).arg(&file).output().unwrap_or_else(|e| {
        panic!(
            "cannot run `{command}` ({e}): run the tests with scripts/test, which installs \
             openapi-spec-validator from PyPI, or `pip install openapi-spec-validator` and set \
             COOKIE_ROUTE_OPENAPI_VALIDATOR"
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "openapi-spec-validator: {said}");
    assert!(said.contains("OK"), "{said}");
}
