//! A build-script entry point for an app declared in a `routes.toml`, as `tonic-build` and
//! `prost-build` are for theirs: the file is expanded once, into `OUT_DIR`, and cargo runs
//! the expansion again only when the file changes. The crate then `include!`s the result
//! with `cookie_route::include_routes!()`, so an edit to a handler does not run the macro
//! again (`routes!` runs it on every build: a quarter of a `cargo check` of a 100-route app).
//!
//! ```no_run
//! // build.rs
//! fn main() -> std::io::Result<()> {
//!     cookie_route_build::compile("routes.toml")
//! }
//! ```
//!
//! ```ignore
//! // src/main.rs: `app()` and `mod cookies`, as `routes!("routes.toml")` would give.
//! cookie_route::include_routes!();
//! ```
//!
//! The generated code is the same as `routes!`'s. A file with errors is not a failure of the
//! build script: each error becomes a `compile_error!` of the crate, `routes.toml:LINE:COL:
//! message` with the line, as `routes!` reports it. What differs is where a type error in the
//! generated code points: into the generated file (in `OUT_DIR`) rather than at `routes!`.
//! Each generated item allows clippy's lints: clippy lints included code as the crate's own,
//! where it leaves a macro's output alone.
//!
//! The routes' part of the OpenAPI document is always written: a build script cannot see
//! which features `cookie-route` has. Without its `openapi` feature, `cookie-route` drops
//! that part unread (`operation_doc!`), so the routes' types need no `JsonSchema` either way.

use std::path::Path;

/// The file [`compile`] writes in `OUT_DIR`, which `cookie_route::include_routes!()` includes.
pub const OUTPUT: &str = "cookie_route_routes.rs";

/// Expands the routes file at `path` (inside the package's directory, as `routes!` takes it) into
/// `$OUT_DIR/cookie_route_routes.rs`, and tells cargo to run the build script again when the
/// file changes. Fails only when the file cannot be read or the output written (or when not
/// run by cargo, without `CARGO_MANIFEST_DIR` and `OUT_DIR`).
pub fn compile(path: impl AsRef<Path>) -> std::io::Result<()> {
    let relative = path.as_ref().to_string_lossy();
    let manifest_dir = env_path("CARGO_MANIFEST_DIR")?;
    let out_dir = env_path("OUT_DIR")?;
    let full = cookie_route_codegen::resolve_routes_file(&relative, &manifest_dir)
        .map_err(|message| std::io::Error::new(std::io::ErrorKind::InvalidInput, message))?;
    println!("cargo:rerun-if-changed={}", full.display());
    let text = std::fs::read_to_string(&full)
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot read `{relative}`: {e}")))?;
    let source = cookie_route_codegen::routes_source(&relative, &text, &full);
    std::fs::write(out_dir.join(OUTPUT), source)
}

fn env_path(name: &str) -> std::io::Result<std::path::PathBuf> {
    std::env::var_os(name).map(Into::into).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{name} is not set: run from a build script, by cargo"),
        )
    })
}
