//! Log lines captured in memory, for tests that read what was logged: a writer to give a
//! `tracing_subscriber::fmt()` subscriber (`.with_writer(move || captured.clone())`), whose
//! clones share what they capture.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// What was written to it (and to its clones).
#[derive(Clone, Default, Debug)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything captured so far, as text.
    ///
    /// # Panics
    ///
    /// When what was written is not UTF-8 (a log line always is).
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
        String::from_utf8(bytes).expect("UTF-8 log lines")
    }

    /// How many lines hold `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.text().lines().filter(|line| line.contains(needle)).count()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
