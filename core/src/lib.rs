//! The grammar that cookie-route's compile-time checks and its runtime share.
//!
//! The `cookie-route-macros` crate validates declarations with these functions while
//! `cargo build` runs, and the `cookie-route` runtime validates what handlers do with the
//! very same functions, so a rule is written once. This crate has no dependencies and no
//! public API promise of its own: use it through `cookie-route`.

pub mod cookie;
pub mod duration;
pub mod path;
