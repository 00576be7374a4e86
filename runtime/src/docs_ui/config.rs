//! What the API docs say about the API and where they are served: [`DocsConfig`].

use serde::Serialize;

/// The API docs, as FastAPI serves them: the OpenAPI document at `/openapi.json`, Swagger UI
/// at `/docs` and ReDoc at `/redoc`, and what the document says about the API (its `info`:
/// title, version, description; its `servers`). Given to [`App::docs`](crate::App::docs).
///
/// Each path can be changed, each page turned off, or everything with
/// [`without_openapi`](Self::without_openapi) (as FastAPI's `openapi_url=None`: the pages
/// need the document). The pages' scripts and styles are served from the binary, under each
/// page's path (`/docs/swagger-ui-bundle.js`): the pages load nothing from elsewhere.
///
/// ```
/// use cookie_route::{DocsConfig, OpenApiServer};
///
/// let docs = DocsConfig::new()
///     .with_title("Items API")
///     .with_version("2.1.0")
///     .with_description("Items, and the cookies that remember them.")
///     .with_server("https://api.example.com")
///     .with_server(OpenApiServer::new("http://localhost:8000").with_description("local"))
///     .with_swagger_ui_path("/api/docs")
///     .without_redoc();
/// assert_eq!(docs.openapi_path(), Some("/openapi.json"));
/// assert_eq!(docs.swagger_ui_path(), Some("/api/docs"));
/// assert_eq!(docs.redoc_path(), None);
/// assert_eq!(docs.servers()[1].description(), Some("local"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsConfig {
    openapi_path: Option<String>,
    swagger_ui_path: Option<String>,
    redoc_path: Option<String>,
    title: String,
    version: String,
    description: Option<String>,
    servers: Vec<OpenApiServer>,
}

impl Default for DocsConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl DocsConfig {
    /// FastAPI's defaults: the document at `/openapi.json`, Swagger UI at `/docs`, ReDoc at
    /// `/redoc`, the title `cookie-route`, the version `0.1.0`, no description and no servers.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// let docs = DocsConfig::new();
    /// assert_eq!(docs.openapi_path(), Some("/openapi.json"));
    /// assert_eq!(docs.swagger_ui_path(), Some("/docs"));
    /// assert_eq!(docs.redoc_path(), Some("/redoc"));
    /// assert_eq!((docs.title(), docs.version()), ("cookie-route", "0.1.0"));
    /// assert_eq!(docs, DocsConfig::default());
    /// ```
    pub fn new() -> Self {
        Self {
            openapi_path: Some("/openapi.json".to_owned()),
            swagger_ui_path: Some("/docs".to_owned()),
            redoc_path: Some("/redoc".to_owned()),
            title: "cookie-route".to_owned(),
            version: "0.1.0".to_owned(),
            description: None,
            servers: Vec::new(),
        }
    }

    /// Nothing served: `DocsConfig::new().without_openapi()`. The title, version,
    /// description and servers still describe the API, for the document made in code.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// let docs = DocsConfig::disabled().with_title("Internal API");
    /// assert_eq!(docs.openapi_path(), None);
    /// assert_eq!((docs.swagger_ui_path(), docs.redoc_path()), (None, None));
    /// assert_eq!(docs.title(), "Internal API");
    /// ```
    pub fn disabled() -> Self {
        Self::new().without_openapi()
    }

    /// Serves the OpenAPI document (`application/json`) at `path` (default
    /// `/openapi.json`), which the pages load. A path is a static path such as
    /// `/api/v1/openapi.json`: it starts with `/`, has no `{parameter}`, no trailing `/`, and
    /// only characters a URL path carries as they are (letters, digits, `-._~!$&'()*+,;=:@`);
    /// another makes [`App::build`](crate::App::build) fail, as do two docs paths alike or a
    /// route of the app at one of them.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// let docs = DocsConfig::disabled().with_openapi_path("/api/v1/openapi.json");
    /// assert_eq!(docs.openapi_path(), Some("/api/v1/openapi.json"));
    /// assert_eq!(docs.swagger_ui_path(), Some("/docs"), "the pages are back with the document");
    /// ```
    #[must_use]
    pub fn with_openapi_path(mut self, path: impl Into<String>) -> Self {
        self.openapi_path = Some(path.into());
        self
    }

    /// Serves neither the document nor the pages, as FastAPI's `openapi_url=None`.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// let docs = DocsConfig::new().without_openapi();
    /// assert_eq!(docs, DocsConfig::disabled());
    /// ```
    #[must_use]
    pub fn without_openapi(mut self) -> Self {
        self.openapi_path = None;
        self
    }

    /// Serves Swagger UI at `path` (default `/docs`; a path as for
    /// [`with_openapi_path`](Self::with_openapi_path)), and its files under it
    /// (`{path}/swagger-ui-bundle.js`, `{path}/swagger-ui.css`, `{path}/favicon-32x32.png`,
    /// and `{path}/oauth2-redirect.html`, where OAuth2 logins come back).
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// let docs = DocsConfig::new().with_swagger_ui_path("/api/docs");
    /// assert_eq!(docs.swagger_ui_path(), Some("/api/docs"));
    /// ```
    #[must_use]
    pub fn with_swagger_ui_path(mut self, path: impl Into<String>) -> Self {
        self.swagger_ui_path = Some(path.into());
        self
    }

    /// Does not serve Swagger UI, as FastAPI's `docs_url=None`.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// let docs = DocsConfig::new().without_swagger_ui();
    /// assert_eq!((docs.swagger_ui_path(), docs.redoc_path()), (None, Some("/redoc")));
    /// ```
    #[must_use]
    pub fn without_swagger_ui(mut self) -> Self {
        self.swagger_ui_path = None;
        self
    }

    /// Serves ReDoc at `path` (default `/redoc`; a path as for
    /// [`with_openapi_path`](Self::with_openapi_path)), and its script under it
    /// (`{path}/redoc.standalone.js`).
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// let docs = DocsConfig::new().with_redoc_path("/api/redoc");
    /// assert_eq!(docs.redoc_path(), Some("/api/redoc"));
    /// ```
    #[must_use]
    pub fn with_redoc_path(mut self, path: impl Into<String>) -> Self {
        self.redoc_path = Some(path.into());
        self
    }

    /// Does not serve ReDoc, as FastAPI's `redoc_url=None`.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// let docs = DocsConfig::new().without_redoc();
    /// assert_eq!((docs.swagger_ui_path(), docs.redoc_path()), (Some("/docs"), None));
    /// ```
    #[must_use]
    pub fn without_redoc(mut self) -> Self {
        self.redoc_path = None;
        self
    }

    /// The API's title: the document's `info.title`, and the pages' titles
    /// (`{title} - Swagger UI`, `{title} - ReDoc`). Any text: the pages escape it.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// assert_eq!(DocsConfig::new().with_title("Items API").title(), "Items API");
    /// ```
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The API's version: the document's `info.version` (the API's, not OpenAPI's).
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// assert_eq!(DocsConfig::new().with_version("2.1.0").version(), "2.1.0");
    /// ```
    #[must_use]
    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// What the API is: the document's `info.description` (CommonMark, which both pages
    /// render).
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// let docs = DocsConfig::new().with_description("Items, **with** cookies.");
    /// assert_eq!(docs.description(), Some("Items, **with** cookies."));
    /// ```
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds a server the API is served at, to the document's `servers` (Swagger UI's server
    /// list, whose first entry "Try it out" calls). Without any, the document lists none and
    /// the pages call the server they were loaded from.
    ///
    /// ```
    /// use cookie_route::{DocsConfig, OpenApiServer};
    ///
    /// let docs = DocsConfig::new()
    ///     .with_server("https://api.example.com")
    ///     .with_server(OpenApiServer::new("/").with_description("this server"));
    /// let urls: Vec<&str> = docs.servers().iter().map(OpenApiServer::url).collect();
    /// assert_eq!(urls, ["https://api.example.com", "/"]);
    /// ```
    #[must_use]
    pub fn with_server(mut self, server: impl Into<OpenApiServer>) -> Self {
        self.servers.push(server.into());
        self
    }

    /// Where the document is served, unless nothing is.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// assert_eq!(DocsConfig::new().openapi_path(), Some("/openapi.json"));
    /// assert_eq!(DocsConfig::disabled().openapi_path(), None);
    /// ```
    pub fn openapi_path(&self) -> Option<&str> {
        self.openapi_path.as_deref()
    }

    /// Where Swagger UI is served: `None` when it is turned off, or the document is.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// assert_eq!(DocsConfig::new().swagger_ui_path(), Some("/docs"));
    /// assert_eq!(DocsConfig::disabled().swagger_ui_path(), None);
    /// ```
    pub fn swagger_ui_path(&self) -> Option<&str> {
        self.openapi_path.as_ref().and(self.swagger_ui_path.as_deref())
    }

    /// Where ReDoc is served: `None` when it is turned off, or the document is.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// assert_eq!(DocsConfig::new().redoc_path(), Some("/redoc"));
    /// assert_eq!(DocsConfig::disabled().redoc_path(), None);
    /// ```
    pub fn redoc_path(&self) -> Option<&str> {
        self.openapi_path.as_ref().and(self.redoc_path.as_deref())
    }

    /// The API's title (the document's `info.title`).
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// assert_eq!(DocsConfig::new().title(), "cookie-route");
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The API's version (the document's `info.version`).
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// assert_eq!(DocsConfig::new().version(), "0.1.0");
    /// ```
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The API's description (the document's `info.description`), if it has one.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// assert_eq!(DocsConfig::new().description(), None);
    /// ```
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The servers the API is served at (the document's `servers`), in order.
    ///
    /// ```
    /// use cookie_route::DocsConfig;
    ///
    /// assert!(DocsConfig::new().servers().is_empty());
    /// ```
    pub fn servers(&self) -> &[OpenApiServer] {
        &self.servers
    }
}

/// A server the API is served at: an OpenAPI Server Object, a URL (absolute, or relative to
/// where the document is served) and an optional description. It serializes as the document
/// writes it: `{"url": "...", "description": "..."}`.
///
/// ```
/// use cookie_route::OpenApiServer;
///
/// let server = OpenApiServer::new("https://staging.example.com").with_description("staging");
/// assert_eq!(server.url(), "https://staging.example.com");
/// assert_eq!(
///     serde_json::to_string(&server)?,
///     r#"{"url":"https://staging.example.com","description":"staging"}"#
/// );
/// let bare: OpenApiServer = "/".into();
/// assert_eq!(serde_json::to_string(&bare)?, r#"{"url":"/"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenApiServer {
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

impl OpenApiServer {
    /// A server at `url`, without a description.
    ///
    /// ```
    /// use cookie_route::OpenApiServer;
    ///
    /// assert_eq!(OpenApiServer::new("/v1").description(), None);
    /// ```
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), description: None }
    }

    /// Describes the server (CommonMark), as Swagger UI shows it beside the URL.
    ///
    /// ```
    /// use cookie_route::OpenApiServer;
    ///
    /// let server = OpenApiServer::new("/v1").with_description("version 1");
    /// assert_eq!(server.description(), Some("version 1"));
    /// ```
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The server's URL.
    ///
    /// ```
    /// use cookie_route::OpenApiServer;
    ///
    /// assert_eq!(OpenApiServer::new("/v1").url(), "/v1");
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's description, if it has one.
    ///
    /// ```
    /// use cookie_route::OpenApiServer;
    ///
    /// assert_eq!(OpenApiServer::new("/v1").with_description("v1").description(), Some("v1"));
    /// ```
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

impl From<&str> for OpenApiServer {
    fn from(url: &str) -> Self {
        Self::new(url)
    }
}

impl From<String> for OpenApiServer {
    fn from(url: String) -> Self {
        Self::new(url)
    }
}

/// Why `path` cannot be a docs path (see [`DocsConfig::with_openapi_path`]).
pub(super) fn check_path(path: &str) -> Result<(), &'static str> {
    if !path.starts_with('/') {
        return Err("it does not start with `/`");
    }
    if path.len() > 1 && path.ends_with('/') {
        return Err("it ends with `/`");
    }
    if path.contains("//") {
        return Err("it has an empty segment (`//`)");
    }
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b);
    if !path.bytes().all(plain) {
        return Err("it has a character other than letters, digits and `-._~!$&'()*+,;=:@/` (no \
             `{parameter}`, query, fragment, space or percent-encoding)");
    }
    if path.split('/').any(|segment| segment == "." || segment == "..") {
        return Err("it has a `.` or `..` segment");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_path;

    #[test]
    fn docs_paths_are_plain_static_paths() {
        for good in ["/", "/docs", "/api/v1/openapi.json", "/a-b_c.d~e/x!$&'()*+,;=:@"] {
            assert_eq!(check_path(good), Ok(()), "{good}");
        }
        for bad in [
            "", "docs", "/docs/", "//docs", "/a//b", "/{id}", "/docs?x", "/docs#x", "/a b", "/%2e",
            "/é", "/a\"b", "/a<b", "/a\\b", "/./x", "/x/..",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
