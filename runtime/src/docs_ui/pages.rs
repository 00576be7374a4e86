//! The two pages, as FastAPI's `get_swagger_ui_html` and `get_redoc_html` make them, but with
//! every URL relative to the page and to files of the app: nothing from a CDN, no Google
//! Fonts, no online validator. Relative URLs keep working when a proxy serves the app under a
//! prefix (`/api/docs` reaching the app as `/docs`).

use std::fmt::Write as _;

/// Swagger UI's page at `page` (a path), loading the document at `openapi` (a path) and its
/// files at the URLs given (relative to the page).
pub(super) fn swagger_ui(title: &str, page: &str, openapi: &str, files: &SwaggerUiFiles) -> String {
    let title = html(&format!("{title} - Swagger UI"));
    let css = html(&files.css);
    let favicon = html(&files.favicon);
    let bundle = html(&files.bundle);
    let openapi = js_string(&relative(page, openapi));
    let oauth2_redirect = js_string(&files.oauth2_redirect);
    // FastAPI's parameters (`swagger_ui_default_parameters`), and:
    // - `withCredentials`: "Try it out" sends the browser's cookies (`credentials: "include"`
    //   rather than fetch's `same-origin`, so a server of the document's `servers` on another
    //   origin gets them too, when its CORS allows credentials); the responses' `Set-Cookie`
    //   are kept by the browser, so a login tried out is the session of the next call.
    // - `persistAuthorization`: what "Authorize" was given survives a reload.
    // - `validatorUrl: null`: no badge fetched from the online validator.
    let mut page = String::with_capacity(1024);
    let _ = write!(
        page,
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="{css}">
<link rel="icon" type="image/png" href="{favicon}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: new URL({openapi}, document.baseURI).href,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  withCredentials: true,
  persistAuthorization: true,
  validatorUrl: null,
  oauth2RedirectUrl: new URL({oauth2_redirect}, document.baseURI).href,
  presets: [SwaggerUIBundle.presets.apis],
}});
</script>
</body>
</html>
"##
    );
    page
}

/// Where Swagger UI's page finds its files, relative to it.
pub(super) struct SwaggerUiFiles {
    pub(super) bundle: String,
    pub(super) css: String,
    pub(super) favicon: String,
    pub(super) oauth2_redirect: String,
}

/// ReDoc's page at `page` (a path), loading the document at `openapi` (a path) and ReDoc's
/// script at `script` (relative to the page). ReDoc reads `spec-url` from its element.
///
/// Its policy allows images from the app and `data:`/`blob:` URLs only: ReDoc 2's menu
/// footer loads Redocly's logo from their CDN (`cdn.redoc.ly`), which the browser then
/// refuses, and ReDoc hides the image. (An `x-logo` of the document is served by the app, or
/// inlined as a `data:` URL.)
pub(super) fn redoc(title: &str, page: &str, openapi: &str, script: &str) -> String {
    let title = html(&format!("{title} - ReDoc"));
    let openapi = html(&relative(page, openapi));
    let script = html(script);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="img-src 'self' data: blob:">
<title>{title}</title>
<style>
body {{ margin: 0; padding: 0; }}
</style>
</head>
<body>
<noscript>ReDoc needs JavaScript to show the documentation; the OpenAPI document is <a href="{openapi}">here</a>.</noscript>
<redoc spec-url="{openapi}"></redoc>
<script src="{script}"></script>
</body>
</html>
"#
    )
}

/// `to` (a path) as a URL relative to a page at `from` (a path): what a browser resolves
/// against the page back to `to`, under whatever prefix the page itself was reached by.
pub(super) fn relative(from: &str, to: &str) -> String {
    let dir: Vec<&str> =
        from[..from.rfind('/').map_or(0, |i| i + 1)].split('/').filter(|s| !s.is_empty()).collect();
    let target: Vec<&str> = to.strip_prefix('/').unwrap_or(to).split('/').collect();
    // The target's last segment is its name, never a directory in common.
    let common = dir.iter().zip(&target[..target.len() - 1]).take_while(|(a, b)| a == b).count();
    let mut url = "../".repeat(dir.len() - common);
    url.push_str(&target[common..].join("/"));
    // `./` rather than an empty URL (the page itself), or a first segment with a `:` (a
    // scheme), or a path that would start with `//` (a host).
    let first = url.split('/').next().unwrap_or_default();
    if url.is_empty() || first.contains(':') || url.starts_with('/') {
        url.insert_str(0, "./");
    }
    url
}

/// `text` escaped for HTML text and double- or single-quoted attribute values.
pub(super) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as a JavaScript string literal that is safe inside an HTML `<script>`: JSON's
/// escapes, and `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes (so no `</script>` or
/// `<!--` can end or change the script).
pub(super) fn js_string(text: &str) -> String {
    let json = serde_json::to_string(text).expect("a string serializes");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_resolve_back_to_the_path() {
        let cases = [
            ("/docs", "/openapi.json", "openapi.json"),
            ("/docs", "/docs/swagger-ui.css", "docs/swagger-ui.css"),
            ("/api/docs", "/api/openapi.json", "openapi.json"),
            ("/api/docs", "/api/docs/swagger-ui.css", "docs/swagger-ui.css"),
            ("/api/docs", "/openapi.json", "../openapi.json"),
            ("/a/b/docs", "/a/x/openapi.json", "../x/openapi.json"),
            ("/docs", "/api/v1/openapi.json", "api/v1/openapi.json"),
            ("/", "/openapi.json", "openapi.json"),
            ("/", "/docs/swagger-ui.css", "docs/swagger-ui.css"),
            ("/docs", "/", "./"),
            ("/a/docs", "/a", "../a"),
            ("/docs", "/a:b/openapi.json", "./a:b/openapi.json"),
        ];
        for (from, to, want) in cases {
            assert_eq!(relative(from, to), want, "from {from} to {to}");
            // As a browser resolves it, behind a prefix too (with `url`, WHATWG's parser).
            #[cfg(feature = "test-client")]
            for prefix in ["http://h", "http://h/under/a/proxy"] {
                let page = url::Url::parse(&format!("{prefix}{from}")).unwrap();
                let resolved = page.join(want).unwrap();
                assert_eq!(resolved.as_str(), format!("{prefix}{to}"), "{from} -> {want}");
            }
        }
    }

    #[test]
    fn html_escapes_text_and_attribute_quotes() {
        assert_eq!(
            html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(html("plain é"), "plain é");
    }

    #[test]
    fn js_strings_cannot_end_the_script() {
        let s = js_string("</script><!-- \"'\\ \u{2028}\u{2029}&");
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        assert_eq!(s, r#""\u003c/script\u003e\u003c!-- \"'\\ \u2028\u2029\u0026""#,);
        // Still the same string to a JSON (so JavaScript) parser.
        let back: String = serde_json::from_str(&s).unwrap();
        assert_eq!(back, "</script><!-- \"'\\ \u{2028}\u{2029}&");
    }
}
