//! What keeps a browser visiting another site away from Herald: the Host allow-list (DNS
//! rebinding), the Origin check on writes (cross-site requests) and the security headers of
//! the interactive API page.

use reqwest::header::{self, HeaderValue};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

use crate::helpers::*;

fn schema_body() -> String {
    json!({"schema": record("R", &[field("a", "int")]).to_string()}).to_string()
}

/// Sends and returns the status and JSON body.
async fn answer(request: RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {text}"));
    (status, value)
}

fn register(app: &TestApp, subject: &str) -> RequestBuilder {
    app.client
        .post(app.url(&format!("/subjects/{subject}/versions")))
        .header(header::CONTENT_TYPE, V1)
        .body(schema_body())
}

#[tokio::test]
async fn a_host_not_listed_is_refused_before_any_route_or_the_fast_lane() {
    let app = TestApp::spawn_with_allow_lists(&["herald.internal"], &[]).await;
    let listed = |request: RequestBuilder| request.header(header::HOST, "herald.internal");
    let (status, body) = answer(listed(register(&app, "x"))).await;
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_i64().expect("id");
    let by_id = format!("/schemas/ids/{id}");
    // Twice, so the second read is a warm one the fast lane answers.
    for _ in 0..2 {
        let (status, body) = answer(listed(app.client.get(app.url(&by_id)))).await;
        assert_eq!(status, 200, "{body}");
    }
    // Case and port don't matter for a name listed without a port.
    let (status, _) = answer(
        app.client
            .get(app.url(&by_id))
            .header(header::HOST, "HERALD.internal:8081"),
    )
    .await;
    assert_eq!(status, 200);

    for host in [
        "evil.example",
        "evil.example:8081",
        "herald.internal.evil.example",
    ] {
        let refused = answer(app.client.get(app.url(&by_id)).header(header::HOST, host)).await;
        assert_error(&refused, 421, 421);
        let write = answer(register(&app, "y").header(header::HOST, host)).await;
        assert_error(&write, 421, 421);
    }
    // The address itself is not listed either (the test client's default Host).
    assert_error(&app.get(&by_id).await, 421, 421);
    let (_, subjects) = answer(listed(app.client.get(app.url("/subjects")))).await;
    assert_eq!(subjects, json!(["x"]));
    // Health probes (which name the pod's address) still answer.
    let (status, _) = answer(
        app.client
            .get(app.url("/health/live"))
            .header(header::HOST, "10.0.0.7:8081"),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_write_from_an_origin_not_listed_is_forbidden() {
    let app = TestApp::spawn_with_allow_lists(&[], &["https://portal.example"]).await;
    for origin in ["https://evil.example", "null", "http://portal.example"] {
        let refused = answer(register(&app, "x").header(header::ORIGIN, origin)).await;
        assert_error(&refused, 403, 403);
    }
    let (_, subjects) = app.get("/subjects").await;
    assert_eq!(subjects, json!([]));

    let (status, body) =
        answer(register(&app, "x").header(header::ORIGIN, "https://PORTAL.example")).await;
    assert_eq!(status, 200, "{body}");
    // Herald's own pages (same origin as the Host) may write.
    let own = format!("http://{}", app.addr);
    let (status, body) = answer(register(&app, "y").header(header::ORIGIN, own)).await;
    assert_eq!(status, 200, "{body}");
    // Without an Origin (curl, the clients) nothing changes.
    let (status, body) = answer(register(&app, "z")).await;
    assert_eq!(status, 200, "{body}");

    // Reads are not writes; deletes are.
    let read = app
        .client
        .get(app.url("/subjects"))
        .header(header::ORIGIN, "https://evil.example");
    let (status, subjects) = answer(read).await;
    assert_eq!((status, subjects), (200, json!(["x", "y", "z"])));
    let delete = app
        .client
        .request(Method::DELETE, app.url("/subjects/x"))
        .header(header::ORIGIN, "https://evil.example");
    assert_error(&answer(delete).await, 403, 403);
    let (_, subjects) = app.get("/subjects").await;
    assert_eq!(subjects, json!(["x", "y", "z"]));
}

#[tokio::test]
async fn without_lists_any_host_and_origin_is_served() {
    let app = TestApp::spawn().await;
    let request = register(&app, "x")
        .header(header::HOST, "anything.example")
        .header(header::ORIGIN, "https://elsewhere.example");
    let (status, body) = answer(request).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_api_page_carries_the_portal_security_headers() {
    let app = TestApp::spawn().await;
    for path in [
        "/api-docs/",
        "/api-docs/swagger-initializer.js",
        "/openapi.json",
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("sent");
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert_eq!(
            headers.get(header::X_CONTENT_TYPE_OPTIONS),
            Some(&HeaderValue::from_static("nosniff")),
            "{path}"
        );
        assert!(
            headers.contains_key(header::REFERRER_POLICY),
            "{path}: no Referrer-Policy"
        );
    }
}
