//! The API docs over HTTP, as FastAPI serves them: the OpenAPI document, Swagger UI and
//! ReDoc, with the pages' files from the binary.
//!
//! - `config.rs`: [`DocsConfig`] (paths, and the document's `info` and `servers`) and
//!   [`OpenApiServer`].
//! - `assets.rs`: the vendored files (`runtime/assets/docs-ui/`, see
//!   `scripts/vendor-docs-ui`), their validators, and conditional answers (`ETag`, `304`).
//! - `pages.rs`: the two HTML pages, with relative URLs and escaping.
//!
//! [`docs_app`] is what `App::build` mounts, given the document's bytes.

mod assets;
mod config;
mod pages;

use bytes::Bytes;
use http::Method;

use crate::app::App;
use crate::request::Request;

use assets::{Asset, PAGE_CACHE_CONTROL, REDOC_ASSETS, SWAGGER_UI_ASSETS, Validator};
pub use config::{DocsConfig, OpenApiServer};

/// An app with the `GET` (and so `HEAD`) routes of the docs `config` asks for: `document` (the
/// OpenAPI document's JSON) at its path, each page at its own, and each page's files under
/// it. Each answers with a strong `ETag` and `304 Not Modified` to a matching
/// `If-None-Match`; the files are cached for a week (the pages ask for them with their ETag
/// in the query, so a new version is fetched at once), the document and pages revalidated.
///
/// Nothing is served when the document is turned off. An invalid path makes
/// [`App::build`] fail, naming it; so does a path taken twice, or by a route of the app.
pub(crate) fn docs_app(config: &DocsConfig, document: Bytes) -> App {
    let Some(openapi) = config.openapi_path() else {
        return App::new();
    };
    let pages = [
        (Some(openapi), "OpenAPI document"),
        (config.swagger_ui_path(), "Swagger UI"),
        (config.redoc_path(), "ReDoc"),
    ];
    let mut app = App::new();
    let mut valid = true;
    for (path, what) in pages {
        if let Some(path) = path
            && let Err(why) = config::check_path(path)
        {
            app = app.with_error(format!(
                "DocsConfig: the {what} path `{path}` is not a plain path: {why}"
            ));
            valid = false;
        }
    }
    if !valid {
        return app;
    }

    app =
        generated(app, openapi, "application/json", document, "DocsConfig's OpenAPI document path");
    if let Some(page) = config.swagger_ui_path() {
        let files = pages::SwaggerUiFiles {
            bundle: versioned(page, &assets::SWAGGER_UI_BUNDLE),
            css: versioned(page, &assets::SWAGGER_UI_CSS),
            favicon: versioned(page, &assets::SWAGGER_UI_FAVICON),
            // The URL an OAuth2 server sends the browser back to: the same whatever version.
            oauth2_redirect: pages::relative(page, &under(page, assets::OAUTH2_REDIRECT_HTML.name)),
        };
        let html = pages::swagger_ui(config.title(), page, openapi, &files);
        app = generated(app, page, HTML, html.into(), "DocsConfig's Swagger UI path");
        for &asset in &SWAGGER_UI_ASSETS {
            app = file_route(app, page, asset, "DocsConfig's Swagger UI files");
        }
    }
    if let Some(page) = config.redoc_path() {
        let script = versioned(page, &assets::REDOC_STANDALONE);
        let html = pages::redoc(config.title(), page, openapi, &script);
        app = generated(app, page, HTML, html.into(), "DocsConfig's ReDoc path");
        for &asset in &REDOC_ASSETS {
            app = file_route(app, page, asset, "DocsConfig's ReDoc files");
        }
    }
    app
}

const HTML: &str = "text/html; charset=utf-8";

/// The path of a page's file.
fn under(page: &str, name: &str) -> String {
    match page {
        "/" => format!("/{name}"),
        page => format!("{page}/{name}"),
    }
}

/// The URL of a page's file, relative to the page, with its version (its ETag's digits) in
/// the query: a browser that cached another version fetches this one at once.
fn versioned(page: &str, asset: &'static Asset) -> String {
    let url = pages::relative(page, &under(page, asset.name));
    format!("{url}?v={}", asset.validator().digits())
}

/// A route answering `body`, made by the app (the document, a page), revalidated each time.
fn generated(app: App, path: &str, content_type: &'static str, body: Bytes, location: &str) -> App {
    let validator = Validator::of(&body);
    app.route_at(
        Method::GET,
        path,
        move |request: Request| {
            let response = assets::answer(
                request.headers(),
                content_type,
                body.clone(),
                &validator,
                PAGE_CACHE_CONTROL,
            );
            std::future::ready(response)
        },
        location,
    )
}

/// A route answering a vendored file under its page.
fn file_route(app: App, page: &str, asset: &'static Asset, location: &str) -> App {
    app.route_at(
        Method::GET,
        &under(page, asset.name),
        move |request: Request| std::future::ready(asset.answer(request.headers())),
        location,
    )
}
