#![cfg(feature = "test-client")]
//! Property: any cookie name and value that `Response::set_cookie` accepts, set by a handler,
//! kept by a real client's cookie store (`TestServer`'s HTTP client, whose jar is
//! `cookie_store`, as reqwest's is, over a socket on 127.0.0.1), sent back and read by a
//! handler, comes back equal; and whatever it refuses never reaches the client.
//!
//! The names and values are drawn half from the alphabets the API accepts (RFC 9110 tokens;
//! printable ASCII but `;`, which the API sends quoted when it holds a space, `"`, `,` or
//! `\`), half from any printable text, which the API mostly refuses.

use cookie_route::{App, Cookie, IntoResponse as _, Json, Request, Response, TestServer};
use cookie_route_test_support::{assert_stops, patiently};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree as _;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

/// The most cookies one case sets.
const MAX_COOKIES: usize = 4;

/// Sets the cookies `n0`=`v0`, `n1`=`v1`... of the query, and says which were accepted.
async fn set(request: Request) -> Response {
    let mut response = Response::new();
    let mut accepted = Vec::new();
    for i in 0..MAX_COOKIES {
        let (Some(name), Some(value)) =
            (request.query_value(&format!("n{i}")), request.query_value(&format!("v{i}")))
        else {
            break;
        };
        let cookie = Cookie::new(name.into_owned(), value.into_owned());
        accepted.push(response.set_cookie(cookie).is_ok());
    }
    let mut answer = Json(json!({ "accepted": accepted })).into_response();
    answer.merge_temporal(response);
    answer
}

/// Reads the cookies `n0`, `n1`... of the query, and every cookie sent.
async fn get(request: Request) -> Json<Value> {
    let mut values = Vec::new();
    for i in 0..MAX_COOKIES {
        let Some(name) = request.query_value(&format!("n{i}")) else { break };
        values.push(json!(request.cookie(&name)));
    }
    let all: Vec<Value> = request.cookies().map(|(n, v)| json!([n, v])).collect();
    Json(json!({ "values": values, "all": all }))
}

/// A cookie name: a token most of the time, any printable text otherwise.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,16}",
        1 => "\\PC{0,8}",
    ]
}

/// A cookie value: what the API accepts most of the time (with the characters it quotes
/// made likely), any printable text otherwise.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[ -:<-~]{0,40}",
        2 => "[a-z \",\\\\]{0,12}",
        1 => "\\PC{0,12}",
    ]
}

/// 1 to `MAX_COOKIES` cookies with distinct names.
fn cookies() -> impl Strategy<Value = Vec<(String, String)>> {
    vec((name(), value()), 1..=MAX_COOKIES).prop_map(|mut pairs| {
        let mut seen = Vec::new();
        pairs.retain(|(n, _)| {
            let new = !seen.contains(n);
            seen.push(n.clone());
            new
        });
        pairs
    })
}

/// `path?k=v&...`, form-encoded as `Request::query_value` decodes it.
fn url(path: &str, query: &[(String, String)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (k, v) in query {
        form.append_pair(k, v);
    }
    format!("{path}?{}", form.finish())
}

/// One case, with a client of its own (an empty jar); a failed request panics, which the
/// runner counts as a failure.
async fn round_trip(server: &TestServer, pairs: &[(String, String)]) -> Result<(), TestCaseError> {
    let client = server.client();
    let mut query = Vec::new();
    for (i, (n, v)) in pairs.iter().enumerate() {
        query.push((format!("n{i}"), n.clone()));
        query.push((format!("v{i}"), v.clone()));
    }
    let res = patiently("/set", client.get(&url("/set", &query)).send()).await;
    prop_assert_eq!(res.status().as_u16(), 200);
    let set_cookies = res.headers().get_all("set-cookie").iter().count();
    let body: Value = serde_json::from_slice(res.bytes())
        .map_err(|e| TestCaseError::fail(format!("/set: {e}")))?;
    let accepted: Vec<bool> = serde_json::from_value(body["accepted"].clone()).unwrap();
    prop_assert_eq!(accepted.len(), pairs.len());
    prop_assert_eq!(set_cookies, accepted.iter().filter(|a| **a).count());

    let names: Vec<(String, String)> =
        pairs.iter().enumerate().map(|(i, (n, _))| (format!("n{i}"), n.clone())).collect();
    let res = patiently("/get", client.get(&url("/get", &names)).send()).await;
    prop_assert_eq!(res.status().as_u16(), 200);
    let body: Value = serde_json::from_slice(res.bytes())
        .map_err(|e| TestCaseError::fail(format!("/get: {e}")))?;
    let values = body["values"].as_array().expect("a list");
    for (i, (name, value)) in pairs.iter().enumerate() {
        if accepted[i] {
            prop_assert_eq!(
                values[i].as_str(),
                Some(value.as_str()),
                "cookie {:?} = {:?} came back as {}",
                name,
                value,
                values[i]
            );
        } else {
            prop_assert!(values[i].is_null(), "refused cookie {:?} came back", name);
        }
    }
    let sent = body["all"].as_array().expect("a list").len();
    prop_assert_eq!(sent, accepted.iter().filter(|a| **a).count(), "cookies sent: {}", body["all"]);
    Ok(())
}

#[test]
fn any_accepted_cookie_comes_back_equal_through_a_real_client() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let server = runtime.block_on(TestServer::start(App::new().get("/set", set).get("/get", get)));

    let mut runner =
        TestRunner::new(Config { cases: 64, failure_persistence: None, ..Config::default() });
    let result = runner.run(&cookies(), |pairs| runtime.block_on(round_trip(&server, &pairs)));

    runtime.block_on(assert_stops(server.stop()));
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn the_strategies_reach_both_accepted_and_refused_cookies() {
    // Not a property of the runtime: a check that the property above sees both sides.
    let mut runner = TestRunner::deterministic();
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..256 {
        let pairs = cookies().new_tree(&mut runner).expect("a value").current();
        for (n, v) in pairs {
            match Response::new().set_cookie(Cookie::new(n, v)) {
                Ok(()) => accepted += 1,
                Err(_) => refused += 1,
            }
        }
    }
    assert!(accepted > 100 && refused > 20, "accepted {accepted}, refused {refused}");
}
