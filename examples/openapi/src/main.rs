//! Run with: `cargo run -p openapi`, then open http://127.0.0.1:8007/docs (Swagger UI) or
//! http://127.0.0.1:8007/redoc (ReDoc), or `curl http://127.0.0.1:8007/openapi.json`.
//!
//! The OpenAPI 3.1 document is made from the declarations, as FastAPI makes it: each route's
//! path, query and cookie parameters, its body, its response model, its status, the 422
//! answer, the cookie it sets, its tags, and its doc comment as the description. The types
//! derive `JsonSchema`. Swagger UI and ReDoc are served from the binary (no CDN).
//! `HOST` and `PORT` say where it listens (default `127.0.0.1:8007`); Ctrl-C or SIGTERM
//! stops it.

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::sync::Mutex;

use cookie_route::prelude::*;
use cookie_route::{DocsConfig, StartError, shutdown_signal};

/// A book to add.
#[derive(Debug, Deserialize, JsonSchema)]
struct NewBook {
    /// The title, as printed.
    title: String,
    author: String,
    /// A note for the librarians: never shown to readers.
    #[serde(default)]
    shelf_note: Option<String>,
}

/// A book as the library keeps it.
#[derive(Debug, Clone, Serialize)]
struct Book {
    id: u32,
    title: String,
    author: String,
    shelf_note: Option<String>,
}

/// A book as readers see it: the routes' response model.
#[derive(Debug, Serialize, ResponseModel, JsonSchema)]
struct BookOut {
    id: u32,
    title: String,
    author: String,
}

/// The books, in the app's state.
#[derive(Debug, Default)]
struct Library(Mutex<Vec<Book>>);

impl Library {
    fn books(&self) -> std::sync::MutexGuard<'_, Vec<Book>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Adds a book to the library.
///
/// The answer leaves out the shelf note.
#[cookie_route(POST "/books", status = 201, response_model = BookOut, tags = ["books"])]
async fn add_book(#[body] book: Json<NewBook>, library: State<Library>) -> Json<Book> {
    let mut books = library.books();
    let book = Book {
        id: u32::try_from(books.len()).unwrap_or(u32::MAX).saturating_add(1),
        title: book.0.title,
        author: book.0.author,
        shelf_note: book.0.shelf_note,
    };
    books.push(book.clone());
    Json(book)
}

/// Reads one book.
#[cookie_route(GET "/books/{book_id}", response_model = BookOut, tags = ["books"])]
async fn read_book(
    book_id: u32,
    library: State<Library>,
    response: &mut Response,
) -> Result<Json<Book>, Error> {
    let book = library.books().iter().find(|book| book.id == book_id).cloned();
    let book = book.ok_or_else(Error::not_found)?;
    // Read back by `/last-book`. (The document lists the cookies that a routes.toml route
    // declares in `sets`; an attribute has no such key yet.)
    response.set_cookie(Cookie::new("last_book", book_id.to_string()))?;
    Ok(Json(book))
}

/// Lists the books, by one author when `author` is given, `limit` at most.
#[cookie_route(GET "/books", tags = ["books"])]
async fn list_books(
    #[query] author: Option<String>,
    #[query(default = 20)] limit: u8,
    library: State<Library>,
) -> Json<Vec<serde_json::Value>> {
    let books = library.books();
    let found = books
        .iter()
        .filter(|book| author.as_deref().is_none_or(|author| book.author == author))
        .take(usize::from(limit))
        .map(|book| serde_json::json!({ "id": book.id, "title": book.title }));
    Json(found.collect())
}

/// The book the visitor read last, from the `last_book` cookie.
#[cookie_route(GET "/last-book", tags = ["visitor"])]
async fn last_book(#[cookie] last_book: Option<u32>) -> Json<Option<u32>> {
    Json(last_book)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), StartError> {
    let docs = DocsConfig::new()
        .with_title("Library")
        .with_version("1.0.0")
        .with_description("A small library: books, and the visitor's last one, in a cookie.");
    let app = App::declared().docs(docs).state(Library::default());
    // Ctrl-C and SIGTERM stop it gracefully from the moment it says where it listens.
    let server = app.bind(address(8007)?).await?.with_graceful_shutdown(shutdown_signal());
    println!("listening on http://{}", server.local_addr()?);
    server.await
}

/// `HOST:PORT` from the environment, as the repository's example app reads them.
fn address(default_port: u16) -> Result<String, StartError> {
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = match std::env::var("PORT") {
        Err(_) => default_port,
        Ok(port) => port.trim().parse::<u16>().map_err(|_| {
            StartError::Config(format!("PORT must be a port number (0-65535), got `{port}`"))
        })?,
    };
    Ok(format!("{host}:{port}"))
}
