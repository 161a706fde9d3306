//! The event catalog's HTML pages (`/ui/topics`, `/ui/applications`, `/ui/events`,
//! `/ui/domains`, `/ui/teams`, `/ui/catalog`...) over the demo landscape.

use serde_json::json;

use crate::helpers::TestApp;

/// GETs a page; returns its status, content type and body.
async fn page(app: &TestApp, path: &str) -> (u16, String, String) {
    let response = app
        .client
        .get(app.url(path))
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, response.text().await.expect("body"))
}

/// GETs a page that must render; returns its body.
async fn html(app: &TestApp, path: &str) -> String {
    let (status, content_type, body) = page(app, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    assert!(
        content_type.starts_with("text/html"),
        "{path}: {content_type}"
    );
    assert!(body.starts_with("<!doctype html>"), "{path}");
    assert!(body.trim_end().ends_with("</html>"), "{path}");
    body
}

/// The part of `body` from the first `start` to the next `end` after it.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in the page"));
    let rest = &body[from..];
    let to = rest
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not after {start:?}"));
    &rest[..to + end.len()]
}

fn assert_contains(body: &str, needles: &[&str], what: &str) {
    for needle in needles {
        assert!(body.contains(needle), "{what}: {needle:?} missing");
    }
}

#[tokio::test]
async fn every_catalog_page_renders_with_its_links() {
    let app = TestApp::spawn_with_demo().await;
    let cases: &[(&str, &[&str])] = &[
        (
            "/ui/topics",
            &[
                "<h1>Topics</h1>",
                r#"href="/ui/topics/orders.order-events""#,
                r#"href="/ui/domains/orders""#,
                r#"href="/ui/teams/checkout-team""#,
                r#"<label for="f-q">"#,
            ],
        ),
        (
            "/ui/topics/orders.order-events",
            &[
                "orders.order-events",
                r#"href="/ui/subjects/orders.order-events-com.shop.orders.OrderPlaced""#,
                r#"href="/ui/events/OrderPlaced""#,
                r#"href="/ui/applications/inventory-service""#,
                r#"href="/catalog/topics/orders.order-events""#,
                "topic-record",
                "partitions",
            ],
        ),
        (
            "/ui/applications",
            &[
                "<h1>Applications</h1>",
                r#"href="/ui/applications/order-service""#,
            ],
        ),
        (
            "/ui/applications/order-service",
            &[
                r#"href="/catalog/applications/order-service/asyncapi?format=yaml""#,
                r#"href="/catalog/applications/order-service/asyncapi?format=json""#,
                r#"href="https://git.example.com/shop/order-service""#,
                r#"href="/ui/topics/payments.payment-commands""#,
                r#"href="/ui/events/PlaceOrder""#,
                "<code>1-2</code>",
            ],
        ),
        (
            "/ui/events",
            &["<h1>Events</h1>", r#"href="/ui/events/OrderShipped""#],
        ),
        (
            "/ui/events/PlaceOrder",
            &[
                "Command",
                r#"href="/ui/subjects/orders.order-commands-value""#,
                r#"href="/ui/applications/storefront-web""#,
                r#"href="/ui/applications/order-service""#,
                r#"class="table fields""#,
            ],
        ),
        (
            "/ui/domains",
            &["<h1>Domains</h1>", r#"href="/ui/domains/payments""#],
        ),
        (
            "/ui/domains/orders",
            &[
                r#"href="/ui/teams/checkout-team""#,
                r#"href="/ui/applications/storefront-web""#,
                r#"href="/ui/topics/orders.order-commands""#,
                r#"href="/ui/events/CartCheckedOut""#,
                "<svg",
            ],
        ),
        (
            "/ui/teams",
            &["<h1>Teams</h1>", r#"href="/ui/teams/risk-team""#],
        ),
        (
            "/ui/teams/checkout-team",
            &[
                r#"href="mailto:checkout@shop.example.com""#,
                "#team-checkout",
                r#"href="https://wiki.example.com/teams/checkout""#,
                "alice.meier",
                r#"href="/ui/applications/order-service""#,
                r#"href="/ui/domains/orders""#,
            ],
        ),
        (
            "/ui/catalog",
            &[
                r#"href="/catalog/asyncapi?format=yaml""#,
                r#"href="/catalog/asyncapi?format=json""#,
                r#"href="/catalog/export""#,
                r#"href="/openapi.json""#,
                r#"href="/api-docs/""#,
                r#"href="/ui/events/OrderShipped""#,
            ],
        ),
        (
            "/ui/catalog/fields",
            &[r#"href="/ui/catalog/fields?tag=PII""#],
        ),
    ];
    for (path, needles) in cases {
        let body = html(&app, path).await;
        assert_contains(&body, needles, path);
        // Exactly one h1, inside main; the nav marks the section of list and entity pages.
        assert_eq!(body.matches("<h1").count(), 1, "{path}: one h1");
    }
}

#[tokio::test]
async fn nav_highlights_the_catalog_section() {
    let app = TestApp::spawn_with_demo().await;
    let body = html(&app, "/ui/events/OrderPlaced").await;
    assert!(
        body.contains(r#"<a href="/ui/events" aria-current="page">Events</a>"#),
        "events highlighted"
    );
}

#[tokio::test]
async fn topic_flow_svg_shows_producers_and_consumers() {
    let app = TestApp::spawn_with_demo().await;
    let body = html(&app, "/ui/topics/payments.payment-events").await;
    let svg = between(&body, "<svg xmlns", "</svg>");
    for app_name in [
        "payment-service",
        "order-service",
        "fraud-detector",
        "notification-service",
        "analytics-pipeline",
    ] {
        assert!(
            svg.contains(&format!("/ui/applications/{app_name}")),
            "{app_name} in the flow"
        );
    }
    assert!(svg.contains("payments.payment-events"));
    // Producers and consumers tables resolve version ranges to concrete versions.
    let consumers = between(&body, r#"id="consumers-title""#, "</table>");
    assert!(
        consumers.contains(r#"href="/ui/subjects/shop.payments.v1.PaymentAuthorized/versions/2""#),
        "order-service reads PaymentAuthorized >=1, which is v1 and v2 today"
    );
}

#[tokio::test]
async fn topic_page_marks_subjects_not_registered_yet() {
    let app = TestApp::spawn_with_demo().await;
    // Topic strategy: the key subject is derived but the demo registers none.
    let body = html(&app, "/ui/topics/orders.order-commands").await;
    let subjects = between(&body, r#"id="subjects-title""#, "</table>");
    assert!(subjects.contains("orders.order-commands-key"));
    assert!(subjects.contains("not registered yet"));
    assert!(subjects.contains(r#"href="/ui/subjects/orders.order-commands-value/versions/2""#));
}

#[tokio::test]
async fn deprecated_event_shows_its_sunset_and_replacement() {
    let app = TestApp::spawn_with_demo().await;
    let body = html(&app, "/ui/events/OrderShipped").await;
    let banner = between(&body, r#"<div class="banner banner-warning""#, "</div>");
    assert_contains(
        banner,
        &[
            "Deprecated",
            "sunset on",
            r#"<time datetime="2027-03-31">2027-03-31</time>"#,
            r#"href="/ui/events/ShipmentDispatched""#,
        ],
        "banner",
    );
    // The replacement lists what it replaces.
    let replacement = html(&app, "/ui/events/ShipmentDispatched").await;
    assert!(!replacement.contains("banner-warning"));
    let replaces = between(&replacement, r#"id="replaces-title""#, "</section>");
    assert!(replaces.contains(r#"href="/ui/events/OrderShipped""#));
    // A retired event says so too.
    let retired = html(&app, "/ui/events/CartCheckedOut").await;
    let banner = between(&retired, r#"<div class="banner banner-danger""#, "</div>");
    assert!(banner.contains("Retired"));
    assert!(banner.contains(r#"href="/ui/events/PlaceOrder""#));
}

#[tokio::test]
async fn event_fields_link_their_tags_to_the_field_index() {
    let app = TestApp::spawn_with_demo().await;
    let body = html(&app, "/ui/events/CustomerProfileChanged").await;
    let fields = between(&body, r#"id="fields-title""#, "</table>");
    assert!(
        fields.contains(r#"href="/ui/catalog/fields?tag=PII""#),
        "PII tag links"
    );
    assert!(
        fields.contains("field-name d1"),
        "nested fields are indented"
    );
}

#[tokio::test]
async fn pii_fields_page_lists_who_reads_them() {
    let app = TestApp::spawn_with_demo().await;
    let body = html(&app, "/ui/catalog/fields?tag=PII").await;
    assert!(body.contains("Fields tagged"));
    let table = between(&body, "<table", "</table>");
    assert!(table.contains(r#"href="/ui/subjects/customers.customer-profiles-value""#));
    // fraud-detector reads the customer profiles.
    let row = between(
        table,
        r#"href="/ui/subjects/customers.customer-profiles-value""#,
        "</tr>",
    );
    assert!(
        row.contains(r#"href="/ui/applications/customer-service""#),
        "writer"
    );
    assert!(
        row.contains(r#"href="/ui/applications/fraud-detector""#),
        "reader"
    );
    // Tags match ignoring case.
    let lower = html(&app, "/ui/catalog/fields?tag=pii").await;
    assert!(lower.contains(r#"href="/ui/subjects/customers.customer-profiles-value""#));
}

#[tokio::test]
async fn lists_filter_through_their_get_forms() {
    let app = TestApp::spawn_with_demo().await;
    let deprecated = html(&app, "/ui/events?lifecycle=deprecated").await;
    assert!(deprecated.contains(r#"href="/ui/events/OrderShipped""#));
    assert!(!deprecated.contains(r#"href="/ui/events/OrderPlaced""#));
    assert!(deprecated.contains(r#"<option value="deprecated" selected>"#));

    let topics = html(&app, "/ui/topics?domain=payments&tag=PCI").await;
    assert!(topics.contains(r#"href="/ui/topics/payments.payment-events""#));
    assert!(!topics.contains(r#"href="/ui/topics/orders.order-events""#));

    let apps = html(&app, "/ui/applications?q=saga").await;
    assert!(apps.contains(r#"href="/ui/applications/order-service""#));
    assert!(!apps.contains(r#"href="/ui/applications/payment-service""#));

    let none = html(&app, "/ui/teams?q=nobody-like-this").await;
    assert!(none.contains("No team matches these filters"));

    let (status, content_type, body) = page(&app, "/ui/events?lifecycle=sunset").await;
    assert_eq!(status, 400);
    assert!(content_type.starts_with("text/html"));
    assert!(body.contains("Unknown lifecycle"));
}

#[tokio::test]
async fn unknown_entities_get_the_portal_404_page() {
    let app = TestApp::spawn_with_demo().await;
    for path in [
        "/ui/topics/no-such-topic",
        "/ui/applications/no-such-app",
        "/ui/events/NoSuchEvent",
        "/ui/domains/nowhere",
        "/ui/teams/nobody",
        "/ui/events/not%20a%20name",
    ] {
        let (status, content_type, body) = page(&app, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(content_type.starts_with("text/html"), "{path}");
        assert!(body.contains("Not found"), "{path}");
        assert!(body.contains("in the catalog"), "{path}: {body}");
    }
}

#[tokio::test]
async fn descriptions_are_markdown_with_html_escaped() {
    let app = TestApp::spawn().await;
    let topic = json!({
        "name": "evil.topic",
        "title": "<img src=x onerror=alert(1)>",
        "description": "Hi <script>alert('x')</script> **bold** [click](javascript:alert(1))",
        "tags": ["<b>tag</b>"],
        "metadata": {"retention": "<i>7d</i>"}
    });
    let (status, body) = app.put("/catalog/topics/evil.topic", topic).await;
    assert!(status == 201 || status == 200, "{status}: {body}");
    let body = html(&app, "/ui/topics/evil.topic").await;
    assert!(!body.contains("<script>alert"), "script escaped");
    assert!(body.contains("&lt;script&gt;"), "script shown as text");
    assert!(body.contains("<strong>bold</strong>"), "Markdown rendered");
    assert!(!body.contains("javascript:"), "javascript: link dropped");
    assert!(!body.contains("<img src=x"), "title escaped");
    assert!(!body.contains("<b>tag</b>"), "tag escaped");
    assert!(!body.contains("<i>7d</i>"), "metadata escaped");
    let list = html(&app, "/ui/topics").await;
    assert!(!list.contains("<img src=x"), "title escaped in the list");
}

#[tokio::test]
async fn catalog_pages_carry_the_portal_security_headers() {
    let app = TestApp::spawn_with_demo().await;
    let response = app
        .client
        .get(app.url("/ui/topics"))
        .send()
        .await
        .expect("sent");
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(
        response
            .headers()
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
}

#[tokio::test]
async fn an_empty_catalog_explains_itself() {
    let app = TestApp::spawn().await;
    for path in [
        "/ui/topics",
        "/ui/applications",
        "/ui/events",
        "/ui/domains",
        "/ui/teams",
    ] {
        let body = html(&app, path).await;
        assert!(body.contains("The catalog has no"), "{path}");
    }
    let body = html(&app, "/ui/catalog/fields").await;
    assert!(body.contains("No field of any latest schema carries a tag"));
}

#[tokio::test]
async fn the_registry_pages_show_the_catalog() {
    let app = TestApp::spawn_with_demo().await;
    let home = html(&app, "/ui/").await;
    let glance = between(&home, "catalog-glance-title", "</section>");
    assert_contains(
        glance,
        &["/ui/applications", "/ui/topics", "OrderShipped"],
        "home",
    );

    let search = html(&app, "/ui/search?q=email").await;
    let fields = between(&search, "id=\"field-hits\"", "</section>");
    assert_contains(
        fields,
        &["<code>email</code>", "/ui/applications/"],
        "field hits",
    );

    let subject = "orders.order-events-com.shop.orders.OrderShipped";
    let version = html(&app, &format!("/ui/subjects/{subject}")).await;
    assert_contains(
        &version,
        &[
            "banner banner-warning",
            "sunset on 2027-03-31",
            "use ShipmentDispatched",
        ],
        "lifecycle banner",
    );
    let panel = between(&version, "clients-title", "</section>");
    assert_contains(
        panel,
        &[
            "/ui/applications/notification-service",
            "consumes",
            "uses this version",
            "/ui/events/OrderShipped",
        ],
        "producers and consumers",
    );
}

#[tokio::test]
async fn subjects_filter_by_tag() {
    let app = TestApp::spawn_with_demo().await;
    let body = html(&app, "/ui/subjects?tag=pii").await;
    let table = between(&body, "<tbody", "</tbody>");
    // Field-level PII tags in all three formats.
    assert_contains(
        table,
        &[
            "customers.customer-profiles-value",
            "orders.order-commands-value",
            "payments.payment-commands-value",
        ],
        "subjects tagged PII",
    );
    assert!(
        !table.contains("fraud.fraud-scores-key"),
        "untagged subjects are filtered out"
    );
    let none = html(&app, "/ui/subjects?tag=no-such-tag").await;
    assert!(
        !none.contains("<tbody"),
        "no subject carries an unknown tag"
    );
}
