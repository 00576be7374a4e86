#![cfg(feature = "redis")]
//! `RedisStore` against a real Redis: the test run starts its own `redis-server` on a free
//! loopback port (one per test, killed when the test ends), or uses the server at
//! `COOKIE_ROUTE_TEST_REDIS_URL` when that is set. Without either the tests fail, saying what
//! to install: they are never skipped.

use std::time::Duration;

use cookie_route::StartError;
use cookie_route::session::{Record, RedisStore, SessionStore};
use serde_json::json;

/// Long enough for any test, short enough that a shared server forgets the test's records.
const TTL: Duration = Duration::from_secs(60);

use cookie_route_test_support::redis::TestRedis;

/// What these tests do with the test Redis, besides its URL.
trait TestRedisExt {
    /// A store on it.
    async fn store(&self) -> RedisStore;
    /// A connection of its own, to look at and tamper with the keys behind the store's back.
    async fn raw(&self) -> redis::aio::MultiplexedConnection;
    /// The URL with `user:password@` in it.
    fn url_with_credentials(&self, user: &str, password: &str) -> String;
}

impl TestRedisExt for TestRedis {
    async fn store(&self) -> RedisStore {
        RedisStore::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the test Redis: {e}"))
    }

    async fn raw(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url.as_str())
            .expect("the test Redis URL parses")
            .get_multiplexed_async_connection()
            .await
            .expect("a raw connection to the test Redis")
    }

    fn url_with_credentials(&self, user: &str, password: &str) -> String {
        let rest = self.url.strip_prefix("redis://").expect("a redis:// URL");
        let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        format!("redis://{user}:{password}@{host}")
    }
}

/// A key prefix of this test's own, so that tests sharing a server do not meet.
fn prefix(test: &str) -> String {
    format!("cookie-route-test:{}:{test}:", std::process::id())
}

fn record(n: i64) -> Record {
    let data = json!({
        "user": "alice",
        "n": n,
        "cart": [{ "sku": "A-1", "qty": 2 }],
        "flags": { "admin": false },
        "note": "caf\u{e9} \u{1f36a} \"quoted\"",
    });
    let serde_json::Value::Object(data) = data else { unreachable!() };
    Record::new(data, 1_700_000_000 + n)
}

async fn raw_get(conn: &mut redis::aio::MultiplexedConnection, key: &str) -> Option<String> {
    redis::cmd("GET").arg(key).query_async(conn).await.expect("GET")
}

async fn raw_pttl(conn: &mut redis::aio::MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("PTTL").arg(key).query_async(conn).await.expect("PTTL")
}

// --- Tests ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_saved_record_loads_back_equal_and_a_save_replaces_it() {
    let redis = TestRedis::start();
    let store = redis.store().await.with_prefix(prefix("round_trip"));

    store.save("id-1", &record(1), TTL).await.unwrap();
    assert_eq!(store.load("id-1").await.unwrap(), Some(record(1)));

    store.save("id-1", &record(2), TTL).await.unwrap();
    assert_eq!(store.load("id-1").await.unwrap(), Some(record(2)));

    let empty = Record::new(serde_json::Map::new(), 0);
    store.save("id-2", &empty, TTL).await.unwrap();
    assert_eq!(store.load("id-2").await.unwrap(), Some(empty));
    assert_eq!(store.load("id-1").await.unwrap(), Some(record(2)));
}

#[tokio::test]
async fn records_are_json_under_the_prefix_and_id_with_an_expiry() {
    let redis = TestRedis::start();
    let mut raw = redis.raw().await;
    let id = format!("layout-{}", std::process::id());

    let store = redis.store().await;
    assert_eq!(store.prefix(), "cookie-route:session:");
    store.save(&id, &record(3), TTL).await.unwrap();
    let key = format!("cookie-route:session:{id}");
    let json: serde_json::Value =
        serde_json::from_str(&raw_get(&mut raw, &key).await.expect("the record's key")).unwrap();
    assert_eq!(json, json!({ "data": record(3).data, "created": 1_700_000_003 }));
    let pttl = raw_pttl(&mut raw, &key).await;
    assert!(pttl > 0 && pttl <= 60_000, "PTTL {pttl} is not within the 60 s asked for");
    store.delete(&id).await.unwrap();

    let custom = redis.store().await.with_prefix(prefix("layout"));
    custom.save(&id, &record(4), TTL).await.unwrap();
    assert!(raw_get(&mut raw, &format!("{}{id}", prefix("layout"))).await.is_some());
    assert_eq!(raw_get(&mut raw, &key).await, None, "the default prefix was used");
}

#[tokio::test]
async fn a_missing_id_loads_as_none() {
    let redis = TestRedis::start();
    let store = redis.store().await.with_prefix(prefix("missing"));

    assert_eq!(store.load("never-saved").await.unwrap(), None);
    assert_eq!(store.load("").await.unwrap(), None);
}

#[tokio::test]
async fn delete_removes_the_record() {
    let redis = TestRedis::start();
    let store = redis.store().await.with_prefix(prefix("delete"));
    let mut raw = redis.raw().await;

    store.save("doomed", &record(5), TTL).await.unwrap();
    store.save("kept", &record(6), TTL).await.unwrap();
    store.delete("doomed").await.unwrap();

    assert_eq!(store.load("doomed").await.unwrap(), None);
    assert_eq!(raw_get(&mut raw, &format!("{}doomed", prefix("delete"))).await, None);
    assert_eq!(store.load("kept").await.unwrap(), Some(record(6)));
    // Deleting what is not there is not an error.
    store.delete("doomed").await.unwrap();
    store.delete("never-saved").await.unwrap();
}

#[tokio::test]
async fn a_record_expires_after_its_ttl() {
    let redis = TestRedis::start();
    let store = redis.store().await.with_prefix(prefix("ttl"));
    let mut raw = redis.raw().await;

    store.save("short", &record(7), Duration::from_secs(1)).await.unwrap();
    store.save("long", &record(8), TTL).await.unwrap();
    // A ttl under a second is rounded up to one, not refused (`EX 0`) nor kept forever.
    store.save("zero", &record(9), Duration::ZERO).await.unwrap();

    for id in ["short", "zero"] {
        // -1 would be a key without expiry; -2 a key already gone (on a very slow machine).
        let pttl = raw_pttl(&mut raw, &format!("{}{id}", prefix("ttl"))).await;
        assert!(pttl == -2 || (0..=1000).contains(&pttl), "PTTL of {id}: {pttl}");
    }

    tokio::time::sleep(Duration::from_millis(2200)).await;

    assert_eq!(store.load("short").await.unwrap(), None);
    assert_eq!(store.load("zero").await.unwrap(), None);
    assert_eq!(store.load("long").await.unwrap(), Some(record(8)));
}

#[tokio::test]
async fn two_stores_on_one_server_see_each_others_records() {
    let redis = TestRedis::start();
    let a = redis.store().await.with_prefix(prefix("shared"));
    let b = redis.store().await.with_prefix(prefix("shared"));

    a.save("s", &record(10), TTL).await.unwrap();
    assert_eq!(b.load("s").await.unwrap(), Some(record(10)));

    b.save("s", &record(11), TTL).await.unwrap();
    assert_eq!(a.load("s").await.unwrap(), Some(record(11)));

    b.delete("s").await.unwrap();
    assert_eq!(a.load("s").await.unwrap(), None);

    // Another prefix is another app: it does not see them.
    a.save("s", &record(12), TTL).await.unwrap();
    let other = redis.store().await.with_prefix(prefix("shared-other"));
    assert_eq!(other.load("s").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_of_a_store_share_it_across_tasks() {
    let redis = TestRedis::start();
    let store = redis.store().await.with_prefix(prefix("tasks"));

    let tasks: Vec<_> = (0..16)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let id = format!("task-{n}");
                store.save(&id, &record(n), TTL).await.unwrap();
                store.load(&id).await.unwrap()
            })
        })
        .collect();
    for (n, task) in (0..).zip(tasks) {
        assert_eq!(task.await.unwrap(), Some(record(n)));
    }
    assert_eq!(store.load("task-15").await.unwrap(), Some(record(15)));
}

#[tokio::test]
async fn a_corrupted_record_loads_as_none() {
    let redis = TestRedis::start();
    let store = redis.store().await.with_prefix(prefix("corrupt"));
    let mut raw = redis.raw().await;

    for (id, value) in [
        ("not-json", "not json {"),
        ("wrong-shape", r#"{"data": 1, "created": "yesterday"}"#),
        ("no-created", r#"{"data": {}}"#),
        ("binary", "\u{0}\u{1}\u{2}"),
    ] {
        let key = format!("{}{id}", prefix("corrupt"));
        let () = redis::cmd("SET")
            .arg(&key)
            .arg(value)
            .arg("EX")
            .arg(60)
            .query_async(&mut raw)
            .await
            .unwrap();
        assert_eq!(store.load(id).await.unwrap(), None, "{id}");
    }

    // The store still works, and a save replaces the bad value.
    store.save("not-json", &record(13), TTL).await.unwrap();
    assert_eq!(store.load("not-json").await.unwrap(), Some(record(13)));
}

#[tokio::test]
async fn an_unreachable_server_is_a_config_error_without_the_password() {
    // Nothing listens on port 1 of the loopback: the connection is refused.
    match RedisStore::connect("redis://:secret@127.0.0.1:1/").await {
        Err(StartError::Config(message)) => {
            assert!(
                message.contains("cannot connect to Redis at redis://127.0.0.1:1/0"),
                "{message}"
            );
            assert!(!message.contains("secret"), "{message}");
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_invalid_url_is_a_config_error() {
    for url in ["", "127.0.0.1:6379", "http://127.0.0.1:6379/", "redis://127.0.0.1:6379/not-a-db"] {
        match RedisStore::connect(url).await {
            Err(StartError::Config(message)) => {
                assert!(message.starts_with("invalid Redis URL"), "{url}: {message}");
            }
            other => panic!("{url}: expected a config error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn debug_and_errors_do_not_show_the_password() {
    let redis = TestRedis::start();
    let mut raw = redis.raw().await;
    let user = "cookie-route-test";
    let password = format!("secret-{}", std::process::id());
    let () = redis::cmd("ACL")
        .arg(&["SETUSER", user, "reset", "on", &format!(">{password}"), "~cookie-route-test:*"])
        .arg("+@all")
        .query_async(&mut raw)
        .await
        .expect("ACL SETUSER (Redis 6 or later)");

    let url = redis.url_with_credentials(user, &password);
    let store =
        RedisStore::connect(&url).await.expect("the ACL user connects").with_prefix(prefix("acl"));
    // The credentials work: the user can use its keys.
    store.save("s", &record(14), TTL).await.unwrap();
    assert_eq!(store.load("s").await.unwrap(), Some(record(14)));

    let debug = format!("{store:?} {:?}", store.clone());
    assert!(!debug.contains(&password), "{debug}");
    assert!(debug.contains(&format!("redis://{user}@")), "{debug}");
    assert!(debug.contains(&prefix("acl")), "{debug}");

    // A wrong password is refused, and the error does not quote it either.
    let wrong = format!("wrong-{password}");
    match RedisStore::connect(&redis.url_with_credentials(user, &wrong)).await {
        Err(StartError::Config(message)) => {
            assert!(message.starts_with("cannot connect to Redis at"), "{message}");
            assert!(!message.contains("secret"), "{message}");
        }
        other => panic!("expected a config error, got {other:?}"),
    }

    let _: i64 = redis::cmd("ACL").arg(&["DELUSER", user]).query_async(&mut raw).await.unwrap();
}

async fn raw_zscore(
    conn: &mut redis::aio::MultiplexedConnection,
    key: &str,
    member: &str,
) -> Option<f64> {
    redis::cmd("ZSCORE").arg(key).arg(member).query_async(conn).await.expect("ZSCORE")
}

async fn raw_time_ms(conn: &mut redis::aio::MultiplexedConnection) -> i64 {
    let (secs, micros): (i64, i64) = redis::cmd("TIME").query_async(conn).await.expect("TIME");
    secs * 1000 + micros / 1000
}

#[tokio::test]
async fn a_users_sessions_are_indexed_by_expiry_and_the_index_outlives_them() {
    let redis = TestRedis::start();
    let store = redis.store().await.with_prefix(prefix("index"));
    let mut raw = redis.raw().await;
    let index = format!("{}user:ann", prefix("index"));

    store.save("long", &record(1).with_user("ann"), TTL).await.unwrap();
    // A shorter session saved later does not shorten the index's life.
    store.save("short", &record(2).with_user("ann"), Duration::from_secs(5)).await.unwrap();
    let now = raw_time_ms(&mut raw).await;
    let long = raw_zscore(&mut raw, &index, "long").await.expect("indexed") as i64;
    let short = raw_zscore(&mut raw, &index, "short").await.expect("indexed") as i64;
    assert!((now + 59_000..=now + 60_000).contains(&long), "{long} vs now {now}");
    assert!((now + 4_000..=now + 5_000).contains(&short), "{short} vs now {now}");
    let pttl = raw_pttl(&mut raw, &index).await;
    assert!(pttl > 59_000 && pttl <= 60_000, "the index expires with its last session: {pttl}");
    // The record itself is as before, with its user.
    let json: serde_json::Value = serde_json::from_str(
        &raw_get(&mut raw, &format!("{}long", prefix("index"))).await.expect("the record"),
    )
    .unwrap();
    assert_eq!(json["user"], "ann");
    // A session without a user is not indexed anywhere.
    store.save("anonymous", &record(3), TTL).await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}user:*", prefix("index")))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(keys, [index]);
}

#[tokio::test]
async fn end_user_sessions_deletes_that_users_records_and_index_only() {
    let redis = TestRedis::start();
    let store = redis.store().await.with_prefix(prefix("end"));
    let mut raw = redis.raw().await;

    for (id, user) in [("a1", "ann"), ("a2", "ann"), ("b1", "bob")] {
        store.save(id, &record(1).with_user(user), TTL).await.unwrap();
    }
    store.save("anonymous", &record(2), TTL).await.unwrap();
    // One of ann's sessions already ended (a logout): it is not counted.
    store.delete("a2").await.unwrap();
    store.save("a3", &record(3).with_user("ann"), TTL).await.unwrap();

    assert_eq!(store.end_user_sessions("ann").await.unwrap(), 2);
    for id in ["a1", "a2", "a3"] {
        assert_eq!(store.load(id).await.unwrap(), None, "{id}");
    }
    assert_eq!(raw_get(&mut raw, &format!("{}user:ann", prefix("end"))).await, None);
    assert!(store.load("b1").await.unwrap().is_some());
    assert!(store.load("anonymous").await.unwrap().is_some());
    assert_eq!(store.end_user_sessions("ann").await.unwrap(), 0);
    assert_eq!(store.end_user_sessions("nobody").await.unwrap(), 0);
    // A user id is data, not a pattern.
    assert_eq!(store.end_user_sessions("*").await.unwrap(), 0);
    assert!(store.load("b1").await.unwrap().is_some());
}

#[tokio::test]
async fn update_does_not_bring_back_an_ended_session() {
    let redis = TestRedis::start();
    let store = redis.store().await.with_prefix(prefix("update"));

    // Anonymous and user sessions alike: an update replaces a record that is there...
    store.save("anon", &record(1), TTL).await.unwrap();
    store.save("ann", &record(1).with_user("ann"), TTL).await.unwrap();
    assert!(store.update("anon", &record(2), TTL).await.unwrap());
    assert!(store.update("ann", &record(2).with_user("ann"), TTL).await.unwrap());
    assert_eq!(store.load("ann").await.unwrap(), Some(record(2).with_user("ann")));

    // ...and writes nothing once it ended, as a request under way would after the user
    // logged out everywhere.
    store.end_user_sessions("ann").await.unwrap();
    store.delete("anon").await.unwrap();
    assert!(!store.update("ann", &record(3).with_user("ann"), TTL).await.unwrap());
    assert!(!store.update("anon", &record(3), TTL).await.unwrap());
    assert_eq!(store.load("ann").await.unwrap(), None);
    assert_eq!(store.load("anon").await.unwrap(), None);
    let mut raw = redis.raw().await;
    assert_eq!(raw_get(&mut raw, &format!("{}user:ann", prefix("update"))).await, None);
}

#[tokio::test]
async fn the_timeout_is_configurable_and_shown() {
    let redis = TestRedis::start();
    let store = redis.store().await;
    assert_eq!(store.timeout(), RedisStore::DEFAULT_TIMEOUT);
    assert_eq!(RedisStore::DEFAULT_TIMEOUT, Duration::from_secs(2));
    let store = store.with_timeout(Duration::from_millis(250));
    assert_eq!(store.timeout(), Duration::from_millis(250));
    assert!(format!("{store:?}").contains("250ms"));
    assert_eq!(store.with_timeout(Duration::ZERO).timeout(), Duration::from_millis(1));
}

#[tokio::test]
async fn a_stopped_or_stalled_server_is_unavailable_within_the_timeout() {
    let mut redis = TestRedis::start_own();
    let timeout = Duration::from_millis(400);
    let store = redis.store().await.with_prefix(prefix("down")).with_timeout(timeout);
    store.save("s", &record(1).with_user("ann"), TTL).await.unwrap();

    let check = |result: Result<(), cookie_route::Error>, started: std::time::Instant| {
        let elapsed = started.elapsed();
        match result {
            Err(cookie_route::Error::Unavailable { .. }) => {}
            other => panic!("expected Error::Unavailable, got {other:?}"),
        }
        assert!(elapsed < timeout + Duration::from_millis(500), "took {elapsed:?}");
    };
    redis.pause();
    for _ in 0..2 {
        let started = std::time::Instant::now();
        check(store.load("s").await.map(drop), started);
        let started = std::time::Instant::now();
        check(store.save("s", &record(2).with_user("ann"), TTL).await, started);
        let started = std::time::Instant::now();
        check(store.end_user_sessions("ann").await.map(drop), started);
    }
    redis.resume();
    assert!(store.load("s").await.unwrap().is_some(), "the same connection answers again");

    redis.stop();
    for _ in 0..2 {
        let started = std::time::Instant::now();
        check(store.load("s").await.map(drop), started);
        let started = std::time::Instant::now();
        check(store.delete("s").await, started);
    }
    redis.restart();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match store.load("s").await {
            // Restarted empty; the scripts are loaded again on their first use.
            Ok(found) => {
                assert_eq!(found, None);
                break;
            }
            Err(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("the store did not reconnect: {e}"),
        }
    }
    store.save("s", &record(3).with_user("ann"), TTL).await.unwrap();
    assert_eq!(store.end_user_sessions("ann").await.unwrap(), 1);
}
