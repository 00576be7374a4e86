//! A Redis server for one test: a `redis-server` child on a free loopback port, killed when
//! the test ends, or the server at `COOKIE_ROUTE_TEST_REDIS_URL`. Without either the test
//! fails saying what to install: Redis tests are never skipped. Used by the runtime's store
//! and session tests and the example app's two-instance test. A child of the test's own
//! can be stopped and started again on its port, or stalled (`SIGSTOP`) and resumed, for the
//! tests of what an app does while its store is unreachable.

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
    /// The child's port.
    port: u16,
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
            return Self { url, child: None, port: 0 };
        }
        Self::start_own()
    }

    /// Starts `redis-server` on a free loopback port even when `COOKIE_ROUTE_TEST_REDIS_URL`
    /// is set: for tests that stop or stall the server, which they must not do to a shared
    /// one.
    ///
    /// # Panics
    ///
    /// As [`TestRedis::start`].
    pub fn start_own() -> Self {
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

    /// The process id of the server, when it is a child of the test's own.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills the server (`SIGKILL`): connections are reset, and the port refuses new ones.
    ///
    /// # Panics
    ///
    /// When the server is not a child of the test's own ([`TestRedis::start_own`]).
    pub fn stop(&mut self) {
        let mut child = self.child.take().expect("only a redis-server of the test's own stops");
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Starts the server again on the port it had, after [`TestRedis::stop`], empty (it
    /// keeps nothing on disk). Tries for a few seconds, in case the port is not free yet.
    ///
    /// # Panics
    ///
    /// When it is running, was not a child of the test's own, or does not start.
    pub fn restart(&mut self) {
        assert!(self.child.is_none() && self.port != 0, "restart follows stop, on an own server");
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            match Self::spawn(self.port) {
                Ok(mut redis) => {
                    self.child = redis.child.take();
                    return;
                }
                Err(failure) if Instant::now() > deadline => {
                    panic!("redis-server did not start again: {failure}")
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// Stalls the server (`SIGSTOP`): connections stay open, and nothing is answered until
    /// [`TestRedis::resume`].
    ///
    /// # Panics
    ///
    /// When the server is not a running child of the test's own, or `kill` fails.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Resumes a server stalled by [`TestRedis::pause`] (`SIGCONT`).
    ///
    /// # Panics
    ///
    /// As [`TestRedis::pause`].
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let pid = self.pid().expect("only a running redis-server of the test's own is signalled");
        let status = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .unwrap_or_else(|e| panic!("cannot run kill {signal}: {e}"));
        assert!(status.success(), "kill {signal} {pid} failed: {status}");
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
                return Ok(Self {
                    url: format!("redis://127.0.0.1:{port}/"),
                    child: Some(child),
                    port,
                });
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
