//! The notes binary as a process for the tests: started on a free port of 127.0.0.1 with a
//! database file in a directory of the test's own, its logs kept, stopped with SIGTERM; and
//! a browser for it (`TestClient::http`: a cookie jar, real HTTP).

// Each test file uses a part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Duration;

use cookie_route::{TestClient, TestResponse};
use serde_json::Value;

/// The secret every instance of a test is given, so that they read each other's sessions.
pub(crate) const SECRET: &str = "the notes tests' secret, 32 bytes or more, not for production";

/// A directory of the test's own, removed when dropped: the SQLite file lives in it.
#[derive(Debug)]
pub(crate) struct Scratch(PathBuf);

impl Scratch {
    pub(crate) fn new() -> Self {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "notes-test-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Self(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// `sqlite://DIR/notes.db`.
    pub(crate) fn database_url(&self) -> String {
        format!("sqlite://{}", self.0.join("notes.db").display())
    }

    /// The bytes of every file of the database (`notes.db`, its `-wal` and `-shm`).
    pub(crate) fn database_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(&self.0).expect("the scratch directory") {
            let path = entry.expect("an entry").path();
            if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("notes.db")) {
                bytes.extend(std::fs::read(&path).expect("a database file"));
            }
        }
        bytes
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One running notes process.
#[derive(Debug)]
pub(crate) struct Notes {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    logs: Arc<Mutex<String>>,
}

impl Notes {
    /// Starts the binary with the database in `scratch`, the tests' secret, and `vars`.
    ///
    /// # Panics
    ///
    /// When it does not say where it serves within 20 seconds (with what it logged).
    pub(crate) fn start(scratch: &Scratch, vars: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_notes"));
        command
            .current_dir(scratch.path())
            .env_remove("COOKIE_ROUTE_SESSION_STORE")
            .env_remove("COOKIE_ROUTE_SECRET_KEY_FALLBACKS")
            .env("HOST", "127.0.0.1")
            .env("PORT", "0")
            .env("DATABASE_URL", scratch.database_url())
            .env("COOKIE_ROUTE_SECRET_KEY", SECRET)
            .env("RUST_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in vars {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the notes binary starts");
        let stderr = child.stderr.take().expect("its stderr");
        let stdout = child.stdout.take().expect("its stdout");
        let logs = Arc::new(Mutex::new(String::new()));
        let (address, listening) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("listening on ") {
                    let _ = address.send(addr.trim().to_owned());
                }
            }
        });
        let kept = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut logs = kept.lock().unwrap_or_else(PoisonError::into_inner);
                logs.push_str(&line);
                logs.push('\n');
            }
        });
        match listening.recv_timeout(Duration::from_secs(20)) {
            Ok(base) => Self { child, base, logs },
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the notes binary did not start; it logged:\n{}", text(&logs));
            }
        }
    }

    /// A new browser for this instance, with an empty cookie jar.
    pub(crate) fn browser(&self) -> TestClient {
        TestClient::http(&self.base)
    }

    /// The URL of `path` on this instance (for a browser of another one).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What it logged so far.
    pub(crate) fn logs(&self) -> String {
        text(&self.logs)
    }

    /// Stops it as a service manager does (SIGTERM), waits for it to exit, and answers what it
    /// logged.
    pub(crate) fn stop(mut self) -> String {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        for _ in 0..100 {
            if self.child.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The reader thread has the last lines once the pipe closed.
        std::thread::sleep(Duration::from_millis(100));
        text(&self.logs)
    }
}

impl Drop for Notes {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(logs: &Mutex<String>) -> String {
    logs.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// The response's JSON body.
pub(crate) fn json(response: &TestResponse) -> Value {
    serde_json::from_slice(response.bytes())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", response.text()))
}

/// The CSRF token of the first form of an HTML page.
pub(crate) fn csrf_token(page: &str) -> String {
    let start = page.find(r#"name="csrf_token" value=""#).expect("a form with a CSRF token")
        + r#"name="csrf_token" value=""#.len();
    page[start..].split('"').next().expect("the token's closing quote").to_owned()
}

/// Signs `username` up through the API with `browser`, which keeps the session cookie.
pub(crate) async fn api_sign_up(browser: &TestClient, username: &str, password: &str) {
    let response = browser
        .post("/api/signup")
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await;
    assert_eq!(response.status(), 201, "{}", response.text());
}
