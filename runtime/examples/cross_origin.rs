//! Cross-origin protection as a browser meets it: an app with a note form and a `fetch`
//! button on its own page, and a second site (another origin) with the same form and button
//! aimed at the app. `tests/browser/cross_origin.py` drives both in Chromium: from the app's
//! page the notes are saved, from the other site they are refused (403) and not saved.
//!
//! ```text
//! cargo run -p cookie-route --example cross_origin -- 127.0.0.1:8001 127.0.0.1:8002
//! python3 tests/browser/cross_origin.py http://127.0.0.1:8001 http://localhost:8002
//! ```
//!
//! The first address is the app's, the second the other site's (open it as `localhost`, so
//! that it is another site to the browser, not only another port). Each prints
//! `listening on http://ADDRESS`; Ctrl-C or SIGTERM stops both.

use std::future::IntoFuture as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use cookie_route::{App, Html, Request, shutdown_signal};

static SAVED: AtomicUsize = AtomicUsize::new(0);

/// A page with a form that posts a note to `target` and a button that `fetch`es the same
/// POST with the browser's credentials, showing the outcome in `#result`.
fn page(title: &str, target: &str) -> String {
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<form id="form" method="post" action="{target}/notes" enctype="application/x-www-form-urlencoded">
  <input name="text" value="from a form"><button id="submit" type="submit">Save</button>
</form>
<button id="fetch" type="button">Save with fetch</button>
<p id="result"></p>
<script>
document.getElementById("fetch").addEventListener("click", async () => {{
  const result = document.getElementById("result");
  try {{
    const response = await fetch("{target}/notes", {{
      method: "POST", credentials: "include", mode: "no-cors",
      headers: {{ "content-type": "application/x-www-form-urlencoded" }}, body: "text=from+fetch",
    }});
    result.textContent = "sent " + response.type + " " + response.status;
  }} catch (error) {{
    result.textContent = "failed " + error;
  }}
}});
</script>
</body></html>
"#
    )
}

async fn save(_: Request) -> &'static str {
    SAVED.fetch_add(1, Ordering::SeqCst);
    "saved"
}

async fn count(_: Request) -> String {
    SAVED.load(Ordering::SeqCst).to_string()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let app_addr = args.next().unwrap_or_else(|| "127.0.0.1:8001".to_owned());
    let other_addr = args.next().unwrap_or_else(|| "127.0.0.1:8002".to_owned());
    let app = App::new()
        .get("/", |_: Request| async { Html(page("The app", "")) })
        .post("/notes", save)
        .get("/count", count)
        .bind(app_addr.as_str())
        .await?;
    let app_url = format!("http://{}", app.local_addr()?);
    let target = app_url.clone();
    let other = App::new()
        .get("/", move |_: Request| {
            let page = page("Another site", &target);
            async move { Html(page) }
        })
        .bind(other_addr.as_str())
        .await?;
    println!("listening on {app_url}");
    println!("listening on http://{}", other.local_addr()?);
    std::io::stdout().flush()?;
    // The app stops on Ctrl-C or SIGTERM, and the other site with it.
    let app = app.with_graceful_shutdown(shutdown_signal()).into_future();
    tokio::select! {
        result = app => result?,
        result = other.into_future() => result?,
    }
    Ok(())
}
