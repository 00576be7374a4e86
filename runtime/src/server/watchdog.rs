//! A connection's watchdog ([`watchdog`], a task beside the connection's): what the connection
//! does, counted without reading a clock ([`Activity`]), the timeouts that close it
//! ([`Activity::watch`]), and the wake-up that tells it to shut down gracefully
//! ([`Activity::close_gracefully`]).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
use std::sync::{Arc, OnceLock};
use std::task::Waker;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// What a connection's watchdog watches: counters the connection bumps as it goes, so that
/// serving a request reads no clock. The watchdog reads the clock on its own ticks.
#[derive(Default)]
pub(super) struct Activity {
    /// Requests whose head arrived.
    started: AtomicU64,
    /// Requests whose response was made (or that were dropped).
    ended: AtomicU64,
    /// Whether the server wrote a byte since the watchdog last looked.
    pub(super) wrote: AtomicBool,
    /// Whether the connection speaks HTTP/2 (set on its first request), whose idle
    /// connections the idle timeout closes: the header read timeout is HTTP/1's.
    http2: AtomicBool,
    /// Whether the server is shutting down: the connection finishes what is in flight and
    /// closes.
    pub(super) closing: AtomicBool,
    /// The waker of the connection's task, to tell it about `closing` (checked on each poll:
    /// one load, where a shutdown channel's receiver would be polled).
    pub(super) conn_waker: OnceLock<Waker>,
}

/// Why a connection's watchdog closes it.
#[derive(Debug, PartialEq, Eq)]
enum Quiet {
    /// No request in flight and no byte written for the idle timeout.
    Idle,
    /// The next request head did not arrive within the header read timeout (slowloris).
    SlowHead,
}

/// How many times per timeout the watchdog looks: a connection is closed between one and
/// `1 + 1/WATCHES_PER_TIMEOUT` timeouts after its last activity.
const WATCHES_PER_TIMEOUT: u32 = 4;

impl Activity {
    /// A request head arrived (hyper calls the service once it has read one).
    pub(super) fn request_started(&self, version: http::Version) {
        if version == http::Version::HTTP_2 {
            self.http2.store(true, Ordering::Relaxed);
        }
        self.started.fetch_add(1, Ordering::Release);
    }

    /// A response was made: on HTTP/1 the connection waits for the next head again.
    pub(super) fn request_ended(&self) {
        self.ended.fetch_add(1, Ordering::Release);
    }

    pub(super) fn wrote(&self) {
        self.wrote.store(true, Ordering::Relaxed);
    }

    /// Asks the connection to shut down gracefully.
    fn close_gracefully(&self) {
        self.closing.store(true, Ordering::SeqCst);
        // Paired with the fence after the waker is kept: either the connection's next poll
        // sees `closing`, or its waker is here to wake it.
        fence(Ordering::SeqCst);
        if let Some(waker) = self.conn_waker.get() {
            waker.wake_by_ref();
        }
    }

    /// Resolves when the connection should be closed: no request in flight and nothing
    /// written for `idle`, or (HTTP/1) no complete request head within `head` of waiting for
    /// one. The wait for a head starts with the connection and again after each response,
    /// from the last byte written (a response still being written to a slow reader is not a
    /// wait for a head); what the client sends does not count.
    ///
    /// Each look compares the counters with the previous look's: any change is activity,
    /// dated at the look that saw it, so a connection is never closed early and at most one
    /// look interval late.
    async fn watch(&self, idle: Duration, head: Duration) -> Quiet {
        let every = (idle.min(head) / WATCHES_PER_TIMEOUT).max(Duration::from_millis(10));
        let mut since = Instant::now();
        let mut looks = tokio::time::interval_at(since + every, every);
        looks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut seen = (0, 0);
        loop {
            let now = looks.tick().await;
            // `ended` first: a request that starts between the two loads then reads as in
            // flight, never the reverse.
            let ended = self.ended.load(Ordering::Acquire);
            let started = self.started.load(Ordering::Acquire);
            let wrote = self.wrote.swap(false, Ordering::Relaxed);
            if wrote || (started, ended) != seen {
                seen = (started, ended);
                since = now;
                continue;
            }
            if started != ended {
                continue;
            }
            let quiet = now.saturating_duration_since(since);
            if quiet >= idle {
                return Quiet::Idle;
            }
            if quiet >= head && !self.http2.load(Ordering::Relaxed) {
                return Quiet::SlowHead;
            }
        }
    }
}

/// A connection's watchdog, run as a task of its own until the connection ends: closes it
/// when [`Activity::watch`] says so, and asks it to shut down gracefully once `closing`
/// changes (the server is shutting down) or its sender is dropped.
pub(super) async fn watchdog(
    connection: JoinHandle<()>,
    activity: Arc<Activity>,
    remote: SocketAddr,
    idle_timeout: Duration,
    head_timeout: Duration,
    mut closing: watch::Receiver<()>,
) {
    let close = connection.abort_handle();
    let mut connection = std::pin::pin!(connection);
    let mut watch = std::pin::pin!(activity.watch(idle_timeout, head_timeout));
    let mut asked = false;
    loop {
        tokio::select! {
            _ = &mut connection => break,
            end = &mut watch => {
                close.abort();
                match end {
                    Quiet::Idle => tracing::debug!(%remote, "closing an idle connection"),
                    Quiet::SlowHead => tracing::debug!(
                        %remote,
                        "closing a connection: read header from client timeout"
                    ),
                }
                break;
            }
            // A dropped sender (the server is gone) closes as well.
            _ = closing.changed(), if !asked => {
                asked = true;
                activity.close_gracefully();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: Duration = Duration::from_secs(8);
    const HEAD: Duration = Duration::from_secs(2);

    /// Runs the watchdog of `activity` while `meanwhile` acts on it; answers why and when
    /// (after the start) it closed, or `None` if it had not by the end of `meanwhile`.
    async fn watched(
        activity: &Activity,
        meanwhile: impl Future<Output = ()>,
    ) -> Option<(Quiet, Duration)> {
        let start = Instant::now();
        tokio::select! {
            biased;
            quiet = activity.watch(IDLE, HEAD) => Some((quiet, start.elapsed())),
            () = meanwhile => None,
        }
    }

    async fn sleep(seconds: f64) {
        tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_http1_connection_is_closed_within_a_quarter_past_the_head_timeout() {
        let activity = Activity::default();
        let (quiet, after) = watched(&activity, sleep(60.0)).await.unwrap();
        assert_eq!(quiet, Quiet::SlowHead);
        assert!(after >= HEAD && after <= HEAD + HEAD / 4, "closed after {after:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_head_wait_starts_again_after_each_response() {
        let activity = Activity::default();
        let requests = async {
            for _ in 0..5 {
                sleep(1.0).await;
                activity.request_started(http::Version::HTTP_11);
                activity.wrote();
                activity.request_ended();
            }
            sleep(60.0).await;
        };
        let (quiet, after) = watched(&activity, requests).await.unwrap();
        assert_eq!(quiet, Quiet::SlowHead);
        let since_last = after - Duration::from_secs(5);
        assert!(since_last >= HEAD && since_last <= HEAD + HEAD / 4, "closed after {after:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_in_flight_is_never_timed_out_by_the_watchdog() {
        let activity = Activity::default();
        activity.request_started(http::Version::HTTP_11);
        assert!(watched(&activity, sleep(10.0 * IDLE.as_secs_f64())).await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn writing_a_response_keeps_the_connection() {
        let activity = Activity::default();
        let writing = async {
            sleep(0.1).await;
            activity.request_started(http::Version::HTTP_11);
            activity.request_ended();
            // A long response to a slow reader: the head wait starts after its last byte.
            for _ in 0..20 {
                activity.wrote();
                sleep(1.0).await;
            }
            sleep(60.0).await;
        };
        let (quiet, after) = watched(&activity, writing).await.unwrap();
        assert_eq!(quiet, Quiet::SlowHead);
        let since_last = after - Duration::from_secs_f64(19.1);
        assert!(since_last >= HEAD && since_last <= HEAD + HEAD / 4, "closed after {after:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn an_http2_connection_is_closed_by_the_idle_timeout_only() {
        let activity = Activity::default();
        let request = async {
            sleep(1.0).await;
            activity.request_started(http::Version::HTTP_2);
            activity.request_ended();
            sleep(60.0).await;
        };
        let (quiet, after) = watched(&activity, request).await.unwrap();
        assert_eq!(quiet, Quiet::Idle);
        let since_last = after - Duration::from_secs(1);
        assert!(since_last >= IDLE && since_last <= IDLE + HEAD / 4, "closed after {after:?}");
    }
}
