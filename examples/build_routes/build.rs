//! Expands `routes.toml` into `OUT_DIR` once; cargo runs this again only when the file
//! changes, and `src/main.rs` includes the result with `cookie_route::include_routes!()`.

fn main() -> std::io::Result<()> {
    cookie_route_build::compile("routes.toml")
}
