//! The end-to-end suite every declaration style must pass with identical responses: the
//! routes of FastAPI's and Flask's cookie and response-model examples, in process through
//! the test client and over a real socket with a cookie-keeping client.

/// Expands to the whole suite for the app that `$app` builds.
macro_rules! tests {
    ($app:expr) => {
        mod shared_suite {
            #[allow(unused_imports)] // the app expression may need the caller's items
            use super::*;
            use cookie_route::TestClient;
            use serde_json::{Value, json};

            fn client() -> TestClient {
                TestClient::new($app)
            }

            #[tokio::test]
            async fn temporal_response_sets_a_cookie() {
                let client = client();
                let res = client.post("/cookie-and-object/").send().await;
                assert_eq!(res.status(), 200);
                assert_eq!(res.json::<Value>(), json!({"message": "Come to the dark side, we have cookies"}));
                assert_eq!(client.cookie("fakesession").as_deref(), Some("fake-cookie-session-value"));
            }

            #[tokio::test]
            async fn optional_cookie() {
                let client = client();
                assert_eq!(client.get("/items-cookie/").send().await.json::<Value>(), json!({"ads_id": null}));
                client.set_cookie("ads_id", "abc");
                assert_eq!(client.get("/items-cookie/").send().await.json::<Value>(), json!({"ads_id": "abc"}));
            }

            #[tokio::test]
            async fn required_cookie_is_a_422_naming_it() {
                let client = client();
                let res = client.get("/required-cookie/").send().await;
                assert_eq!(res.status(), 422);
                assert_eq!(
                    res.json::<Value>(),
                    json!({"detail": [{"type": "missing", "loc": ["cookie", "__Host-sid"], "msg": "Field required", "input": null}]})
                );
                let res = client.get("/required-cookie/").cookie("__Host-sid", "x").send().await;
                assert_eq!(res.json::<Value>()["detail"][0]["type"], "int_parsing");
                let res = client.get("/required-cookie/").cookie("__Host-sid", "7").send().await;
                assert_eq!(res.json::<Value>(), json!({"sid": 7}));
            }

            #[tokio::test]
            async fn path_and_query_parameters() {
                let client = client();
                let res = client.get("/users/42?q=hi").send().await;
                assert_eq!(res.json::<Value>(), json!({"user_id": 42, "q": "hi", "limit": 10}));
                let res = client.get("/users/abc?limit=x").send().await;
                assert_eq!(res.status(), 422);
                let body = res.json::<Value>();
                assert_eq!(body["detail"].as_array().unwrap().len(), 2, "every error is listed: {body}");
                assert_eq!(body["detail"][0]["loc"], json!(["path", "user_id"]));
                assert_eq!(body["detail"][0]["type"], "int_parsing");
                assert_eq!(body["detail"][1]["loc"], json!(["query", "limit"]));
            }

            #[tokio::test]
            async fn headers() {
                let client = client();
                let res =
                    client.get("/headers/").header("user-agent", "ua").header("x-token", "t").send().await;
                assert_eq!(res.json::<Value>(), json!({"user_agent": "ua", "token": "t"}));
                let res = client.get("/headers/").send().await;
                assert_eq!(res.json::<Value>()["detail"][0]["loc"], json!(["header", "X-Token"]));
            }

            #[tokio::test]
            async fn response_model_drops_the_password() {
                let client = client();
                let body =
                    json!({"username": "john", "password": "secret", "email": "j@example.com", "extra": 1});
                let res = client.post("/user/").json(&body).send().await;
                assert_eq!(res.status(), 200);
                assert_eq!(
                    res.json::<Value>(),
                    json!({"username": "john", "email": "j@example.com", "full_name": null})
                );
                let res =
                    client.post("/user/").json(&json!({"username": "john", "password": "p"})).send().await;
                assert_eq!(res.status(), 422);
                assert_eq!(res.json::<Value>()["detail"][0]["loc"], json!(["body", "email"]));
                let res =
                    client.post("/user/").header("content-type", "application/json").body("{").send().await;
                assert_eq!(res.status(), 422);
                assert_eq!(
                    res.json::<Value>()["detail"][0],
                    json!({"type": "json_invalid", "loc": ["body", 1], "msg": "JSON decode error", "input": {}, "ctx": {"error": "EOF while parsing an object at line 1 column 1"}})
                );
            }

            #[tokio::test]
            async fn form_bodies_and_default_status() {
                let client = client();
                let res = client.post("/form/").form(&[("user", "ann")]).send().await;
                assert_eq!(res.status(), 201);
                assert_eq!(res.text(), "ann");
            }

            #[tokio::test]
            async fn fastapi_items_examples() {
                let client = client();
                let get = |p: &'static str| {
                    let client = &client;
                    async move { client.get(p).send().await.json::<Value>() }
                };
                assert_eq!(get("/items/foo").await, json!({"name": "Foo", "price": 50.2}));
                assert_eq!(
                    get("/items/bar").await,
                    json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2})
                );
                assert_eq!(
                    get("/items/baz").await,
                    json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []})
                );
                assert_eq!(
                    get("/items/bar/name").await,
                    json!({"name": "Bar", "description": "The bartenders"})
                );
                assert_eq!(
                    get("/items/foo/public").await,
                    json!({"name": "Foo", "description": null, "price": 50.2, "tags": []})
                );
                assert_eq!(client.get("/items/nope").send().await.status(), 404);
            }

            #[tokio::test]
            async fn a_value_that_does_not_fit_is_a_500_without_the_value() {
                let res = client().get("/invalid-item/").send().await;
                assert_eq!(res.status(), 500);
                assert!(!res.text().contains("do-not-leak") && !res.text().contains("Oops"), "{}", res.text());
            }

            #[tokio::test]
            async fn a_dependency_sets_cookies_on_the_temporal_response() {
                let client = client();
                let res = client.get("/dep-cookie/").send().await;
                assert_eq!(res.json::<Value>(), json!({"tracking_id": "visitor-1", "new_visitor": true}));
                let tracking = res.set_cookie("tracking_id").expect("the dependency's cookie");
                assert_eq!(tracking.max_age(), Some(cookie_route::time::Duration::seconds(600)));
                assert_eq!(tracking.same_site(), Some(SameSite::Strict));
                assert!(res.set_cookie("handler_cookie").is_some());
                let res = client.get("/dep-cookie/").send().await;
                assert_eq!(res.json::<Value>(), json!({"tracking_id": "visitor-1", "new_visitor": false}));
                assert!(res.set_cookie("tracking_id").is_none());
            }

            #[tokio::test]
            async fn temporal_response_merges_with_a_filtered_model() {
                let client = client();
                let res = client.get("/profiles/7").send().await;
                assert_eq!(res.status(), 202);
                assert_eq!(
                    res.json::<Value>(),
                    json!({"username": "user7", "email": "user7@example.com", "full_name": null})
                );
                assert_eq!(client.cookie("last_user").as_deref(), Some("7"));
            }

            #[tokio::test]
            async fn a_full_response_bypasses_the_model_but_keeps_cookies() {
                let client = client();
                let res = client.post("/direct/").send().await;
                assert_eq!(res.json::<Value>(), json!({"message": "bypasses the model"}));
                assert_eq!(client.cookie("fakesession").as_deref(), Some("x"));
            }

            #[tokio::test]
            async fn several_methods_and_405() {
                let client = client();
                assert_eq!(client.get("/multi/").send().await.text(), "GET");
                let res = client.head("/multi/").send().await;
                assert_eq!(res.status(), 200);
                assert!(res.bytes().is_empty());
                let res = client.delete("/multi/").send().await;
                assert_eq!(res.status(), 405);
                assert_eq!(res.header("allow"), Some("GET, HEAD"));
            }

            /// The same app over a real socket, with a client that keeps cookies like a browser.
            mod over_http {
                use super::*;

                use cookie_route::TestServer;

                #[tokio::test]
                async fn every_parameter_kind() {
                    let server = TestServer::start($app).await;
                    let client = server.client();
                    let res = client.get("/users/42?q=hi").send().await;
                    assert_eq!(res.json::<Value>(), json!({"user_id": 42, "q": "hi", "limit": 10}));
                    let res = client.get("/headers/").header("user-agent", "ua").header("x-token", "t").send().await;
                    assert_eq!(res.json::<Value>(), json!({"user_agent": "ua", "token": "t"}));
                    let res = client.get("/required-cookie/").header("cookie", "__Host-sid=9").send().await;
                    assert_eq!(res.json::<Value>(), json!({"sid": 9}));
                    let res = client.post("/form/").form(&[("user", "ann")]).send().await;
                    assert_eq!(res.status(), 201);
                    assert_eq!(res.text(), "ann");
                }

                #[tokio::test]
                async fn validation_errors_are_fastapi_shaped() {
                    let server = TestServer::start($app).await;
                    let client = server.client();
                    let res = client.get("/required-cookie/").send().await;
                    assert_eq!(res.status(), 422);
                    assert_eq!(res.headers()["content-type"], "application/json");
                    assert_eq!(
                        res.json::<Value>(),
                        json!({"detail": [{"type": "missing", "loc": ["cookie", "__Host-sid"], "msg": "Field required", "input": null}]})
                    );
                    let res = client.get("/users/abc").send().await;
                    let body = res.json::<Value>();
                    assert_eq!(body["detail"][0]["type"], "int_parsing");
                    assert_eq!(body["detail"][0]["loc"], json!(["path", "user_id"]));
                    assert_eq!(body["detail"][0]["input"], "abc");
                    let res = client.post("/user/").json(&json!({"username": "a", "password": "p"})).send().await;
                    assert_eq!(res.status(), 422);
                    assert_eq!(res.json::<Value>()["detail"][0]["loc"], json!(["body", "email"]));
                }

                #[tokio::test]
                async fn response_models_over_http() {
                    let server = TestServer::start($app).await;
                    let client = server.client();
                    let user = json!({"username": "john", "password": "secret", "email": "j@example.com"});
                    let res = client.post("/user/").json(&user).send().await;
                    let text = res.text();
                    assert!(!text.contains("secret"), "{text}");
                    assert_eq!(
                        serde_json::from_str::<Value>(&text).unwrap(),
                        json!({"username": "john", "email": "j@example.com", "full_name": null})
                    );
                    assert_eq!(
                        client.get("/items/foo").send().await.json::<Value>(),
                        json!({"name": "Foo", "price": 50.2})
                    );
                    assert_eq!(
                        client.get("/items/bar/name").send().await.json::<Value>(),
                        json!({"name": "Bar", "description": "The bartenders"})
                    );
                    assert_eq!(
                        client.get("/items/foo/public").send().await.json::<Value>(),
                        json!({"name": "Foo", "description": null, "price": 50.2, "tags": []})
                    );
                    let res = client.get("/invalid-item/").send().await;
                    assert_eq!(res.status(), 500);
                    assert!(!res.text().contains("do-not-leak"));
                }

                #[tokio::test]
                async fn temporal_response_and_dependency_cookies_reach_the_jar() {
                    let server = TestServer::start($app).await;
                    let client = server.client();
                    let res = client.get("/profiles/3").send().await;
                    assert_eq!(res.status(), 202);
                    let cookies: Vec<String> = res
                        .headers()
                        .get_all("set-cookie")
                        .iter()
                        .map(|v| v.to_str().unwrap().to_owned())
                        .collect();
                    assert!(cookies.iter().any(|c| c.starts_with("last_user=3;")), "{cookies:?}");
                    assert_eq!(
                        res.json::<Value>(),
                        json!({"username": "user3", "email": "user3@example.com", "full_name": null})
                    );
                    let first = client.get("/dep-cookie/").send().await.json::<Value>();
                    assert_eq!(first, json!({"tracking_id": "visitor-1", "new_visitor": true}));
                    // The jar sends the dependency's cookie back: the visitor is known now.
                    let second = client.get("/dep-cookie/").send().await.json::<Value>();
                    assert_eq!(second, json!({"tracking_id": "visitor-1", "new_visitor": false}));
                }
            }
        }
    };
}

pub(crate) use tests;
