//! Compile errors of the macros, each with the message users see.
//!
//! The expected `.stderr` files depend on the compiler's wording, so they were recorded with
//! one rustc and this test refuses to compare them with another one's output: it fails and
//! says how to re-record (`TRYBUILD=overwrite`, then review the diff).

/// The rustc the `.stderr` files were recorded with.
const RECORDED_WITH: &str = "1.95.0";

#[test]
fn ui() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = std::process::Command::new(rustc).arg("--version").output().expect("rustc runs");
    let version = String::from_utf8_lossy(&output.stdout);
    assert!(
        version.split_whitespace().nth(1) == Some(RECORDED_WITH),
        "the UI tests' .stderr files were recorded with rustc {RECORDED_WITH}, this is `{}`; \
         re-record them with `TRYBUILD=overwrite cargo test -p cookie-route-macros --test ui`, \
         review the diff, and update RECORDED_WITH",
        version.trim()
    );
    copy_toml_fixtures();
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/attr/*.rs");
    t.compile_fail("tests/ui/model/*.rs");
    t.compile_fail("tests/ui/toml/*.rs");
}

/// trybuild builds the cases in its own crate under the target directory, which is what
/// `CARGO_MANIFEST_DIR` names there: put the TOML fixtures where `routes!` will look.
fn copy_toml_fixtures() {
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir");
    let project = target.join("tests/trybuild/cookie-route-macros");
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/toml");
    let to = project.join("tests/ui/toml");
    std::fs::create_dir_all(&to).expect("creates the fixture folder");
    for entry in std::fs::read_dir(&from).expect("reads tests/ui/toml") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&path, to.join(path.file_name().expect("a name")))
                .expect("copies a fixture");
        }
    }
}
