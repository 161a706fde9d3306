//! The HTML portal under `/ui`: every page for each format, error pages, escaping,
//! pagination and filters, the diff verdicts, downloads, static files, and the root
//! redirect for browsers.

use reqwest::header;
use serde_json::{Value, json};

use crate::helpers::*;

/// A browser's `Accept`.
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

const PROTO_V1: &str = "syntax = \"proto3\";\npackage shop.shipping;\n\nmessage Shipment {\n  string id = 1;\n  string carrier = 2;\n}\n";

const PROTO_V2: &str = "syntax = \"proto3\";\npackage shop.shipping;\n\nmessage Shipment {\n  string id = 1;\n  string carrier = 2;\n  repeated string tracking_urls = 3;\n}\n";

/// A fetched page: status, content type, body.
struct Html {
    status: u16,
    content_type: String,
    body: String,
}

async fn page(app: &TestApp, path: &str) -> Html {
    let response = app
        .client
        .get(app.url(path))
        .header(header::ACCEPT, BROWSER_ACCEPT)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response.text().await.expect("body");
    Html {
        status,
        content_type,
        body,
    }
}

/// Fetches a page and insists on a 200 HTML answer.
async fn ok_page(app: &TestApp, path: &str) -> String {
    let html = page(app, path).await;
    assert_eq!(html.status, 200, "{path}: {}", html.body);
    assert!(
        html.content_type.starts_with("text/html"),
        "{path}: {}",
        html.content_type
    );
    assert!(html.body.starts_with("<!doctype html>"), "{path}");
    html.body
}

/// The rows of the first table body on the page.
fn body_rows(html: &str) -> usize {
    let Some(start) = html.find("<tbody>") else {
        return 0;
    };
    let end = html[start..]
        .find("</tbody>")
        .map_or(html.len(), |e| start + e);
    html[start..end].matches("<tr").count()
}

async fn register_typed(app: &TestApp, subject: &str, body: Value) -> i64 {
    let (status, answer) = app
        .post(&format!("/subjects/{subject}/versions"), body)
        .await;
    assert_eq!(status, 200, "register {subject}: {answer}");
    answer["id"].as_i64().expect("id")
}

fn avro_order(extra: &[Value]) -> Value {
    let mut fields = vec![
        json!({"name": "id", "type": "string", "doc": "Order id."}),
        json!({"name": "email", "type": "string", "doc": "Buyer e-mail.", "confluent:tags": ["PII"]}),
    ];
    fields.extend_from_slice(extra);
    json!({"type": "record", "name": "Order", "namespace": "shop", "fields": fields})
}

/// A closed JSON Schema object (adding optional properties stays compatible).
fn json_schema(properties: Value) -> String {
    json!({"type": "object", "properties": properties, "additionalProperties": false}).to_string()
}

/// One subject per format, two versions each.
async fn seed_formats(app: &TestApp) -> (i64, i64, i64) {
    app.register_ok("orders-value", &avro_order(&[])).await;
    let avro = app
        .register_ok(
            "orders-value",
            &avro_order(&[json!({"name": "note", "type": "string", "default": ""})]),
        )
        .await;
    register_typed(
        app,
        "shipments-value",
        json!({"schemaType": "PROTOBUF", "schema": PROTO_V1}),
    )
    .await;
    let proto = register_typed(
        app,
        "shipments-value",
        json!({"schemaType": "PROTOBUF", "schema": PROTO_V2}),
    )
    .await;
    register_typed(
        app,
        "emails-value",
        json!({"schemaType": "JSON", "schema": json_schema(json!({"to": {"type": "string"}}))}),
    )
    .await;
    let json = register_typed(
        app,
        "emails-value",
        json!({"schemaType": "JSON", "schema": json_schema(json!({
            "to": {"type": "string", "description": "Recipient."},
            "locale": {"type": "string"}
        }))}),
    )
    .await;
    (avro, proto, json)
}

#[tokio::test]
async fn every_page_renders_for_each_format() {
    let app = TestApp::spawn().await;
    let (avro, proto, json) = seed_formats(&app).await;

    let home = ok_page(&app, "/ui/").await;
    assert!(home.contains("<html lang=\"en\">"));
    assert!(home.contains("class=\"skip-link\" href=\"#main\""));
    assert!(home.contains("<main id=\"main\""));
    assert!(home.contains("Recent changes"));
    assert!(home.contains("href=\"/ui/subjects/emails-value/versions/2\""));
    assert!(home.contains("action=\"/ui/search\""));
    // The trailing slash is optional.
    ok_page(&app, "/ui").await;

    let list = ok_page(&app, "/ui/subjects").await;
    for subject in ["orders-value", "shipments-value", "emails-value"] {
        assert!(
            list.contains(&format!("href=\"/ui/subjects/{subject}\"")),
            "{subject}"
        );
    }
    assert!(list.contains("Page 1 of 1"));
    assert_eq!(body_rows(&list), 3);

    for (subject, id, format, field) in [
        ("orders-value", avro, "Avro", "email"),
        ("shipments-value", proto, "Protobuf", "tracking_urls"),
        ("emails-value", json, "JSON Schema", "locale"),
    ] {
        for path in [
            format!("/ui/subjects/{subject}"),
            format!("/ui/subjects/{subject}/versions/2"),
            format!("/ui/subjects/{subject}/versions/latest"),
        ] {
            let version = ok_page(&app, &path).await;
            assert!(version.contains(&format!(">{format}</span>")), "{path}");
            assert!(
                version.contains(&format!("href=\"/ui/schemas/{id}\"")),
                "{path}"
            );
            assert!(
                version.contains(&format!("href=\"/ui/subjects/{subject}/versions/1\"")),
                "{path}"
            );
            assert!(
                version.contains(&format!("<code title=\"{field}\">{field}</code>")),
                "{path}"
            );
            assert!(version.contains("class=\"tok-"), "{path}: highlighted");
            assert!(version.contains(&format!("/ui/subjects/{subject}/versions/2/download")));
            assert!(version.contains(&format!("/ui/subjects/{subject}/diff?from=1&#38;to=2")));
            assert!(version.contains("Producers and consumers"), "{path}");
            assert!(version.contains("data-section=\"catalog\""), "{path}");
        }
        let old = ok_page(&app, &format!("/ui/subjects/{subject}/versions/1")).await;
        assert!(
            !old.contains(">latest</span>"),
            "{subject} v1 is not the latest"
        );

        let by_id = ok_page(&app, &format!("/ui/schemas/{id}")).await;
        assert!(by_id.contains(&format!("Schema {id}")));
        assert!(by_id.contains(&format!("href=\"/ui/subjects/{subject}/versions/2\"")));

        let diff = ok_page(&app, &format!("/ui/subjects/{subject}/diff")).await;
        assert!(diff.contains("class=\"diff\""), "{subject}");
        assert!(
            diff.contains("<option value=\"1\" selected>v1</option>"),
            "{subject}"
        );
        assert!(
            diff.contains("<option value=\"2\" selected>v2</option>"),
            "{subject}"
        );
        assert!(
            diff.contains("class=\"src ins\""),
            "{subject}: added lines marked"
        );
    }

    let search = ok_page(&app, "/ui/search?q=ORDERS").await;
    assert!(search.contains("href=\"/ui/subjects/orders-value\""));
    assert!(!search.contains("href=\"/ui/subjects/emails-value\""));
    assert!(search.contains("value=\"ORDERS\""));
    ok_page(&app, "/ui/search").await;
}

#[tokio::test]
async fn references_link_both_ways() {
    let app = TestApp::spawn().await;
    app.register_ok(
        "shop.Money",
        &json!({"type": "record", "name": "Money", "namespace": "shop",
                "fields": [{"name": "cents", "type": "long"}]}),
    )
    .await;
    let (status, body) = app
        .post(
            "/subjects/orders-value/versions",
            json!({
                "schema": avro_order(&[json!({"name": "total", "type": "shop.Money"})]).to_string(),
                "references": [{"name": "shop.Money", "subject": "shop.Money", "version": 1}]
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let order = ok_page(&app, "/ui/subjects/orders-value").await;
    assert!(order.contains("href=\"/ui/subjects/shop.Money/versions/1\""));
    let money = ok_page(&app, "/ui/subjects/shop.Money/versions/1").await;
    assert!(money.contains("href=\"/ui/subjects/orders-value/versions/1\""));
}

#[tokio::test]
async fn unknown_things_are_html_404_pages() {
    let app = TestApp::spawn().await;
    app.register_ok("orders-value", &avro_order(&[])).await;
    for path in [
        "/ui/subjects/nope",
        "/ui/subjects/nope/versions/1",
        "/ui/subjects/orders-value/versions/9",
        "/ui/subjects/orders-value/versions/zero",
        "/ui/subjects/orders-value/versions/9/download",
        "/ui/subjects/nope/diff",
        "/ui/subjects/orders-value/diff?from=7",
        "/ui/schemas/999",
        "/ui/schemas/abc",
        "/ui/no/such/page",
        "/ui/static/herald.css",
    ] {
        let html = page(&app, path).await;
        assert_eq!(html.status, 404, "{path}: {}", html.body);
        assert!(html.content_type.starts_with("text/html"), "{path}");
        assert!(html.body.contains("Not found"), "{path}");
        assert!(html.body.contains("href=\"/ui/subjects\""), "{path}");
    }
}

#[tokio::test]
async fn bad_query_parameters_are_html_400_pages() {
    let app = TestApp::spawn().await;
    app.register_ok("orders-value", &avro_order(&[])).await;
    for path in [
        "/ui/subjects?page=0",
        "/ui/subjects?page=two",
        "/ui/subjects?format=XML",
        "/ui/subjects?compatibility=SIDEWAYS",
        "/ui/subjects/orders-value/diff?from=abc",
        "/ui/subjects/orders-value/diff?to=-1",
    ] {
        let html = page(&app, path).await;
        assert_eq!(html.status, 400, "{path}: {}", html.body);
        assert!(html.content_type.starts_with("text/html"), "{path}");
        assert!(html.body.contains("Bad request"), "{path}");
    }
}

#[tokio::test]
async fn user_text_is_escaped_everywhere() {
    let app = TestApp::spawn().await;
    let hostile = "<script>alert(1)</script>";
    let schema = json!({"type": "record", "name": "Evil", "doc": hostile, "fields": [
        {"name": "x", "type": "string", "doc": hostile, "default": hostile,
         "confluent:tags": [hostile]}
    ]});
    let subject = "%3Cb%3Eevil%22'%3C%2Fb%3E";
    let id = app.register_ok(subject, &schema).await;
    for path in [
        "/ui/".to_string(),
        "/ui/subjects".to_string(),
        format!("/ui/subjects/{subject}"),
        format!("/ui/subjects/{subject}/diff"),
        format!("/ui/schemas/{id}"),
        "/ui/search?q=%3Cscript%3E".to_string(),
        "/ui/search?q=evil".to_string(),
        "/ui/subjects?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
    ] {
        let html = ok_page(&app, &path).await;
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<b>evil"), "{path}");
    }
    let version = ok_page(&app, &format!("/ui/subjects/{subject}")).await;
    // The field doc is shown, as text.
    assert!(version.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(
        version.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "highlighted text"
    );
    // The subject name is percent-encoded in links and escaped in text.
    assert!(version.contains("href=\"/ui/subjects/%3Cb%3Eevil%22%27%3C%2Fb%3E\""));
}

#[tokio::test]
async fn subjects_with_slashes_and_colons_round_trip() {
    let app = TestApp::spawn().await;
    app.register_ok("team%2Forders%3Avalue", &avro_order(&[]))
        .await;
    let list = ok_page(&app, "/ui/subjects").await;
    assert!(list.contains("href=\"/ui/subjects/team%2Forders%3Avalue\""));
    let version = ok_page(&app, "/ui/subjects/team%2Forders%3Avalue").await;
    assert!(version.contains("team/orders:value"));
    assert!(version.contains("href=\"/ui/subjects/team%2Forders%3Avalue/versions/1/download\""));
    ok_page(&app, "/ui/subjects/team%2Forders%3Avalue/versions/1").await;
}

#[tokio::test]
async fn the_subject_list_pages_and_filters() {
    let app = TestApp::spawn().await;
    for i in 0..55 {
        app.register_ok(&format!("svc-{i:02}-value"), &avro_order(&[]))
            .await;
    }
    for i in 0..5 {
        register_typed(
            &app,
            &format!("doc-{i}-value"),
            json!({"schemaType": "JSON", "schema": json_schema(json!({"n": {"type": "integer"}}))}),
        )
        .await;
    }
    let (status, _) = app
        .put("/config/svc-07-value", json!({"compatibility": "FULL"}))
        .await;
    assert_eq!(status, 200);

    let first = ok_page(&app, "/ui/subjects").await;
    assert_eq!(body_rows(&first), 50);
    assert!(first.contains("60 subjects"));
    assert!(first.contains("Page 1 of 2"));
    assert!(first.contains("href=\"/ui/subjects?page=2\" rel=\"next\""));
    // Name order: the JSON `doc-*` subjects come first.
    assert!(first.contains("href=\"/ui/subjects/doc-0-value\""));

    let second = ok_page(&app, "/ui/subjects?page=2").await;
    assert_eq!(body_rows(&second), 10);
    assert!(second.contains("Page 2 of 2"));
    assert!(second.contains("href=\"/ui/subjects\" rel=\"prev\""));
    assert!(second.contains("href=\"/ui/subjects/svc-54-value\""));
    assert!(!second.contains("href=\"/ui/subjects/doc-0-value\""));

    let json_only = ok_page(&app, "/ui/subjects?format=JSON").await;
    assert_eq!(body_rows(&json_only), 5);
    assert!(json_only.contains("<option value=\"JSON\" selected>"));
    assert!(!json_only.contains("svc-"));

    let named = ok_page(&app, "/ui/subjects?name=SVC-0&format=").await;
    assert_eq!(body_rows(&named), 10);
    assert!(named.contains("value=\"SVC-0\""));

    let full = ok_page(&app, "/ui/subjects?compatibility=FULL").await;
    assert_eq!(body_rows(&full), 1);
    assert!(full.contains("svc-07-value"));
    let backward = ok_page(&app, "/ui/subjects?compatibility=backward&name=svc").await;
    assert_eq!(body_rows(&backward), 50);
    assert!(backward.contains("54 subjects"));
    assert!(
        backward.contains("href=\"/ui/subjects?name=svc&#38;compatibility=BACKWARD&#38;page=2\"")
    );

    let beyond = ok_page(&app, "/ui/subjects?page=9").await;
    assert_eq!(body_rows(&beyond), 0);
    assert!(beyond.contains("There are no subjects on page 9"));
}

#[tokio::test]
async fn the_diff_shows_each_change_with_its_verdict() {
    let app = TestApp::spawn().await;
    let base = avro_order(&[json!({"name": "note", "type": "string"})]);
    app.register_ok("orders-value", &base).await;
    // Dropping a field without a default: fine for BACKWARD (new reads old), breaks
    // FORWARD (old readers need the field).
    app.register_ok("orders-value", &avro_order(&[])).await;

    let diff = ok_page(&app, "/ui/subjects/orders-value/diff").await;
    assert!(diff.contains("Compatible under BACKWARD"));
    assert!(diff.contains("compatible under BACKWARD"));
    assert!(diff.contains("old reads new"));
    assert!(diff.contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
    assert!(
        diff.contains("class=\"src del\""),
        "the removed field is marked"
    );

    let (status, _) = app
        .put("/config/orders-value", json!({"compatibility": "FULL"}))
        .await;
    assert_eq!(status, 200);
    let diff = ok_page(&app, "/ui/subjects/orders-value/diff?from=1&to=2").await;
    assert!(diff.contains("Breaking under FULL"));
    assert!(diff.contains("breaking under FULL"));

    // Reversed, the same change is an added field without a default: breaks BACKWARD.
    let reversed = ok_page(&app, "/ui/subjects/orders-value/diff?from=2&to=1").await;
    assert!(reversed.contains("new reads old"));
    assert!(reversed.contains("breaking under FULL"));

    let same = ok_page(&app, "/ui/subjects/orders-value/diff?from=2&to=2").await;
    assert!(same.contains("Same version"));
}

#[tokio::test]
async fn downloads_are_attachments_with_typed_names() {
    let app = TestApp::spawn().await;
    seed_formats(&app).await;
    app.register_ok("team%2Fx", &avro_order(&[])).await;
    for (path, content_type, file) in [
        (
            "/ui/subjects/orders-value/versions/1/download",
            "application/json",
            "orders-value-v1.avsc",
        ),
        (
            "/ui/subjects/shipments-value/versions/latest/download",
            "text/plain",
            "shipments-value-v2.proto",
        ),
        (
            "/ui/subjects/emails-value/versions/2/download",
            "application/schema+json",
            "emails-value-v2.json",
        ),
        (
            "/ui/subjects/team%2Fx/versions/1/download",
            "application/json",
            "team_x-v1.avsc",
        ),
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("sent");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let headers = response.headers();
        let got_type = headers[header::CONTENT_TYPE].to_str().expect("ascii");
        assert!(got_type.starts_with(content_type), "{path}: {got_type}");
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"{file}\""),
            "{path}"
        );
        let body = response.text().await.expect("body");
        assert!(!body.is_empty());
    }
    let response = app
        .client
        .get(app.url("/ui/subjects/shipments-value/versions/2/download"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.text().await.expect("body"), {
        let (_, stored) = app.get("/subjects/shipments-value/versions/2").await;
        stored["schema"].as_str().expect("schema").to_string()
    });
}

#[tokio::test]
async fn static_files_are_served_with_long_cache_headers() {
    let app = TestApp::spawn().await;
    let home = ok_page(&app, "/ui/").await;
    for (marker, content_type) in [
        ("<link rel=\"stylesheet\" href=\"", "text/css"),
        ("<script src=\"", "text/javascript"),
        ("<link rel=\"icon\" href=\"", "image/svg+xml"),
    ] {
        let start = home.find(marker).expect(marker) + marker.len();
        let href = &home[start..start + home[start..].find('"').expect("closing quote")];
        assert!(href.starts_with("/ui/static/"), "{href}");
        let response = app.client.get(app.url(href)).send().await.expect("sent");
        assert_eq!(response.status().as_u16(), 200, "{href}");
        let headers = response.headers();
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .expect("ascii")
                .starts_with(content_type)
        );
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
    }
}

#[tokio::test]
async fn the_root_sends_browsers_to_the_portal_and_clients_get_json() {
    let app = TestApp::spawn().await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for accept in [BROWSER_ACCEPT, "text/html"] {
        let response = no_redirects
            .get(app.url("/"))
            .header(header::ACCEPT, accept)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status().as_u16(), 303, "{accept}");
        assert_eq!(response.headers()[header::LOCATION], "/ui/");
    }

    let (status, body) = app.get("/").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({}));
    for accept in ["*/*", "application/json", V1] {
        let response = no_redirects
            .get(app.url("/"))
            .header(header::ACCEPT, accept)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status().as_u16(), 200, "{accept}");
        assert_eq!(response.text().await.expect("body"), "{}", "{accept}");
    }
}

#[tokio::test]
async fn portal_pages_carry_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/ui/")).send().await.expect("sent");
    let headers = response.headers();
    let csp = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}
