//! The page at `/`: where a newcomer who opens the address `cargo run` prints finds the
//! interactive docs and every example route, listed from the app's own OpenAPI document so
//! that the list cannot drift from the routes.

use cookie_route::prelude::*;
use serde_json::Value;

/// The page, made once at start-up.
pub(crate) struct Index(String);

impl Index {
    /// The page for the app whose OpenAPI document is `document`.
    pub(crate) fn of(document: &Value) -> Self {
        let mut rows = String::new();
        for (path, operations) in document["paths"].as_object().into_iter().flatten() {
            for (method, operation) in operations.as_object().into_iter().flatten() {
                let method = method.to_uppercase();
                let summary = operation["summary"].as_str().unwrap_or_default();
                let path_html = escape(path);
                // A GET without path parameters can be followed as it is.
                let target = if method == "GET" && !path.contains('{') {
                    format!(r#"<a href="{path_html}">{path_html}</a>"#)
                } else {
                    format!("<code>{path_html}</code>")
                };
                rows.push_str(&format!(
                    "<tr><td>{method}</td><td>{target}</td><td>{}</td></tr>\n",
                    escape(summary)
                ));
            }
        }
        Self(format!(
            r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>cookie-route example</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}}
td{{padding:.15rem .8rem .15rem 0}}code,a{{font-family:ui-monospace,monospace}}</style></head>
<body>
<h1>cookie-route example</h1>
<p>Flask's and FastAPI's cookie examples, route for route. Try them in the interactive docs:
<a href="/docs">/docs</a> (Swagger UI) or <a href="/redoc">/redoc</a> (ReDoc), or read the
document itself at <a href="/openapi.json">/openapi.json</a>.</p>
<table>
<thead><tr><th align="left">Method</th><th align="left">Path</th><th align="left">Summary</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
</body>
</html>
"#
        ))
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `/`: the page, as HTML.
#[cookie_route(GET "/", openapi = false)]
async fn index(page: State<Index>) -> Html<String> {
    Html(page.0.clone())
}
