//! The notes service end to end: the real binary on a free port with a SQLite file of its
//! own, driven over HTTP by clients that keep cookies as a browser does.

mod common;

use common::{Notes, Scratch, api_sign_up, csrf_token, json};
use cookie_route::TestClient;
use serde_json::{Value, json};

async fn create(browser: &TestClient, title: &str, body: &str) -> Value {
    let response =
        browser.post("/api/notes").json(&json!({ "title": title, "body": body })).send().await;
    assert_eq!(response.status(), 201, "{}", response.text());
    json(&response)
}

#[tokio::test]
async fn the_api_signs_up_logs_in_and_keeps_notes() {
    let scratch = Scratch::new();
    let notes = Notes::start(&scratch, &[]);
    let ann = notes.browser();

    let response = ann
        .post("/api/signup")
        .json(&json!({ "username": "ann", "password": "correct horse" }))
        .send()
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(json(&response), json!({ "username": "ann" }));
    assert!(response.set_cookie("session").is_some(), "the session cookie comes with it");

    assert_eq!(json(&ann.get("/api/notes").send().await), json!([]));
    let first = create(&ann, "Groceries", "milk, eggs").await;
    assert_eq!((&first["title"], &first["body"]), (&json!("Groceries"), &json!("milk, eggs")));
    let created_at = first["created_at"].as_str().expect("created_at");
    assert!(created_at.ends_with('Z') && created_at.contains('T'), "{created_at}");
    let second = create(&ann, "Ideas", "").await;
    assert!(second["id"].as_i64() > first["id"].as_i64());

    // Newest first.
    let listed = json(&ann.get("/api/notes").send().await);
    assert_eq!(listed, json!([second, first]));

    let path = format!("/api/notes/{}", first["id"]);
    assert_eq!(json(&ann.get(&path).send().await), first);
    let response =
        ann.put(&path).json(&json!({ "title": "Shopping", "body": "milk" })).send().await;
    assert_eq!(response.status(), 200);
    let updated = json(&response);
    assert_eq!((&updated["id"], &updated["title"]), (&first["id"], &json!("Shopping")));
    assert_eq!(json(&ann.get(&path).send().await)["body"], "milk");

    let response = ann.delete(&path).send().await;
    assert_eq!(response.status(), 204);
    assert_eq!(response.text(), "");
    let response = ann.get(&path).send().await;
    assert_eq!(
        (response.status().as_u16(), json(&response)),
        (404, json!({ "detail": "Not Found" }))
    );
    assert_eq!(ann.delete(&path).send().await.status(), 404);
    assert_eq!(json(&ann.get("/api/notes").send().await), json!([second]));

    // Log out: the API no longer knows the browser.
    assert_eq!(ann.post("/api/logout").send().await.status(), 204);
    let response = ann.get("/api/notes").send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(json(&response), json!({ "detail": "Not authenticated" }));

    // A wrong password, an unknown name: 401, and no session.
    for (username, password) in [("ann", "wrong horse"), ("nobody", "correct horse")] {
        let response = ann
            .post("/api/login")
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await;
        assert_eq!(response.status(), 401, "{username}");
        assert_eq!(json(&response), json!({ "detail": "Incorrect username or password" }));
        assert_eq!(ann.get("/api/notes").send().await.status(), 401);
    }

    let response = ann
        .post("/api/login")
        .json(&json!({ "username": "ann", "password": "correct horse" }))
        .send()
        .await;
    assert_eq!((response.status().as_u16(), json(&response)), (200, json!({ "username": "ann" })));
    assert_eq!(json(&ann.get("/api/notes").send().await), json!([second]));

    // The name is taken now.
    let response = notes
        .browser()
        .post("/api/signup")
        .json(&json!({ "username": "ann", "password": "another password" }))
        .send()
        .await;
    assert_eq!(response.status(), 409);
    assert_eq!(json(&response), json!({ "detail": "Username already taken" }));
}

#[tokio::test]
async fn the_api_answers_bad_requests_as_fastapi_does() {
    let scratch = Scratch::new();
    let notes = Notes::start(&scratch, &[]);
    let anonymous = notes.browser();

    // Without a session, every note route: 401, JSON.
    for (method, path) in [
        ("GET", "/api/notes"),
        ("POST", "/api/notes"),
        ("GET", "/api/notes/1"),
        ("PUT", "/api/notes/1"),
        ("DELETE", "/api/notes/1"),
        ("POST", "/api/logout"),
    ] {
        let method = method.parse().unwrap();
        let response =
            anonymous.request(method, path).json(&json!({ "title": "t", "body": "" })).send().await;
        assert_eq!(response.status(), 401, "{path}");
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert_eq!(json(&response), json!({ "detail": "Not authenticated" }), "{path}");
    }
    // A forged session cookie is no session.
    anonymous.set_cookie("session", "forged");
    assert_eq!(anonymous.get("/api/notes").send().await.status(), 401);

    let ann = notes.browser();
    api_sign_up(&ann, "ann", "correct horse").await;

    // Not an integer: 422 at ["path", "id"], for every method.
    for method in ["GET", "PUT", "DELETE"] {
        let response = ann
            .request(method.parse().unwrap(), "/api/notes/first")
            .json(&json!({ "title": "t", "body": "" }))
            .send()
            .await;
        assert_eq!(response.status(), 422, "{method}");
        let detail = &json(&response)["detail"][0];
        assert_eq!(
            (&detail["type"], &detail["loc"], &detail["input"]),
            (&json!("int_parsing"), &json!(["path", "id"]), &json!("first")),
            "{method}"
        );
    }

    // Bodies that do not fit: 422 with the place.
    let cases = [
        ("/api/notes", json!({ "body": "no title" }), json!(["body", "title"]), "missing"),
        (
            "/api/notes",
            json!({ "title": "  ", "body": "" }),
            json!(["body", "title"]),
            "string_too_short",
        ),
        ("/api/signup", json!({ "username": "bob" }), json!(["body", "password"]), "missing"),
        (
            "/api/signup",
            json!({ "username": "bob", "password": "short" }),
            json!(["body", "password"]),
            "string_too_short",
        ),
        (
            "/api/login",
            json!({ "password": "correct horse" }),
            json!(["body", "username"]),
            "missing",
        ),
    ];
    for (path, body, loc, kind) in cases {
        let response = ann.post(path).json(&body).send().await;
        assert_eq!(response.status(), 422, "{path} {body}");
        let detail = &json(&response)["detail"][0];
        assert_eq!((&detail["loc"], &detail["type"]), (&loc, &json!(kind)), "{path} {body}");
    }
    let response = ann
        .post("/api/notes")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(json(&response)["detail"][0]["type"], "json_invalid");
    // A body that does not say it is JSON (what another site's form could send): 422, and
    // nothing created.
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"] {
        let response = ann
            .post("/api/notes")
            .header("content-type", content_type)
            .body(r#"{"title": "forged", "body": ""}"#)
            .send()
            .await;
        assert_eq!(response.status(), 422, "{content_type}");
        assert_eq!(json(&response)["detail"][0]["loc"], json!(["body"]), "{content_type}");
    }
    assert_eq!(json(&ann.get("/api/notes").send().await), json!([]));
    // The short password was not echoed back.
    let response = ann
        .post("/api/signup")
        .json(&json!({ "username": "bob", "password": "s3cr" }))
        .send()
        .await;
    assert!(!response.text().contains("s3cr"), "{}", response.text());
}

#[tokio::test]
async fn users_never_see_each_others_notes() {
    let scratch = Scratch::new();
    let notes = Notes::start(&scratch, &[]);
    let (ann, bob) = (notes.browser(), notes.browser());
    api_sign_up(&ann, "ann", "ann's password").await;
    api_sign_up(&bob, "bob", "bob's password").await;
    let anns = create(&ann, "Ann's secret", "only for ann").await;
    let bobs = create(&bob, "Bob's list", "for bob").await;

    assert_eq!(json(&ann.get("/api/notes").send().await), json!([anns]));
    assert_eq!(json(&bob.get("/api/notes").send().await), json!([bobs]));

    // Bob asks for Ann's note by id: as if it did not exist.
    let path = format!("/api/notes/{}", anns["id"]);
    let missing = format!("/api/notes/{}", 1_000_000);
    for path in [&path, &missing] {
        let response = bob.get(path).send().await;
        assert_eq!(
            (response.status().as_u16(), json(&response)),
            (404, json!({ "detail": "Not Found" }))
        );
        let response = bob.put(path).json(&json!({ "title": "mine now", "body": "" })).send().await;
        assert_eq!(response.status(), 404);
        assert_eq!(bob.delete(path).send().await.status(), 404);
    }
    // Nor through the form (with Bob's own token).
    let page = bob.get("/notes").send().await.text();
    assert!(!page.contains("Ann&#x27;s secret") && !page.contains("only for ann"));
    let response = bob
        .post(&format!("/notes/{}/delete", anns["id"]))
        .form(&[("csrf_token", csrf_token(&page))])
        .send()
        .await;
    assert_eq!(response.status(), 404);

    // Ann's note is untouched.
    assert_eq!(json(&ann.get(&path).send().await), anns);
}

#[tokio::test]
async fn the_pages_use_forms_with_csrf_tokens_and_flash_messages() {
    let scratch = Scratch::new();
    let notes = Notes::start(&scratch, &[]);
    let browser = notes.browser();

    // Not signed in: every page leads to the log-in page.
    for path in ["/", "/notes"] {
        let response = browser.get(path).send().await;
        assert_eq!(
            (response.status().as_u16(), response.header("location")),
            (303, Some("/login"))
        );
    }
    let response = browser.post("/notes").form(&[("title", "t")]).send().await;
    assert_eq!((response.status().as_u16(), response.header("location")), (303, Some("/login")));

    let page = browser.get("/signup").send().await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let token = csrf_token(&page.text());
    let form = |username: &str, password: &str, token: Option<&str>| {
        let mut fields = vec![("username", username.to_owned()), ("password", password.to_owned())];
        if let Some(token) = token {
            fields.push(("csrf_token", token.to_owned()));
        }
        fields
    };

    // No token, a wrong token, another site's POST with the right token: 403.
    let response = browser.post("/signup").form(&form("ann", "correct horse", None)).send().await;
    assert_eq!(response.status(), 403);
    let response = browser
        .post("/signup")
        .form(&form("ann", "correct horse", Some(&"0".repeat(64))))
        .send()
        .await;
    assert_eq!(response.status(), 403);
    let response = browser
        .post("/signup")
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .form(&form("ann", "correct horse", Some(&token)))
        .send()
        .await;
    assert_eq!(response.status(), 403);
    let response = browser
        .post("/signup")
        .header("origin", "https://evil.example")
        .form(&form("ann", "correct horse", Some(&token)))
        .send()
        .await;
    assert_eq!(response.status(), 403, "a foreign Origin without Sec-Fetch-Site");

    // A short password: the form again, 400, with a message and the name kept (escaped).
    let response = browser.post("/signup").form(&form("<ann>", "short", Some(&token))).send().await;
    assert_eq!(response.status(), 400);
    let page = response.text();
    assert!(page.contains("at least 8 characters"), "{page}");
    assert!(page.contains(r#"value="&lt;ann&gt;""#) && !page.contains("<ann>"), "{page}");

    // The page's own token: signed up, and welcomed once.
    let response =
        browser.post("/signup").form(&form("ann", "correct horse", Some(&token))).send().await;
    assert_eq!((response.status().as_u16(), response.header("location")), (303, Some("/notes")));
    let response = browser.get("/").send().await;
    assert_eq!(response.header("location"), Some("/notes"));
    let page = browser.get("/notes").send().await.text();
    assert!(page.contains("Welcome, ann!") && page.contains("No notes yet."), "{page}");
    assert!(!browser.get("/notes").send().await.text().contains("Welcome, ann!"), "shown once");

    // The token was renewed at login: the one from before no longer works.
    let response =
        browser.post("/notes").form(&[("title", "t"), ("csrf_token", &token)]).send().await;
    assert_eq!(response.status(), 403);
    let token = csrf_token(&page);
    let response = browser.post("/notes").form(&[("title", "no token")]).send().await;
    assert_eq!(response.status(), 403);

    // A note with markup in it: saved, and shown escaped.
    let response = browser
        .post("/notes")
        .form(&[
            ("title", "<script>alert('x')</script>"),
            ("body", "fish & <b>chips</b>"),
            ("csrf_token", &token),
        ])
        .send()
        .await;
    assert_eq!((response.status().as_u16(), response.header("location")), (303, Some("/notes")));
    let page = browser.get("/notes").send().await.text();
    assert!(page.contains("Note saved."), "{page}");
    assert!(page.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"), "{page}");
    assert!(page.contains("fish &amp; &lt;b&gt;chips&lt;/b&gt;"), "{page}");
    assert!(!page.contains("<script>") && !page.contains("<b>chips"), "{page}");

    // A note without a title: not saved, and said so.
    let response =
        browser.post("/notes").form(&[("title", " "), ("csrf_token", &token)]).send().await;
    assert_eq!(response.status(), 303);
    let page = browser.get("/notes").send().await.text();
    assert!(page.contains("A note needs a title."), "{page}");

    // Deleting it, with the page's token.
    let id = json(&browser.get("/api/notes").send().await)[0]["id"].clone();
    let delete = format!("/notes/{id}/delete");
    assert_eq!(browser.post(&delete).form(&[("csrf_token", "")]).send().await.status(), 403);
    let response = browser.post(&delete).form(&[("csrf_token", &token)]).send().await;
    assert_eq!((response.status().as_u16(), response.header("location")), (303, Some("/notes")));
    let page = browser.get("/notes").send().await.text();
    assert!(page.contains("Note deleted.") && page.contains("No notes yet."), "{page}");
    let response = browser.post(&delete).form(&[("csrf_token", &token)]).send().await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        browser.post("/notes/abc/delete").form(&[("csrf_token", &token)]).send().await.status(),
        422
    );

    // A taken name, from another browser: the form again, 400.
    let other = notes.browser();
    let other_token = csrf_token(&other.get("/signup").send().await.text());
    let response = other
        .post("/signup")
        .form(&form("ann", "another password", Some(&other_token)))
        .send()
        .await;
    assert_eq!(response.status(), 400);
    assert!(response.text().contains("That username is taken."));

    // Log out (a POST with the token), then the pages lead to /login again.
    assert_eq!(browser.post("/logout").form(&[("csrf_token", "x")]).send().await.status(), 403);
    let response = browser.post("/logout").form(&[("csrf_token", &token)]).send().await;
    assert_eq!((response.status().as_u16(), response.header("location")), (303, Some("/login")));
    assert_eq!(browser.get("/notes").send().await.header("location"), Some("/login"));
    let page = browser.get("/login").send().await.text();
    assert!(page.contains("You are logged out."), "{page}");

    // A wrong password: the form again, 401; the right one: back to the notes.
    let token = csrf_token(&page);
    let response =
        browser.post("/login").form(&form("ann", "wrong horse", Some(&token))).send().await;
    assert_eq!(response.status(), 401);
    assert!(response.text().contains("Wrong username or password."));
    let response =
        browser.post("/login").form(&form("ann", "correct horse", Some(&token))).send().await;
    assert_eq!((response.status().as_u16(), response.header("location")), (303, Some("/notes")));
    assert!(browser.get("/notes").send().await.text().contains("Logged in as ann."));
}

#[tokio::test]
async fn users_and_notes_survive_a_restart() {
    let scratch = Scratch::new();
    let notes = Notes::start(&scratch, &[]);
    let ann = notes.browser();
    api_sign_up(&ann, "ann", "correct horse").await;
    let note = create(&ann, "Kept", "across restarts").await;
    notes.stop();

    let notes = Notes::start(&scratch, &[]);
    // The same secret: the browser's session still holds (a new port, the same host: the
    // jar sends the cookie).
    assert_eq!(json(&ann.get(&notes.url("/api/notes")).send().await), json!([note]));
    // And a new browser logs in with the password kept in the file.
    let again = notes.browser();
    let response = again
        .post("/api/login")
        .json(&json!({ "username": "ann", "password": "correct horse" }))
        .send()
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&again.get("/api/notes").send().await), json!([note]));
}

#[tokio::test]
async fn passwords_are_kept_as_argon2id_hashes_and_never_logged() {
    const API_PASSWORD: &str = "p4ssw0rd-through-the-api";
    const FORM_PASSWORD: &str = "p4ssw0rd-through-the-form";
    let scratch = Scratch::new();
    let notes = Notes::start(&scratch, &[]);

    let ann = notes.browser();
    api_sign_up(&ann, "ann", API_PASSWORD).await;
    let login = json!({ "username": "ann", "password": API_PASSWORD });
    assert_eq!(ann.post("/api/login").json(&login).send().await.status(), 200);
    let bad = json!({ "username": "ann", "password": format!("{API_PASSWORD}!") });
    assert_eq!(ann.post("/api/login").json(&bad).send().await.status(), 401);

    let bob = notes.browser();
    let token = csrf_token(&bob.get("/signup").send().await.text());
    let response = bob
        .post("/signup")
        .form(&[("username", "bob"), ("password", FORM_PASSWORD), ("csrf_token", &token)])
        .send()
        .await;
    assert_eq!(response.status(), 303);

    // What the database holds: argon2id PHC strings, and no password.
    let pool = sqlx::SqlitePool::connect(&scratch.database_url()).await.expect("the database");
    let hashes: Vec<(String, String)> =
        sqlx::query_as("SELECT username, password_hash FROM users ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("the users");
    pool.close().await;
    assert_eq!(hashes.len(), 2);
    for (username, hash) in &hashes {
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{username}: {hash}");
    }
    let logs = notes.stop();
    let bytes = String::from_utf8_lossy(&scratch.database_bytes()).into_owned();
    assert!(bytes.contains("$argon2id$"), "the hashes are in the file that was read");
    for password in [API_PASSWORD, FORM_PASSWORD] {
        assert!(!bytes.contains(password), "the password is in the database in clear");
        assert!(!logs.contains(password), "the password is in the logs:\n{logs}");
    }
    // The logs were at debug level, and did record the requests' work.
    assert!(logs.contains("signed up") && logs.contains("a log-in failed"), "{logs}");
}

#[tokio::test]
async fn the_api_is_documented_at_openapi_json_and_docs() {
    let scratch = Scratch::new();
    let notes = Notes::start(&scratch, &[]);
    let browser = notes.browser();

    let document = json(&browser.get("/openapi.json").send().await);
    assert_eq!(document["info"]["title"], "Notes");
    let paths = document["paths"].as_object().expect("paths");
    let mut listed: Vec<String> = Vec::new();
    for (path, operations) in paths {
        for method in operations.as_object().expect("operations").keys() {
            listed.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    listed.sort();
    assert_eq!(
        listed,
        [
            "DELETE /api/notes/{id}",
            "GET /api/notes",
            "GET /api/notes/{id}",
            "POST /api/login",
            "POST /api/logout",
            "POST /api/notes",
            "POST /api/signup",
            "PUT /api/notes/{id}",
        ],
        "the API, and not the pages"
    );
    let note = &document["components"]["schemas"]["Note"]["properties"];
    for field in ["id", "title", "body", "created_at"] {
        assert!(note.get(field).is_some(), "Note.{field}: {note}");
    }
    let docs = browser.get("/docs").send().await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().contains("swagger"), "{}", docs.text());
}
