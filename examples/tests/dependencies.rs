//! The examples' dependencies stay in the examples: building the library or the repository's
//! example app (and testing the library) compiles none of them. Read off `cargo tree`, which
//! lists what a package's build would compile, with every feature of the library on.

use std::process::Command;

/// The crates only the notes service may bring in.
const EXAMPLES_ONLY: [&str; 4] = ["sqlx", "argon2", "libsqlite3-sys", "password-hash"];

/// The package names `cargo tree` lists for `package` (normal, build and dev dependencies).
fn tree(package: &str, features: &[&str]) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["tree", "-p", package, "-e", "normal,build,dev", "--prefix", "none"])
        .args(features)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree -p {package}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_library_and_the_example_app_compile_none_of_the_examples_dependencies() {
    for (package, features) in
        [("cookie-route", &["--all-features"][..]), ("cookie-route-example", &[][..])]
    {
        let crates = tree(package, features);
        assert!(crates.iter().any(|c| c == "hyper"), "{package}: {crates:?}");
        for only in EXAMPLES_ONLY {
            assert!(!crates.iter().any(|c| c == only), "{package} would compile {only}");
        }
    }
    // And the check itself sees them where they are.
    let notes = tree("notes", &[]);
    assert!(notes.iter().any(|c| c == "sqlx") && notes.iter().any(|c| c == "argon2"), "{notes:?}");
}
