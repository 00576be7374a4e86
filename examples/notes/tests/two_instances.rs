//! Two notes processes on one SQLite file and one Redis serve the same users: a session
//! started on one is good on the other, a note written on one is read on the other, and a
//! log-out on one ends the session on both (the session lives in Redis, not in the cookie).

mod common;

use common::{Notes, Scratch, api_sign_up, csrf_token, json};
use cookie_route_test_support::redis::TestRedis;
use serde_json::json;

#[tokio::test]
async fn two_instances_share_users_notes_and_sessions() {
    let redis = TestRedis::start();
    let scratch = Scratch::new();
    let store = [("COOKIE_ROUTE_SESSION_STORE", redis.url.as_str())];
    // One after the other: the first applies the migrations, the second finds them applied.
    let first = Notes::start(&scratch, &store);
    let second = Notes::start(&scratch, &store);

    // One browser, both instances (the same host: the jar sends the cookie to both ports).
    let ann = first.browser();
    api_sign_up(&ann, "ann", "correct horse").await;
    assert!(ann.cookie("session").is_some_and(|id| !id.contains("ann")), "an id, not the data");
    let response = ann
        .post(&first.url("/api/notes"))
        .json(&json!({ "title": "Written on the first", "body": "" }))
        .send()
        .await;
    assert_eq!(response.status(), 201);
    let on_first = json(&response);

    let listed = json(&ann.get(&second.url("/api/notes")).send().await);
    assert_eq!(listed, json!([on_first]), "the second knows the session and the note");
    let response = ann
        .post(&second.url("/api/notes"))
        .json(&json!({ "title": "Written on the second", "body": "" }))
        .send()
        .await;
    let on_second = json(&response);
    assert_eq!(json(&ann.get(&first.url("/api/notes")).send().await), json!([on_second, on_first]));

    // The pages too: a token issued by one is accepted by the other.
    let token = csrf_token(&ann.get(&first.url("/notes")).send().await.text());
    let response = ann
        .post(&second.url("/notes"))
        .form(&[("title", "A form across instances"), ("csrf_token", &token)])
        .send()
        .await;
    assert_eq!(response.status(), 303);
    let page = ann.get(&first.url("/notes")).send().await.text();
    assert!(page.contains("Note saved.") && page.contains("A form across instances"), "{page}");

    // A user who signed up on the second logs in on the first.
    let bob = second.browser();
    api_sign_up(&bob, "bob", "bob's password").await;
    let other = first.browser();
    let login = json!({ "username": "bob", "password": "bob's password" });
    assert_eq!(other.post("/api/login").json(&login).send().await.status(), 200);
    assert_eq!(json(&other.get(&second.url("/api/notes")).send().await), json!([]));

    // Logging out on the second ends the session for the first too, even with the old cookie.
    let cookie = ann.cookie("session").expect("the session cookie");
    assert_eq!(ann.post(&second.url("/api/logout")).send().await.status(), 204);
    let replay = first.browser();
    replay.set_cookie("session", &cookie);
    let response = replay.get("/api/notes").send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(json(&response), json!({ "detail": "Not authenticated" }));
}
