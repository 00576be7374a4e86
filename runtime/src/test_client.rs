//! A client with a browser-like cookie jar, for tests: in process, without a socket, or over
//! real HTTP to a [`TestServer`](crate::TestServer).

use std::sync::Mutex;

use bytes::Bytes;
use cookie::Cookie;
use cookie_store::CookieStore;
use http::header::{CONTENT_TYPE, COOKIE, HeaderName, HeaderValue, SET_COOKIE};
use http::{HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::app::{App, AppService};
use crate::request::RequestBody;

/// Drives an app in process, as Flask's and Starlette's test clients do, or over real HTTP.
///
/// The client keeps cookies like a browser: it stores what `Set-Cookie` says (honouring
/// `Max-Age`, `Expires`, `Path`, `Domain` and `Secure`), sends back the ones that apply to
/// each request, and forgets the ones a response removes. Requests go to
/// `http://testserver` unless [`TestClient::with_base_url`] says otherwise (use `https://` to
/// see `Secure` cookies sent back).
///
/// [`TestClient::new`] calls the app in process. [`TestServer::client`](crate::TestServer::client)
/// gives the same client over HTTP/1.1 to a server on a loopback port: requests then go over
/// a socket to the URL they name (the server's, for a path), on kept-alive connections.
///
/// ```
/// use cookie_route::{App, Cookie, Request, Response, TestClient};
///
/// async fn set(_: Request) -> Result<Response, cookie_route::Error> {
///     let mut response = Response::new();
///     response.set_cookie(Cookie::new("username", "JohnDoe"))?;
///     Ok(response)
/// }
/// async fn get(request: Request) -> String {
///     request.cookie("username").unwrap_or_default().into_owned()
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let client = TestClient::new(App::new().get("/set", set).get("/get", get));
/// client.get("/set").send().await;
/// assert_eq!(client.get("/get").send().await.text(), "JohnDoe");
/// # });
/// ```
pub struct TestClient {
    transport: Transport,
    base: Url,
    jar: Mutex<CookieStore>,
}

/// How a [`TestClient`] reaches the app.
enum Transport {
    /// The app's service, called in process.
    InProcess(AppService),
    /// An HTTP/1.1 client, which connects to the host and port each request names (boxed:
    /// it is some 300 bytes).
    Http(Box<Client<HttpConnector, Full<Bytes>>>),
}

impl std::fmt::Debug for TestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match self.transport {
            Transport::InProcess(_) => "in process",
            Transport::Http(_) => "http",
        };
        f.debug_struct("TestClient")
            .field("base", &self.base.as_str())
            .field("transport", &transport)
            .finish_non_exhaustive()
    }
}

impl TestClient {
    /// A client for `app`.
    ///
    /// # Panics
    ///
    /// When the app does not build (conflicting routes, invalid limits), with the reason:
    /// a test should fail loudly there. Use [`TestClient::from_service`] to handle it.
    pub fn new(app: App) -> Self {
        match app.build() {
            Ok(service) => Self::from_service(service),
            Err(e) => panic!("the app does not build: {e}"),
        }
    }

    /// A client for a built app.
    pub fn from_service(service: AppService) -> Self {
        let base = Url::parse("http://testserver/").expect("a valid URL");
        Self::with_parts(Transport::InProcess(service), base)
    }

    /// A client that sends its requests over HTTP/1.1 to a server that this process did not
    /// start (another program, such as an example run as a child process): a path goes to
    /// `base`, an absolute URL where it says.
    ///
    /// ```
    /// use cookie_route::{App, Request, TestClient, TestServer};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = TestServer::start(App::new().get("/", |_: Request| async { "hi" })).await;
    /// // Any server's address, say one a child process printed.
    /// let client = TestClient::http(server.base_url());
    /// assert_eq!(client.get("/").send().await.text(), "hi");
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// When `base` is not an absolute `http://` URL.
    pub fn http(base: &str) -> Self {
        let url = Url::parse(base).unwrap_or_else(|e| panic!("invalid base URL `{base}`: {e}"));
        assert_eq!(url.scheme(), "http", "TestClient::http sends plain HTTP: `{base}`");
        Self::over_http(url)
    }

    /// A client that sends its requests over HTTP/1.1, to `base` for a path (what
    /// [`TestServer::client`](crate::TestServer::client) gives).
    pub(crate) fn over_http(base: Url) -> Self {
        let mut connector = HttpConnector::new();
        // As browsers and reqwest do: no Nagle delay between a request's head and its body.
        connector.set_nodelay(true);
        let client =
            Client::builder(TokioExecutor::new()).pool_timer(TokioTimer::new()).build(connector);
        Self::with_parts(Transport::Http(Box::new(client)), base)
    }

    fn with_parts(transport: Transport, base: Url) -> Self {
        Self { transport, base, jar: Mutex::new(CookieStore::default()) }
    }

    /// The same client, sending to `base` (for example `https://example.com`).
    ///
    /// In process the app answers whatever the URL; over HTTP the request goes to the host
    /// and port `base` names (plain `http://` only).
    ///
    /// # Panics
    ///
    /// When `base` is not an absolute URL.
    #[must_use]
    pub fn with_base_url(self, base: &str) -> Self {
        let base = Url::parse(base).unwrap_or_else(|e| panic!("invalid base URL `{base}`: {e}"));
        Self { base, ..self }
    }

    fn jar(&self) -> std::sync::MutexGuard<'_, CookieStore> {
        self.jar.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A request with `method` to `path` (which may carry a query), or to an absolute URL.
    pub fn request(&self, method: Method, path: &str) -> TestRequest<'_> {
        TestRequest {
            client: self,
            method,
            path: path.to_owned(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            extra_cookies: Vec::new(),
        }
    }

    /// A `GET` request.
    pub fn get(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::GET, path)
    }

    /// A `HEAD` request.
    pub fn head(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::HEAD, path)
    }

    /// A `POST` request.
    pub fn post(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::POST, path)
    }

    /// A `PUT` request.
    pub fn put(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::PUT, path)
    }

    /// A `PATCH` request.
    pub fn patch(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::PATCH, path)
    }

    /// A `DELETE` request.
    pub fn delete(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::DELETE, path)
    }

    /// The value of the unexpired cookie `name` the jar would send to `/`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookie_for(name, "/")
    }

    /// Every unexpired cookie the jar would send to `/`, as `(name, value)` pairs.
    ///
    /// ```
    /// use cookie_route::{App, Cookie, Request, Response, TestClient};
    ///
    /// async fn set(_: Request) -> Result<Response, cookie_route::Error> {
    ///     let mut response = Response::new();
    ///     response.set_cookie(Cookie::new("theme", "dark"))?;
    ///     Ok(response)
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let client = TestClient::new(App::new().get("/set", set));
    /// assert!(client.cookies().is_empty());
    /// client.get("/set").send().await;
    /// assert_eq!(client.cookies(), [("theme".to_owned(), "dark".to_owned())]);
    /// # });
    /// ```
    pub fn cookies(&self) -> Vec<(String, String)> {
        let Ok(url) = self.base.join("/") else { return Vec::new() };
        let jar = self.jar();
        jar.get_request_values(&url).map(|(n, v)| (n.to_owned(), v.to_owned())).collect()
    }

    /// The value of the unexpired cookie `name` the jar would send to `path`.
    pub fn cookie_for(&self, name: &str, path: &str) -> Option<String> {
        let url = self.base.join(path).ok()?;
        let jar = self.jar();
        jar.get_request_values(&url).find(|(n, _)| *n == name).map(|(_, v)| v.to_owned())
    }

    /// Puts a cookie into the jar, as if the server had set it for the whole site.
    pub fn set_cookie(&self, name: &str, value: &str) {
        let cookie = Cookie::build((name.to_owned(), value.to_owned())).path("/").build();
        // A refused cookie (an invalid name, say) is not stored, as a browser would not.
        let _ = self.jar().insert_raw(&cookie, &self.base);
    }

    /// Empties the jar.
    pub fn clear_cookies(&self) {
        self.jar().clear();
    }
}

/// A request being built by a [`TestClient`].
#[derive(Debug)]
pub struct TestRequest<'c> {
    client: &'c TestClient,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Bytes,
    extra_cookies: Vec<(String, String)>,
}

impl TestRequest<'_> {
    /// Adds a header.
    ///
    /// # Panics
    ///
    /// When the name or value is not a valid header: a test's own mistake.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|e| panic!("invalid header name `{name}`: {e}"));
        let value =
            HeaderValue::try_from(value).unwrap_or_else(|e| panic!("invalid header value: {e}"));
        self.headers.append(name, value);
        self
    }

    /// Sends `cookie=value` with this request only, besides the jar's cookies.
    #[must_use]
    pub fn cookie(mut self, name: &str, value: &str) -> Self {
        self.extra_cookies.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A body, as it is.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// A JSON body, with `Content-Type: application/json`.
    ///
    /// # Panics
    ///
    /// When `value` cannot be serialized.
    #[must_use]
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.body = serde_json::to_vec(value).expect("a serializable test body").into();
        self.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self
    }

    /// A form body, with `Content-Type: application/x-www-form-urlencoded`.
    ///
    /// # Panics
    ///
    /// When `value` cannot be encoded as a form.
    #[must_use]
    pub fn form<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.body = serde_urlencoded::to_string(value).expect("a form-encodable test body").into();
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        self
    }

    /// Sends the request through the app (or over HTTP, for a client of a
    /// [`TestServer`](crate::TestServer)) and stores the cookies the response sets.
    ///
    /// # Panics
    ///
    /// When the path does not form a valid URL with the client's base; over HTTP, when the
    /// request fails (the server is not there, or closed the connection without an answer),
    /// with the reason.
    pub async fn send(self) -> TestResponse {
        let client = self.client;
        let url = client
            .base
            .join(&self.path)
            .unwrap_or_else(|e| panic!("invalid path `{}`: {e}", self.path));
        let mut cookies: Vec<String> = {
            let jar = client.jar();
            jar.get_request_values(&url).map(|(n, v)| format!("{n}={v}")).collect()
        };
        cookies.extend(self.extra_cookies.iter().map(|(n, v)| format!("{n}={v}")));
        let cookies = match HeaderValue::from_str(&cookies.join("; ")) {
            Ok(v) if !cookies.is_empty() => Some(v),
            _ => None,
        };
        let (parts, body) = match &client.transport {
            Transport::InProcess(service) => {
                let target = match url.query() {
                    Some(q) => format!("{}?{q}", url.path()),
                    None => url.path().to_owned(),
                };
                let mut request = http::Request::builder()
                    .method(self.method)
                    .uri(target)
                    .body(if self.body.is_empty() {
                        RequestBody::Empty
                    } else {
                        RequestBody::Full(self.body)
                    })
                    .expect("a valid request");
                *request.headers_mut() = self.headers;
                if let Some(Ok(host)) = url.host_str().map(HeaderValue::from_str) {
                    request.headers_mut().insert(http::header::HOST, host);
                }
                if let Some(cookies) = cookies {
                    // Appended: `Cookie` headers the test gave explicitly are sent too.
                    request.headers_mut().append(COOKIE, cookies);
                }
                let response = match service.call_in_process(request).await {
                    Ok(r) => r,
                    Err(never) => match never {},
                };
                let (parts, body) = response.into_parts();
                let body = body
                    .collect()
                    .await
                    .unwrap_or_else(|e| panic!("the response body failed: {e}"));
                (parts, body)
            }
            Transport::Http(http) => {
                let mut request = http::Request::builder()
                    .method(self.method)
                    .uri(url.as_str())
                    .body(Full::new(self.body))
                    .unwrap_or_else(|e| panic!("`{url}` is not a URL to send a request to: {e}"));
                // The `Host` header (with the port) is the HTTP client's to add.
                *request.headers_mut() = self.headers;
                if let Some(cookies) = cookies {
                    request.headers_mut().append(COOKIE, cookies);
                }
                let response = http
                    .request(request)
                    .await
                    .unwrap_or_else(|e| panic!("the request to {url} failed: {}", causes(&e)));
                let (parts, body) = response.into_parts();
                let body = body.collect().await.unwrap_or_else(|e| {
                    panic!("the response body from {url} failed: {}", causes(&e))
                });
                (parts, body.to_bytes())
            }
        };
        let set: Vec<Cookie<'static>> = parts
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| Cookie::parse(v.to_owned()).ok())
            .collect();
        client.jar().store_response_cookies(set.into_iter(), &url);
        TestResponse { status: parts.status, headers: parts.headers, body }
    }
}

/// An error and its causes, on one line.
fn causes(error: &dyn std::error::Error) -> String {
    let mut all = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        all.push_str(": ");
        all.push_str(&cause.to_string());
        source = cause.source();
    }
    all
}

/// A response a [`TestClient`] received, body and all.
#[derive(Debug)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl TestResponse {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// When the body is not JSON of type `T`, with the body in the message.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the body is not the expected JSON ({e}): {}", self.text()))
    }

    /// Every cookie the response set, parsed.
    pub fn set_cookies(&self) -> Vec<Cookie<'static>> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| Cookie::parse(v.to_owned()).ok())
            .collect()
    }

    /// The cookie `name` the response set, parsed.
    pub fn set_cookie(&self, name: &str) -> Option<Cookie<'static>> {
        self.set_cookies().into_iter().find(|c| c.name() == name)
    }
}
