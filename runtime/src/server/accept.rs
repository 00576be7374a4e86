//! The accept loop: a connection is accepted once a slot under `max_connections` is free, and
//! served by a task of its own beside its watchdog's; at shutdown, the loop stops and waits
//! for the connections to finish.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::sync::Semaphore;

use super::Server;
use super::connection::{self, ConnService, TrackedIo, serve_connection};
use super::watchdog::{Activity, watchdog};
use crate::error::StartError;

impl Server {
    /// Serves until the shutdown signal, if any.
    pub async fn run(self) -> Result<(), StartError> {
        let Self { service, listener, shutdown } = self;
        let limits = service.limits().clone();
        let builder = Arc::new(connection::builder(&limits));
        // Each connection's watchdog holds a receiver while its connection lives: the shutdown
        // signals them all, then waits until none is left.
        let (closing, _) = tokio::sync::watch::channel(());
        let permits = Arc::new(Semaphore::new(limits.max_connections));
        let mut shutdown = shutdown.unwrap_or_else(|| Box::pin(std::future::pending()));
        loop {
            let permit = tokio::select! {
                permit = permits.clone().acquire_owned() => match permit {
                    Ok(p) => p,
                    Err(_) => break,
                },
                () = &mut shutdown => break,
            };
            let (stream, remote) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(error) => {
                        // Out of file descriptors, or a connection reset before accept:
                        // wait a moment rather than spin, and keep serving.
                        tracing::warn!(%error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let activity = Arc::new(Activity::default());
            let io = TokioIo::new(TrackedIo {
                inner: stream,
                activity: activity.clone(),
                joined: Vec::new(),
            });
            let conn_service =
                ConnService { app: service.clone(), remote, activity: activity.clone() };
            let conn = connection::connection(&builder, io, conn_service);
            let connection = tokio::spawn(serve_connection(conn, activity.clone(), remote, permit));
            // The watchdog is a task of its own rather than a branch of the connection's: the
            // connection's task then polls nothing but the connection on each wake-up.
            tokio::spawn(watchdog(
                connection,
                activity,
                remote,
                limits.idle_timeout,
                limits.header_read_timeout,
                closing.subscribe(),
            ));
        }
        drop(listener);
        closing.send_replace(());
        tokio::select! {
            () = closing.closed() => {}
            () = tokio::time::sleep(limits.shutdown_timeout) => {
                tracing::warn!("shutdown timeout: closing connections with requests still in flight");
            }
        }
        Ok(())
    }
}
