//! actix-web 4, the layer-state scenario: a handler that takes the app's state as
//! `web::Data`, in an app wrapped in actix's `DefaultHeaders` middleware (actix-web is not
//! a tower service; `DefaultHeaders` adds the header when the response lacks it, which here
//! is always). `bench-actix-layer-state PORT` (or env `PORT`).

use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpServer, get, web};

/// The app's configuration.
struct Greeting {
    text: &'static str,
}

#[get("/state")]
async fn greet(greeting: web::Data<Greeting>) -> &'static str {
    greeting.text
}

fn port() -> String {
    std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()).unwrap_or_else(|| "8000".into())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    // One value for every worker, as the other peers share theirs.
    let greeting = web::Data::new(Greeting { text: "Hello, State!" });
    HttpServer::new(move || {
        App::new()
            .app_data(greeting.clone())
            .wrap(DefaultHeaders::new().add(("x-content-type-options", "nosniff")))
            .service(greet)
    })
    .bind(format!("127.0.0.1:{}", port()))?
    .run()
    .await
}
