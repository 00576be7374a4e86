//! What every request of an app can reach: its keys, session settings, body limits, state
//! and error handlers.

use std::time::Duration;

use crate::error::Error;
use crate::keys::Keys;
use crate::raised::ErrorHandlers;
use crate::session::SessionConfig;
use crate::state::StateMap;

/// The app-wide part of every request, built once by `App::build`.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) keys: Option<Keys>,
    pub(crate) sessions: Option<SessionConfig>,
    pub(crate) body_limits: BodyLimits,
    pub(crate) state: StateMap,
    /// The app's error handlers (`App::on_error`).
    pub(crate) errors: ErrorHandlers,
}

/// How much body a request may carry and how long the client may take to send it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimits {
    pub(crate) max_bytes: usize,
    pub(crate) read_timeout: Duration,
}

impl Shared {
    /// The keys and session settings, which every session needs.
    pub(crate) fn session_setup(&self) -> Result<(&Keys, &SessionConfig), Error> {
        // `App::build` refuses sessions without keys; a handler that takes the session in an
        // app without sessions is a mistake of the program: a logged 500.
        let config = self
            .sessions
            .as_ref()
            .ok_or_else(|| Error::other("sessions are not configured: call App::sessions"))?;
        let keys =
            self.keys.as_ref().ok_or_else(|| Error::other("sessions need keys: call App::keys"))?;
        Ok((keys, config))
    }
}
