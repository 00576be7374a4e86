//! Every example starts with the command its row in `examples/README.md` gives, run as
//! written from the repository's root, and answers: one request each, then SIGTERM, after
//! which it must exit cleanly. Every example folder has a row, and each row's default
//! address is the one its program listens on without `PORT`.
//!
//! The command is `cargo run -p NAME`, run with the cargo that runs this test. Cargo does not
//! hold the target directory's lock while tests run, so the inner `cargo run` shares this
//! build's target directory: it builds each example once with the features a plain
//! `cargo run` gives it (the first run after a clean build takes a few minutes; after that
//! each start only checks freshness), and runs it in place of itself (`exec`), so the
//! SIGTERM reaches the example. Only `PORT=0` is added, so that a port in use on this
//! machine does not fail the test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cookie_route::TestClient;
use cookie_route_examples::{Example, examples};
use cookie_route_test_support::program::Program;

/// How long a start may take, a build included: a cold build of an example's dependencies
/// on a small, busy machine takes minutes.
const PATIENCE: Duration = Duration::from_secs(20 * 60);

fn examples_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn table() -> Vec<Example> {
    let readme = std::fs::read_to_string(examples_dir().join("README.md")).expect("README.md");
    examples(&readme).unwrap_or_else(|e| panic!("examples/README.md: {e}"))
}

/// The request that shows an example answers, and a piece of the answer.
fn probe(name: &str) -> (&'static str, &'static str) {
    match name {
        "hello" => ("/?name=README", "Hello, README!"),
        "toml_routes" => ("/api/items/1", r#""name":"Teapot""#),
        "build_routes" => ("/square/12", "12 squared is 144"),
        "signed_private" => ("/remember?user=README", "Remembered README"),
        "sessions" => ("/", "sessions in: cookie"),
        "state_layers" => ("/static/robots.txt", "Disallow: /api/"),
        "openapi" => ("/openapi.json", r#""title":"Library""#),
        "notes" => ("/login", "<form"),
        other => panic!("no probe for the example `{other}`: add one to probe() in {}", file!()),
    }
}

#[test]
fn every_example_folder_has_a_row() {
    let mut folders: Vec<String> = std::fs::read_dir(examples_dir())
        .expect("examples/")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut rows: Vec<String> = table().into_iter().map(|example| example.name).collect();
    rows.sort();
    assert_eq!(rows, folders, "examples/README.md's rows and the example folders");
}

#[test]
fn each_row_gives_the_command_and_address_of_its_example() {
    for example in table() {
        assert_eq!(example.command, format!("cargo run -p {}", example.name));
        let port = example
            .address
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("`{}`: an address on 127.0.0.1", example.address));
        let main = examples_dir().join(&example.name).join("src/main.rs");
        let source = std::fs::read_to_string(&main).expect("the example's main.rs");
        // The default port, where the example reads `PORT`: `address(PORT)` in its main.rs,
        // or the `None => PORT,` of the notes service's config.rs.
        let config = std::fs::read_to_string(main.with_file_name("config.rs")).unwrap_or_default();
        assert!(
            source.contains(&format!("address({port})"))
                || config.contains(&format!("None => {port},")),
            "{} does not listen on port {port} by default",
            main.display()
        );
        assert!(
            source.contains(&format!("`{}`", example.command)),
            "{} does not say it runs with `{}`",
            main.display(),
            example.command
        );
    }
}

#[tokio::test]
async fn every_example_starts_with_its_readme_command_and_answers() {
    let root: PathBuf = examples_dir().parent().expect("the repository").to_owned();
    // The cargo that runs this test, for the README's `cargo`.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let scratch = Scratch::new();
    for example in table() {
        let words: Vec<&str> = example.command.split_whitespace().collect();
        let (program, args) = words.split_first().expect("a command");
        assert_eq!(*program, "cargo", "`{}` runs cargo", example.command);
        let mut command = Command::new(&cargo);
        command
            .args(args)
            .current_dir(&root)
            .env("HOST", "127.0.0.1")
            .env("PORT", "0")
            // The notes service's database, out of the repository.
            .env("DATABASE_URL", format!("sqlite://{}", scratch.0.join("notes.db").display()))
            .env_remove("COOKIE_ROUTE_SESSION_STORE");
        let started = Instant::now();
        let running = Program::start(command, PATIENCE);
        eprintln!("`{}` served after {:.1?}", example.command, started.elapsed());

        let (path, expected) = probe(&example.name);
        let response = TestClient::http(running.base_url()).get(path).send().await;
        let text = response.text();
        assert_eq!(response.status(), 200, "`{}`: GET {path}: {text}", example.command);
        assert!(text.contains(expected), "`{}`: GET {path}: {text}", example.command);

        let stderr = running.stop();
        assert!(stderr.contains("shutting down"), "`{}`:\n{stderr}", example.command);
    }
}

/// A directory of this test's own, removed when it ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("cookie-route-readme-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
