//! Run with: `cargo run -p toml_routes`, then
//! `curl -i -d theme=dark http://127.0.0.1:8003/theme` or
//! `curl http://127.0.0.1:8003/api/items/1`.
//!
//! An app declared in `routes.toml`: its cookies (with their attributes and value types),
//! its routes, and a group served under `/api`. `routes!` reads the file at compile time and
//! generates `app()` and `mod cookies`; the handlers below are plain `async fn`s whose
//! arguments follow the file's declarations. `HOST` and `PORT` say where it listens
//! (default `127.0.0.1:8003`); Ctrl-C or SIGTERM stops it.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use cookie_route::{Form, StartError, shutdown_signal};

// The file's types (`Form<...>`, `crate::models::Theme`) are Rust paths, resolved here.
cookie_route::routes!("routes.toml");

mod models {
    use cookie_route::prelude::*;

    /// A colour theme, as the `theme` cookie and the form carry it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub(crate) enum Theme {
        Light,
        Dark,
    }

    impl std::str::FromStr for Theme {
        type Err = String;

        fn from_str(s: &str) -> Result<Self, String> {
            match s {
                "light" => Ok(Self::Light),
                "dark" => Ok(Self::Dark),
                _ => Err(format!("`{s}` is not a theme (light, dark)")),
            }
        }
    }

    impl std::fmt::Display for Theme {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(match self {
                Self::Light => "light",
                Self::Dark => "dark",
            })
        }
    }

    /// The form that `POST /theme` takes.
    #[derive(Debug, Deserialize)]
    pub(crate) struct ThemeChoice {
        pub(crate) theme: Theme,
    }

    /// What `GET /` answers.
    #[derive(Debug, Serialize)]
    pub(crate) struct Home {
        pub(crate) theme: Theme,
        pub(crate) last_item: Option<u32>,
    }

    /// An item as the shop keeps it.
    #[derive(Debug, Serialize)]
    pub(crate) struct Item {
        pub(crate) id: u32,
        pub(crate) name: &'static str,
        pub(crate) price: f64,
        /// What it cost us: never sent.
        pub(crate) cost: f64,
    }

    /// An item as clients see it: `read_item`'s response model.
    #[derive(Debug, Serialize, ResponseModel)]
    pub(crate) struct ItemOut {
        id: u32,
        name: String,
        price: f64,
    }
}

mod handlers {
    use cookie_route::prelude::*;

    use crate::cookies;
    use crate::models::{Home, Item, Theme, ThemeChoice};

    /// `cookies = ["theme", "last_item"]`: each declared cookie, as an `Option` of its type.
    pub(crate) async fn home(theme: Option<Theme>, last_item: Option<u32>) -> Json<Home> {
        Json(Home { theme: theme.unwrap_or(Theme::Light), last_item })
    }

    /// `body = "Form<...>"`, `response = true` and `sets = ["theme"]`.
    pub(crate) async fn set_theme(
        choice: Form<ThemeChoice>,
        response: &mut Response,
    ) -> Result<String, Error> {
        cookies::theme::set(response, choice.theme)?;
        Ok(format!("theme set to {}", choice.theme))
    }

    /// Deletes the cookie with its declared attributes, so that browsers really forget it.
    pub(crate) async fn forget_theme(response: &mut Response) -> Result<&'static str, Error> {
        cookies::theme::delete(response)?;
        Ok("theme forgotten")
    }

    const ITEMS: [Item; 2] = [
        Item { id: 1, name: "Teapot", price: 25.0, cost: 9.5 },
        Item { id: 2, name: "Cup", price: 6.5, cost: 1.2 },
    ];

    /// `params = { item_id = "u32" }`: `/api/items/one` is a 422 before this runs.
    pub(crate) async fn read_item(
        item_id: u32,
        response: &mut Response,
    ) -> Result<Json<&'static Item>, Error> {
        let item = ITEMS.iter().find(|item| item.id == item_id).ok_or_else(Error::not_found)?;
        cookies::last_item::set(response, item_id)?;
        Ok(Json(item))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), StartError> {
    // Ctrl-C and SIGTERM stop it gracefully from the moment it says where it listens.
    let server = app().bind(address(8003)?).await?.with_graceful_shutdown(shutdown_signal());
    println!("listening on http://{}", server.local_addr()?);
    server.await
}

/// `HOST:PORT` from the environment, as the repository's example app reads them.
fn address(default_port: u16) -> Result<String, StartError> {
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = match std::env::var("PORT") {
        Err(_) => default_port,
        Ok(port) => port.trim().parse::<u16>().map_err(|_| {
            StartError::Config(format!("PORT must be a port number (0-65535), got `{port}`"))
        })?,
    };
    Ok(format!("{host}:{port}"))
}
