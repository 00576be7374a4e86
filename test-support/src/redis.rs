//! A Redis server for one test: a `redis-server` child on a free loopback port, killed when
//! the test ends, or the server at `COOKIE_ROUTE_TEST_REDIS_URL`. Without either the test
//! fails saying what to install: Redis tests are never skipped. Used by the runtime's store
//! and session tests and the example app's two-instance test.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const URL_VAR: &str = "COOKIE_ROUTE_TEST_REDIS_URL";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(5);

/// A Redis server for one test: a `redis-server` child killed on drop, or the server at
/// `COOKIE_ROUTE_TEST_REDIS_URL`.
#[derive(Debug)]
pub struct TestRedis {
    /// The server's URL, `redis://127.0.0.1:PORT/` (or the variable's value).
    pub url: String,
    child: Option<Child>,
}

impl TestRedis {
    /// Starts `redis-server` on a free loopback port (three tries, in case another process
    /// takes the port first), or takes the server at `COOKIE_ROUTE_TEST_REDIS_URL`.
    ///
    /// # Panics
    ///
    /// When `redis-server` is not installed (saying how to install it) or does not answer
    /// `PING` in time.
    pub fn start() -> Self {
        if let Some(url) = std::env::var(URL_VAR).ok().filter(|url| !url.is_empty()) {
            return Self { url, child: None };
        }
        // The free port may be taken between finding it and redis-server binding it: retry.
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Self::spawn(free_port()) {
                Ok(redis) => return redis,
                Err(failure) => failures.push(failure),
            }
        }
        panic!("redis-server did not start:\n{}", failures.join("\n"));
    }

    fn spawn(port: u16) -> Result<Self, String> {
        let port_arg = port.to_string();
        let temp_dir = std::env::temp_dir();
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &port_arg, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--daemonize", "no", "--loglevel", "warning"])
            .arg("--dir")
            .arg(&temp_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "redis-server is not on PATH, and the Redis session store tests need a Redis \
                 server: install it (`apt-get install redis-server`; scripts/test does so when \
                 run as root), or set {URL_VAR} to a server's URL (redis://HOST:PORT/DB)"
            ),
            Err(e) => panic!("cannot run redis-server: {e}"),
        };
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if ping(port) {
                return Ok(Self { url: format!("redis://127.0.0.1:{port}/"), child: Some(child) });
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "redis-server on port {port} exited ({status}): {}",
                    output(child)
                ));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "redis-server on port {port} did not answer PING within {STARTUP_TIMEOUT:?}: {}",
                    output(child)
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free loopback port");
    listener.local_addr().expect("the port's address").port()
}

/// Whether a Redis server answers `PING` on the loopback `port`.
fn ping(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(250)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut reply = [0; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}

fn output(child: Child) -> String {
    match child.wait_with_output() {
        Ok(out) => format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => format!("(no output: {e})"),
    }
}
