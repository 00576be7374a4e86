//! `openapi` over HTTP: the program itself, started on a free port; its document checked
//! against what the routes declare and with openapi-spec-validator, its docs pages and the
//! files they load fetched as a browser would.

use std::process::Command;
use std::time::Duration;

use cookie_route::TestClient;
use cookie_route_test_support::program::Program;
use serde_json::{Value, json};

fn start() -> Program {
    let mut command = Command::new(env!("CARGO_BIN_EXE_openapi"));
    command.env("HOST", "127.0.0.1").env("PORT", "0");
    Program::start(command, Duration::from_secs(10))
}

#[tokio::test]
async fn the_routes_answer_through_their_response_model() {
    let program = start();
    let client = TestClient::http(program.base_url());

    let book = json!({ "title": "Dune", "author": "Frank Herbert", "shelf_note": "top shelf" });
    let response = client.post("/books").json(&book).send().await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.json::<Value>(),
        json!({ "id": 1, "title": "Dune", "author": "Frank Herbert" }),
        "the shelf note stays in the library"
    );
    let response = client.get("/books/1").send().await;
    assert_eq!(response.json::<Value>()["title"], "Dune");
    assert_eq!(client.get("/last-book").send().await.json::<Value>(), json!(1));
    let books = client.get("/books?author=Frank%20Herbert").send().await.json::<Value>();
    assert_eq!(books, json!([{ "id": 1, "title": "Dune" }]));
    let response = client.post("/books").json(&json!({ "title": "No author" })).send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>()["detail"][0]["loc"], json!(["body", "author"]));

    program.stop();
}

#[tokio::test]
async fn the_document_says_what_the_declarations_say() {
    let program = start();
    let client = TestClient::http(program.base_url());
    let response = client.get("/openapi.json").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let document: Value = response.json();

    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"), "{}", document["openapi"]);
    assert_eq!(document["info"]["title"], "Library");
    assert_eq!(document["info"]["version"], "1.0.0");

    let add = &document["paths"]["/books"]["post"];
    assert_eq!(add["operationId"], "add_book_books_post");
    assert_eq!(add["summary"], "Add Book");
    assert_eq!(
        add["description"],
        "Adds a book to the library.\n\nThe answer leaves out the shelf note."
    );
    assert_eq!(add["tags"], json!(["books"]));
    assert_eq!(
        add["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/NewBook"
    );
    assert_eq!(
        add["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/BookOut"
    );
    assert!(add["responses"]["422"].is_object());

    // The model readers see has no shelf note; the book they send may have one.
    let schemas = &document["components"]["schemas"];
    let fields = |name: &str| {
        let mut fields: Vec<String> =
            schemas[name]["properties"].as_object().unwrap().keys().cloned().collect();
        fields.sort();
        fields
    };
    assert_eq!(fields("BookOut"), ["author", "id", "title"]);
    assert_eq!(fields("NewBook"), ["author", "shelf_note", "title"]);

    let list = &document["paths"]["/books"]["get"]["parameters"];
    let names: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["in"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("query", "author"), ("query", "limit")]);
    let read = &document["paths"]["/books/{book_id}"]["get"]["parameters"][0];
    assert_eq!(
        (&read["in"], &read["name"], &read["required"]),
        (&json!("path"), &json!("book_id"), &json!(true))
    );
    let cookie = &document["paths"]["/last-book"]["get"]["parameters"][0];
    assert_eq!((&cookie["in"], &cookie["name"]), (&json!("cookie"), &json!("last_book")));

    validate(&document);
    program.stop();
}

#[tokio::test]
async fn the_docs_pages_load_their_files_from_the_app() {
    let program = start();
    let client = TestClient::http(program.base_url());
    for (page, needle) in [("/docs", "swagger-ui"), ("/redoc", "<redoc")] {
        let response = client.get(page).send().await;
        assert_eq!(response.status(), 200, "{page}");
        assert_eq!(response.header("content-type"), Some("text/html; charset=utf-8"), "{page}");
        let html = response.text();
        assert!(html.contains(needle), "{page}: {html}");
        assert!(html.contains("<title>Library"), "{page}: {html}");
        // Every script the page loads comes from the app (no CDN), relative to the page.
        let scripts = attributes(&html, "src=\"");
        assert!(!scripts.is_empty(), "{page}: {html}");
        for script in scripts {
            assert!(!script.contains("//"), "{page} loads {script} from elsewhere");
            let url = join(page, &script);
            let response = client.get(&url).send().await;
            assert_eq!(response.status(), 200, "{page} loads {url}");
            assert!(response.bytes().len() > 10_000, "{url}");
        }
    }
    program.stop();
}

/// The values of `attribute="..."` in `html`.
fn attributes(html: &str, attribute: &str) -> Vec<String> {
    html.split(attribute)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// `relative` resolved against the page at `page` (`/docs` + `./docs/x.js`).
fn join(page: &str, relative: &str) -> String {
    let dir = &page[..=page.rfind('/').unwrap()];
    format!("{dir}{}", relative.trim_start_matches("./"))
}

/// Checks the document with openapi-spec-validator: `COOKIE_ROUTE_OPENAPI_VALIDATOR`
/// (scripts/test installs it and sets that), or one on `PATH`.
fn validate(document: &Value) {
    let dir = std::env::temp_dir().join(format!("openapi-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("openapi.json");
    std::fs::write(&file, serde_json::to_vec_pretty(document).unwrap()).unwrap();
    let command = std::env::var("COOKIE_ROUTE_OPENAPI_VALIDATOR")
        .unwrap_or_else(|_| "openapi-spec-validator".to_owned());
    let output = Command::new(&command).arg(&file).output().unwrap_or_else(|e| {
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
    assert!(output.status.success() && said.contains("OK"), "openapi-spec-validator: {said}");
}
