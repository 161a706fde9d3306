//! Denials under an access file, as API clients see them: a caller who may read only part
//! of the registry asking for something that needs all of it gets 403 (40301), not the
//! "Schema not found" (40403) that stands for hidden reads; hidden subjects still answer as
//! missing, and a caller without credentials is asked for them (401, 40101).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, V1, field, record};

const PARTIAL: (&str, &str) = ("partial", "partial-password");
const ADMIN: (&str, &str) = ("root", "root-password");

fn access_file() -> String {
    let hash = |password: &str| herald::access::secrets::hash_password(password).expect("hash");
    format!(
        "users:\n\
         \x20 - name: {}\n    password_hash: \"{}\"\n\
         \x20 - name: {}\n    password_hash: \"{}\"\n\
         grants:\n\
         \x20 - to: user:partial\n    role: read\n    on: \"subject-prefix:shared.\"\n\
         \x20 - to: user:root\n    role: admin\n    on: \"*\"\n",
        PARTIAL.0,
        hash(PARTIAL.1),
        ADMIN.0,
        hash(ADMIN.1),
    )
}

/// A request body: its media type and bytes.
type Body = (&'static str, Vec<u8>);

async fn call(
    app: &TestApp,
    who: Option<(&str, &str)>,
    method: Method,
    path: &str,
    body: Option<Body>,
) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some((name, password)) = who {
        request = request.basic_auth(name, Some(password));
    }
    if let Some((media, bytes)) = body {
        request = request.header("Content-Type", media).body(bytes);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn needing_everything_is_forbidden_to_a_partial_reader_not_missing() {
    let app = TestApp::spawn_with_access(&access_file()).await;
    let schema = json!({"schema": record("S", &[field("a", "int")]).to_string()});
    let registered = call(
        &app,
        Some(ADMIN),
        Method::POST,
        "/subjects/shared.s/versions",
        Some((V1, schema.to_string().into_bytes())),
    )
    .await;
    assert_eq!(registered.0, 200, "{registered:?}");

    let wire = vec![0u8, 0, 0, 0, 1, 2];
    // Search is filtered rather than refused (tests/app/access.rs); these are not.
    let everything: [(Method, &str, Option<Body>); 3] = [
        (Method::GET, "/catalog/export", None),
        (Method::GET, "/catalog/fields", None),
        (
            Method::POST,
            "/validate/wire",
            Some(("application/octet-stream", wire)),
        ),
    ];
    for (method, path, body) in everything {
        let (status, answer) = call(&app, Some(PARTIAL), method.clone(), path, body.clone()).await;
        assert_eq!(status, 403, "{method} {path}: {answer}");
        assert_eq!(answer["error_code"], 40301, "{method} {path}: {answer}");
        let (status, answer) = call(&app, None, method.clone(), path, body.clone()).await;
        assert_eq!(
            (status, &answer["error_code"]),
            (401, &json!(40101)),
            "{path}"
        );
        let (status, answer) = call(&app, Some(ADMIN), method.clone(), path, body).await;
        assert_ne!(
            status, 403,
            "the administrator may {method} {path}: {answer}"
        );
        assert_ne!(status, 401, "{path}: {answer}");
    }

    // what the partial reader may read answers; what it may not still looks missing
    let (status, _) = call(
        &app,
        Some(PARTIAL),
        Method::GET,
        "/subjects/shared.s/versions/1",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, answer) = call(
        &app,
        Some(PARTIAL),
        Method::GET,
        "/subjects/secret/versions",
        None,
    )
    .await;
    assert_eq!(
        (status, &answer["error_code"]),
        (404, &json!(40401)),
        "{answer}"
    );
    // a setting needing admin everywhere: 403 as before
    let (status, answer) = call(
        &app,
        Some(PARTIAL),
        Method::PUT,
        "/config",
        Some((V1, br#"{"compatibility":"NONE"}"#.to_vec())),
    )
    .await;
    assert_eq!(
        (status, &answer["error_code"]),
        (403, &json!(40301)),
        "{answer}"
    );
}
