//! `shutdown_signal()` installs its signal handlers when it is called, inside a runtime: a
//! SIGTERM that arrives before the future is first polled (a program that printed its
//! address, stopped at once) is a shutdown, not the process's death. A file of its own, since
//! it signals its own process.
#![cfg(unix)]

use std::time::Duration;

use cookie_route_test_support::PATIENCE;

#[test]
fn the_handlers_are_installed_when_it_is_called() {
    // Outside a runtime it cannot install them yet: it does not panic, and installs them at
    // its first poll.
    let later = cookie_route::shutdown_signal();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let now = cookie_route::shutdown_signal();
        // Were the handler not installed yet, SIGTERM's default would end this process.
        let status = std::process::Command::new("kill")
            .args(["-TERM", &std::process::id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        tokio::time::timeout(PATIENCE, now).await.expect("the SIGTERM sent before the first poll");
        // The one installed at its first poll, after the signal, is still waiting.
        let waiting = tokio::time::timeout(Duration::from_millis(200), later).await;
        assert!(waiting.is_err(), "a signal sent before it listened");
    });
}
