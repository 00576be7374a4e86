//! axum 0.8, the layer-state scenario: a handler that takes the app's state with axum's
//! `State` extractor, in a router wrapped in tower-http's `SetResponseHeaderLayer`.
//! `bench-axum-layer-state PORT` (or env `PORT`).

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header::X_CONTENT_TYPE_OPTIONS};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

/// The app's configuration, shared as axum's documentation shares state: in an `Arc`.
struct Greeting {
    text: &'static str,
}

async fn greet(State(greeting): State<Arc<Greeting>>) -> &'static str {
    greeting.text
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new()
        .route("/state", get(greet))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(Arc::new(Greeting { text: "Hello, State!" }));
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{}", port())).await?;
    axum::serve(listener, app).await
}
