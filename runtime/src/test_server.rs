//! An app served on a free loopback port, for tests over real HTTP.

use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

use crate::app::{App, AppService};
use crate::error::StartError;
use crate::server::Server;
use crate::test_client::TestClient;

/// Serves an app on `127.0.0.1` on a free port, in a task of its own, until dropped.
///
/// It is the app as [`App::serve`] runs it (HTTP/1.1 and HTTP/2, the [`Limits`], the
/// graceful shutdown), for what needs a socket: a real client, raw bytes, the connection
/// limits and timeouts. [`TestServer::client`] gives a [`TestClient`] that sends its
/// requests over HTTP and keeps cookies like a browser; [`TestServer::url`] gives URLs for
/// any other client. Dropping the server asks it to shut down gracefully;
/// [`TestServer::stop`] does so and waits until it has.
///
/// ```
/// use cookie_route::{App, Cookie, Request, Response, TestServer};
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
/// let server = TestServer::start(App::new().get("/set", set).get("/get", get)).await;
/// let browser = server.client();
/// browser.get("/set").send().await;
/// assert_eq!(browser.get("/get").send().await.text(), "JohnDoe");
/// // Another client is another browser, with a jar of its own.
/// assert_eq!(server.client().get("/get").send().await.text(), "");
/// server.stop().await?;
/// # Ok::<(), cookie_route::StartError>(())
/// # }).unwrap();
/// ```
///
/// [`Limits`]: crate::Limits
pub struct TestServer {
    addr: SocketAddr,
    base: Url,
    shutdown: Option<oneshot::Sender<()>>,
    serving: Option<JoinHandle<Result<(), StartError>>>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl TestServer {
    /// Builds `app`, binds a free port on `127.0.0.1` with [`App::bind`] and serves the app
    /// in a task of its own.
    ///
    /// ```
    /// use cookie_route::{App, Request, TestServer};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = TestServer::start(App::new().get("/", |_: Request| async { "hi" })).await;
    /// assert!(server.local_addr().ip().is_loopback());
    /// assert_eq!(server.client().get("/").send().await.text(), "hi");
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// When the app does not build (conflicting routes, invalid limits) or no port can be
    /// bound, with the reason: a test should fail loudly there. Outside a Tokio runtime, as
    /// `tokio::spawn` does.
    pub async fn start(app: App) -> Self {
        match app.bind("127.0.0.1:0").await {
            Ok(server) => Self::serve(server),
            Err(e) => panic!("the test server does not start: {e}"),
        }
    }

    /// Serves a built app as [`TestServer::start`] does.
    ///
    /// ```
    /// use cookie_route::{App, Request, TestServer};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let service = App::new().get("/", |_: Request| async { "hi" }).build()?;
    /// let server = TestServer::start_service(service).await;
    /// assert_eq!(server.client().get("/").send().await.text(), "hi");
    /// # Ok::<(), cookie_route::StartError>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// When no port can be bound, with the reason. Outside a Tokio runtime.
    pub async fn start_service(service: AppService) -> Self {
        match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await {
            Ok(listener) => Self::serve(Server::new(service, listener)),
            Err(e) => panic!("the test server cannot bind a port on 127.0.0.1: {e}"),
        }
    }

    fn serve(server: Server) -> Self {
        let addr = server
            .local_addr()
            .unwrap_or_else(|e| panic!("the test server's socket has no address: {e}"));
        let base = Url::parse(&format!("http://{addr}/")).expect("a socket address makes a URL");
        let (shutdown, signal) = oneshot::channel::<()>();
        // A dropped sender is a signal too: a server whose `TestServer` is gone stops.
        let server = server.with_graceful_shutdown(async {
            let _ = signal.await;
        });
        let serving = tokio::spawn(server.run());
        Self { addr, base, shutdown: Some(shutdown), serving: Some(serving) }
    }

    /// The address the server listens on: `127.0.0.1` and the port it was given.
    ///
    /// ```
    /// use cookie_route::{App, TestServer};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = TestServer::start(App::new()).await;
    /// let addr = server.local_addr();
    /// assert!(addr.ip().is_loopback() && addr.port() != 0);
    /// // A socket of one's own, for bytes no client would send.
    /// let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    /// # drop(stream);
    /// # });
    /// ```
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's URL without a trailing slash: `http://127.0.0.1:PORT`.
    ///
    /// ```
    /// use cookie_route::{App, TestServer};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = TestServer::start(App::new()).await;
    /// assert_eq!(server.base_url(), format!("http://{}", server.local_addr()));
    /// # });
    /// ```
    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The URL of `path` (which may carry a query) on the server:
    /// `http://127.0.0.1:PORT/path`.
    ///
    /// ```
    /// use cookie_route::{App, TestServer};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = TestServer::start(App::new()).await;
    /// let port = server.local_addr().port();
    /// assert_eq!(server.url("/items?page=2"), format!("http://127.0.0.1:{port}/items?page=2"));
    /// assert_eq!(server.url("items"), server.url("/items"));
    /// # });
    /// ```
    pub fn url(&self, path: &str) -> String {
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("{}{slash}{path}", self.base_url())
    }

    /// A new client that sends its requests to this server over HTTP/1.1 and keeps cookies
    /// like a browser. Each client is a browser of its own: its own jar, its own
    /// connections.
    ///
    /// A path goes to this server; an absolute URL goes where it says, with the cookies the
    /// jar holds for it (so one client can visit two servers, as one browser would).
    ///
    /// ```
    /// use cookie_route::{App, Cookie, Request, Response, TestServer};
    ///
    /// async fn set(_: Request) -> Result<Response, cookie_route::Error> {
    ///     let mut response = Response::new();
    ///     response.set_cookie(Cookie::new("visited", "yes"))?;
    ///     Ok(response)
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = TestServer::start(App::new().get("/", set)).await;
    /// let browser = server.client();
    /// let response = browser.get("/").send().await;
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(browser.cookie("visited").as_deref(), Some("yes"));
    /// assert_eq!(server.client().cookie("visited"), None);
    /// # });
    /// ```
    pub fn client(&self) -> TestClient {
        TestClient::over_http(self.base.clone())
    }

    /// Shuts the server down gracefully and waits until it has: it stops accepting, lets
    /// the requests in flight finish (up to the app's shutdown timeout), closes idle
    /// connections, and returns what [`Server::run`] returned.
    ///
    /// ```
    /// use cookie_route::{App, TestServer};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let server = TestServer::start(App::new()).await;
    /// let addr = server.local_addr();
    /// server.stop().await?;
    /// assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "nothing listens any more");
    /// # Ok::<(), cookie_route::StartError>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// When the server's task panicked (with its panic), or was cancelled because its
    /// runtime is shutting down.
    pub async fn stop(mut self) -> Result<(), StartError> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let Some(serving) = self.serving.take() else { return Ok(()) };
        match serving.await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("the test server's task did not finish: {e}"),
        }
    }
}

impl Drop for TestServer {
    /// Asks the server to shut down gracefully, without waiting for it.
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
