//! cookie-route, the layer-state scenario: a declared route that takes the app's state as
//! `State<Greeting>`, in an app wrapped in tower-http's `SetResponseHeaderLayer`.
//! `bench-ours-layer-state PORT` (or env `PORT`).

use cookie_route::State;
use cookie_route::http::{HeaderValue, header::X_CONTENT_TYPE_OPTIONS};
use cookie_route::prelude::*;
use tower_http::set_header::SetResponseHeaderLayer;

/// The app's configuration, registered once with `App::state`.
struct Greeting {
    text: &'static str,
}

#[cookie_route(GET "/state")]
async fn greet(greeting: State<Greeting>) -> &'static str {
    greeting.text
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[tokio::main]
async fn main() -> Result<(), cookie_route::StartError> {
    App::declared()
        .state(Greeting { text: "Hello, State!" })
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .serve(format!("127.0.0.1:{}", port()))
        .await
}
