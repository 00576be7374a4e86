//! An in-process client with a browser-like cookie jar, for testing apps without a socket.

use std::sync::Mutex;

use bytes::Bytes;
use cookie::Cookie;
use cookie_store::CookieStore;
use http::header::{CONTENT_TYPE, COOKIE, HeaderName, HeaderValue, SET_COOKIE};
use http::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::app::{App, AppService};
use crate::request::RequestBody;

/// Drives an app in process, as Flask's and Starlette's test clients do.
///
/// The client keeps cookies like a browser: it stores what `Set-Cookie` says (honouring
/// `Max-Age`, `Expires`, `Path`, `Domain` and `Secure`), sends back the ones that apply to
/// each request, and forgets the ones a response removes. Requests go to
/// `http://testserver` unless [`TestClient::with_base_url`] says otherwise (use `https://` to
/// see `Secure` cookies sent back).
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
    service: AppService,
    base: Url,
    jar: Mutex<CookieStore>,
}

impl std::fmt::Debug for TestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestClient").field("base", &self.base.as_str()).finish_non_exhaustive()
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
        Self::with_parts(service, Url::parse("http://testserver/").expect("a valid URL"))
    }

    fn with_parts(service: AppService, base: Url) -> Self {
        Self { service, base, jar: Mutex::new(CookieStore::default()) }
    }

    /// The same client, sending to `base` (for example `https://example.com`).
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

    /// A request with `method` to `path` (which may carry a query).
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

    /// Sends the request through the app and stores the cookies the response sets.
    ///
    /// # Panics
    ///
    /// When the path does not form a valid URL with the client's base.
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
        if let Ok(v) = HeaderValue::from_str(&cookies.join("; "))
            && !cookies.is_empty()
        {
            // Appended: `Cookie` headers the test gave explicitly are sent too.
            request.headers_mut().append(COOKIE, v);
        }
        let response = match client.service.dispatch(request, None).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap_or_else(|e| panic!("the response body failed: {e}"));
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
