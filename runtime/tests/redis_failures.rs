#![cfg(all(feature = "redis", feature = "test-client"))]
//! An app over real HTTP whose Redis session store fails under it: a `redis-server` of the
//! test's own is killed, stalled (`SIGSTOP`) or made to refuse writes (out of memory). The
//! routes that need the session answer 503 with `Retry-After` within the store's timeout, the
//! others answer 200, the failure is logged once for the whole spell, and once Redis is back
//! logins work again.
//!
//! Each test captures the logs of its own thread (a current-thread runtime serves the app on
//! the test's thread), so that tests running side by side do not count each other's lines.

use std::time::{Duration, Instant};

use cookie_route::prelude::*;
use cookie_route::session::RedisStore;
use cookie_route::{Keys, Session, SessionConfig, TestClient, TestResponse, TestServer};
use cookie_route_test_support::logs::Captured;
use cookie_route_test_support::redis::TestRedis;

const SECRET: &str = "a secret for the failure tests, long enough to derive keys";

/// What a failing request may take beyond the store's timeout.
const MARGIN: Duration = Duration::from_millis(750);

/// The error line that begins a spell, and the line that ends it.
const DOWN: &str = "the session store cannot be reached";
const UP: &str = "the session store is reachable again";

#[cookie_route(GET "/login")]
async fn login(#[query] user: String, session: Session) -> String {
    session.log_in(&user);
    format!("Logged in as {user}")
}

#[cookie_route(GET "/me")]
async fn me(session: Session) -> (StatusCode, String) {
    match session.user_id() {
        Some(user) => (StatusCode::OK, user),
        None => (StatusCode::UNAUTHORIZED, String::new()),
    }
}

/// A route that does not touch the session.
#[cookie_route(GET "/health")]
async fn health() -> &'static str {
    "ok"
}

/// Captures this thread's log lines of cookie-route's, at `debug`, until the guard drops.
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("cookie_route=debug"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

async fn serve(redis: &TestRedis, timeout: Duration) -> TestServer {
    let store = RedisStore::connect(&redis.url).await.expect("connects").with_timeout(timeout);
    let app = App::declared()
        .keys(Keys::from_secret(SECRET).unwrap())
        .sessions(SessionConfig::store(store));
    TestServer::start(app).await
}

/// `GET path` from `client`, and how long it took.
async fn timed_get(client: &TestClient, path: &str) -> (TestResponse, Duration) {
    let started = Instant::now();
    let res = client.get(path).send().await;
    (res, started.elapsed())
}

/// A 503 that says to retry, and says nothing of the cause.
fn assert_unavailable(res: &TestResponse, redis: &TestRedis) {
    assert_eq!(res.status(), 503, "{}", res.text());
    assert_eq!(res.header("retry-after"), Some("5"));
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "detail": "The service is temporarily unavailable: retry later" })
    );
    let body = res.text().to_lowercase();
    let port = redis.url.rsplit(':').next().unwrap().trim_end_matches('/');
    for secret in ["redis", "127.0.0.1", port, "timed", "refused", "oom", "session store"] {
        assert!(!body.contains(secret), "the 503 tells {secret}: {body}");
    }
    assert!(res.headers().get("set-cookie").is_none(), "no cookie with a 503");
}

/// Retries `GET path` until it answers 200 (Redis is back), for at most 10 seconds.
async fn until_ok(client: &TestClient, path: &str) -> TestResponse {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let res = client.get(path).send().await;
        if res.status() == 200 || Instant::now() > deadline {
            return res;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Routes without the session answer at once while the store is down.
async fn health_answers(s: &TestServer) {
    let (res, took) = timed_get(&s.client(), "/health").await;
    assert_eq!((res.status().as_u16(), res.text().as_str()), (200, "ok"));
    assert!(took < Duration::from_secs(1), "/health took {took:?}");
}

#[tokio::test]
async fn a_killed_redis_answers_503_then_logins_work_again() {
    let (logs, _guard) = capture();
    let mut redis = TestRedis::start_own();
    let timeout = Duration::from_secs(1);
    let s = serve(&redis, timeout).await;
    let ann = s.client();
    assert_eq!(ann.get("/login?user=ann").send().await.status(), 200);
    assert_eq!(ann.get("/me").send().await.text(), "ann");

    redis.stop();
    let mut took_all = Vec::new();
    for _ in 0..4 {
        // Loading (a logged-in user) and saving (a new login) both fail as a 503.
        for (client, path) in [(&ann, "/me"), (&s.client(), "/login?user=bob")] {
            let (res, took) = timed_get(client, path).await;
            assert_unavailable(&res, &redis);
            assert!(took < timeout + MARGIN, "{path} took {took:?}");
            took_all.push(took);
        }
        health_answers(&s).await;
    }
    eprintln!("killed Redis: 503 after {took_all:?} (timeout {timeout:?})");
    assert_eq!(logs.count(DOWN), 1, "logged once for 8 failing requests:\n{}", logs.text());
    assert_eq!(logs.count(UP), 0);

    redis.restart();
    // Restarted empty: ann's session is gone, and logging in works again.
    let bob = s.client();
    let res = until_ok(&bob, "/login?user=bob").await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(bob.get("/me").send().await.text(), "bob");
    assert_eq!(ann.get("/me").send().await.status(), 401);
    assert_eq!(ann.get("/login?user=ann").send().await.status(), 200);
    assert_eq!(ann.get("/me").send().await.text(), "ann");
    let text = logs.text();
    assert_eq!(logs.count(DOWN), 1, "{text}");
    assert_eq!(logs.count(UP), 1, "logged again once it is back:\n{text}");
    assert!(!text.contains("panic"), "{text}");
}

#[tokio::test]
async fn a_stalled_redis_answers_503_within_the_default_timeout() {
    let (logs, _guard) = capture();
    let redis = TestRedis::start_own();
    let timeout = RedisStore::DEFAULT_TIMEOUT;
    assert_eq!(timeout, Duration::from_secs(2));
    let s = serve(&redis, timeout).await;
    let ann = s.client();
    assert_eq!(ann.get("/login?user=ann").send().await.status(), 200);

    redis.pause();
    // Several at once, as users would: each answers within the timeout, none hangs.
    let bob = s.client();
    let (a, b, c) = tokio::join!(
        timed_get(&ann, "/me"),
        timed_get(&ann, "/me"),
        timed_get(&bob, "/login?user=bob"),
    );
    health_answers(&s).await;
    let (d, e) = (timed_get(&ann, "/me").await, timed_get(&bob, "/login?user=bob").await);
    let mut took = Vec::new();
    for (res, elapsed) in [&a, &b, &c, &d, &e] {
        assert_unavailable(res, &redis);
        assert!(*elapsed >= timeout - Duration::from_millis(50), "too soon: {elapsed:?}");
        assert!(*elapsed < timeout + MARGIN, "took {elapsed:?}");
        took.push(*elapsed);
    }
    eprintln!("stalled Redis: 503 after {took:?} (timeout {timeout:?})");
    assert_eq!(logs.count(DOWN), 1, "logged once for 5 failing requests:\n{}", logs.text());

    redis.resume();
    // The same server, with its data: ann is still logged in, and bob can log in.
    let res = until_ok(&ann, "/me").await;
    assert_eq!((res.status().as_u16(), res.text().as_str()), (200, "ann"));
    assert_eq!(until_ok(&bob, "/login?user=bob").await.status(), 200);
    assert_eq!(bob.get("/me").send().await.text(), "bob");
    let text = logs.text();
    assert_eq!(logs.count(DOWN), 1, "{text}");
    assert_eq!(logs.count(UP), 1, "{text}");
    assert!(!text.contains("panic"), "{text}");
}

#[tokio::test]
async fn a_redis_refusing_writes_answers_503_and_logs_one_spell() {
    let (logs, _guard) = capture();
    let redis = TestRedis::start_own();
    let timeout = Duration::from_secs(1);
    let s = serve(&redis, timeout).await;
    let ann = s.client();
    assert_eq!(ann.get("/login?user=ann").send().await.status(), 200);
    let mut raw = redis::Client::open(redis.url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let config_set = |value: &'static str| {
        let mut cmd = redis::cmd("CONFIG");
        cmd.arg("SET").arg("maxmemory").arg(value);
        cmd
    };

    // Out of memory: every write is refused (OOM) while reads still answer.
    let () = config_set("1").query_async(&mut raw).await.unwrap();
    for _ in 0..3 {
        // The session loads, and a request that only reads it does not write it back (it
        // was written less than a minute ago): it answers.
        let (res, _) = timed_get(&ann, "/me").await;
        assert_eq!((res.status().as_u16(), res.text().as_str()), (200, "ann"));
        // A login's save is refused: 503, fast.
        let (res, took) = timed_get(&s.client(), "/login?user=bob").await;
        assert_unavailable(&res, &redis);
        assert!(took < timeout, "a refusal is not a timeout: {took:?}");
        health_answers(&s).await;
    }
    // Reads succeed all along, and do not end the spell of failing writes.
    assert_eq!(logs.count(DOWN), 1, "logged once for 3 failing requests:\n{}", logs.text());
    assert!(logs.text().contains("OOM"), "the cause is in the log:\n{}", logs.text());
    assert_eq!(logs.count(UP), 0, "{}", logs.text());

    let () = config_set("0").query_async(&mut raw).await.unwrap();
    assert_eq!(ann.get("/me").send().await.text(), "ann");
    assert_eq!(ann.get("/login?user=ann2").send().await.status(), 200);
    let text = logs.text();
    assert_eq!(logs.count(DOWN), 1, "{text}");
    assert_eq!(logs.count(UP), 1, "{text}");
}
