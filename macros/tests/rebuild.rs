//! Editing `routes.toml` rebuilds the crate that declares it: a small crate is built, its
//! routes file edited, and the rebuilt program serves the new route.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(dir: &Path, target: &Path) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["run", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the probe failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn routes(path: &str) -> String {
    format!("[[route]]\nmethod = \"GET\"\npath = \"{path}\"\nhandler = \"handlers::hello\"\n")
}

#[test]
fn editing_the_routes_file_rebuilds_the_crate() {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("rebuild-probe");
    // Share the compiled dependencies of the UI tests' builds.
    let target = tmp.parent().expect("the target directory").join("tests/trybuild");
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    std::fs::create_dir_all(dir.join("src")).expect("creates the probe");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rebuild-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ncookie-route = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.canonicalize().expect("the runtime crate").display().to_string()
        ),
    )
    .expect("writes Cargo.toml");
    std::fs::write(
        dir.join("src/main.rs"),
        "cookie_route::routes!(\"routes.toml\");\n\
         mod handlers { pub(crate) async fn hello() -> &'static str { \"hello\" } }\n\
         fn main() {\n\
             let app = app().build().expect(\"builds\");\n\
             for (method, path, _) in app.routes() { println!(\"{method} {path}\"); }\n\
         }\n",
    )
    .expect("writes main.rs");
    std::fs::write(dir.join("routes.toml"), routes("/first")).expect("writes routes.toml");
    assert_eq!(run(&dir, &target).trim(), "GET /first");
    std::fs::write(dir.join("routes.toml"), routes("/second")).expect("edits routes.toml");
    assert_eq!(run(&dir, &target).trim(), "GET /second", "cargo did not rebuild after the edit");
}
