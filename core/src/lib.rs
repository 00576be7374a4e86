//! The grammar that cookie-route's compile-time checks and its runtime share.
//!
//! The `cookie-route-macros` crate validates declarations with these functions while
//! `cargo build` runs, and the `cookie-route` runtime validates what handlers do with the
//! very same functions, so a rule is written once; the runtime's route table matches request
//! paths with [`path::tree`], the matching half of the pattern grammar. The one dependency is
//! `rustc-hash`, for that tree's hash maps. This crate has no public API promise of its own:
//! use it through `cookie-route`.

pub mod cookie;
pub mod duration;
pub mod path;
