//! Denials under an access file, as API clients see them: a caller who may read only part
//! of the registry gets the exports filtered to it, and asking to change global settings
//! gets 403 (40301), not the "Schema not found" (40403) that stands for hidden reads;
//! hidden subjects still answer as missing, and a caller without credentials is asked for
//! them (401, 40101).

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
async fn a_partial_reader_is_filtered_or_forbidden_never_shown_everything() {
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

    // The exports and wire validation answer a partial reader with what it may read
    // (tests/app/access_views.rs checks the contents); without credentials: 401.
    let id = registered.1["id"].as_i64().expect("an id");
    let mut wire = vec![0u8];
    wire.extend(u32::try_from(id).expect("small id").to_be_bytes());
    wire.extend([2u8]);
    let filtered: [(Method, &str, Option<Body>); 3] = [
        (Method::GET, "/catalog/export", None),
        (Method::GET, "/catalog/fields", None),
        (
            Method::POST,
            "/validate/wire",
            Some(("application/octet-stream", wire)),
        ),
    ];
    for (method, path, body) in filtered {
        let (status, answer) = call(&app, Some(PARTIAL), method.clone(), path, body.clone()).await;
        assert_eq!(status, 200, "{method} {path}: {answer}");
        let (status, answer) = call(&app, None, method.clone(), path, body).await;
        assert_eq!(
            (status, &answer["error_code"]),
            (401, &json!(40101)),
            "{path}"
        );
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
