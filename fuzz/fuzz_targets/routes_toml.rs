//! Arbitrary text (the input bytes, lossily decoded as UTF-8) through
//! `cookie_route_codegen::check_routes_toml("routes.toml", text)`, the parser and validator
//! behind `routes!("routes.toml")`.
//!
//! Never panics; every error names the file and a place in it (`routes.toml:`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(errors) = cookie_route_codegen::check_routes_toml("routes.toml", &text) {
        assert!(!errors.is_empty(), "an error result with no error");
        for error in &errors {
            assert!(error.contains("routes.toml:"), "an error without its place: {error:?}");
        }
    }
});
