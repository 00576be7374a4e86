//! A program that serves HTTP, run as a child process: started with the environment a test
//! gives it, its address read from the `listening on http://ADDR` line it prints, stopped
//! with `SIGTERM` as a terminal's Ctrl-C or a service manager would stop it. Used by the
//! tests of the `examples/` programs, which start each one as a user would.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What a program prints, once bound, before the URL it serves.
pub const LISTENING: &str = "listening on ";

/// A running program, killed when dropped.
#[derive(Debug)]
pub struct Program {
    child: Option<Child>,
    url: String,
    what: String,
    /// Everything the program wrote to stderr (its logs; `cargo`'s progress for `cargo
    /// run`), for failure messages.
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<JoinHandle<()>>,
    /// The lines it printed to stdout after the `listening on` line.
    stdout: Receiver<String>,
}

impl Program {
    /// Starts `command` (its stdout and stderr piped) and waits up to `patience` for its
    /// `listening on http://ADDR` line.
    ///
    /// # Panics
    ///
    /// When the command cannot be started, or exits or stays silent for `patience` before
    /// saying where it listens, with what it wrote to stderr.
    pub fn start(mut command: Command, patience: Duration) -> Self {
        let what = describe(&command);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{what}`: {e}"));
        let stderr = Arc::new(Mutex::new(String::new()));
        let stderr_reader = child.stderr.take().map(|mut pipe| {
            let stderr = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buf = [0; 4096];
                while let Ok(n @ 1..) = pipe.read(&mut buf) {
                    let text = String::from_utf8_lossy(&buf[..n]);
                    stderr
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push_str(&text);
                }
            })
        });
        let stdout = lines(child.stdout.take().expect("stdout is piped"));
        let mut program =
            Self { child: Some(child), url: String::new(), what, stderr, stderr_reader, stdout };
        let deadline = Instant::now() + patience;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match program.stdout.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix(LISTENING) {
                        program.url = url.trim().trim_end_matches('/').to_owned();
                        return program;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "`{}` did not print `{LISTENING}...` within {patience:?}; its stderr:\n{}",
                        program.what,
                        program.stderr()
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = program.child.as_mut().and_then(|c| c.wait().ok());
                    program.join_stderr();
                    panic!(
                        "`{}` ended ({status:?}) before it printed `{LISTENING}...`; its stderr:\n{}",
                        program.what,
                        program.stderr()
                    )
                }
            }
        }
    }

    /// The URL it printed, without a trailing slash: `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.url
    }

    /// The URL of `path` (which starts with `/`) on it.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Sends it `SIGTERM` and waits up to `patience` for it to exit; returns its exit status
    /// and everything it wrote to stderr.
    ///
    /// # Panics
    ///
    /// When `kill` fails, or the program is still running after `patience` (it is then
    /// killed).
    pub fn terminate(mut self, patience: Duration) -> (ExitStatus, String) {
        let mut child = self.child.take().expect("a running program");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap_or_else(|e| panic!("cannot run `kill`: {e}"));
        assert!(status.success(), "`kill -TERM` failed for `{}`", self.what);
        let deadline = Instant::now() + patience;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(None) | Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "`{}` still ran {patience:?} after SIGTERM; its stderr:\n{}",
                        self.what,
                        self.stderr()
                    );
                }
            }
        };
        self.join_stderr();
        (status, self.stderr())
    }

    /// Sends it `SIGTERM` and checks that it exits with status 0 within 10 seconds; returns
    /// what it wrote to stderr.
    ///
    /// # Panics
    ///
    /// When it does not.
    pub fn stop(self) -> String {
        let what = self.what.clone();
        let (status, stderr) = self.terminate(Duration::from_secs(10));
        assert!(
            status.success(),
            "`{what}` exited with {status} after SIGTERM; its stderr:\n{stderr}"
        );
        stderr
    }

    fn join_stderr(&mut self) {
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The lines of `stdout`, as a thread reads them.
fn lines(stdout: ChildStdout) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// `ENV=value program args`, for messages.
fn describe(command: &Command) -> String {
    let mut words: Vec<String> = command
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())))
        .collect();
    words.push(command.get_program().to_string_lossy().into_owned());
    words.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}
