//! The audit trail: `/ui/audit`, `GET /audit` and a subject's History section list what
//! registrations, deletes, config changes and catalog edits recorded, with their actor;
//! the filters narrow, paging walks every entry once, bad parameters are 400s.

use reqwest::header;
use serde_json::{Value, json};

use crate::helpers::*;

/// Who the Confluent writes below claim to be: with access control off, every API takes
/// `X-Herald-Actor` (with it on, the principal; tests/app/access.rs).
const CONFLUENT_ACTOR: &str = "carol";

/// A catalog file that registers a schema and sets the subject's level.
const FILE: &str = r#"
topics:
  - name: payments.events
schemas:
  - subject: payments-value
    compatibility: FULL
    versions:
      - schema: '{"type":"record","name":"Payment","fields":[{"name":"id","type":"string"}]}'
"#;

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    actor: &str,
    content_type: &str,
    body: String,
) -> u16 {
    let response = app
        .client
        .request(method, app.url(path))
        .header("X-Herald-Actor", actor)
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    assert!(
        status < 300,
        "{path}: {status} {}",
        response.text().await.unwrap_or_default()
    );
    status
}

/// A registration, a soft delete and a config change on the Confluent API; a catalog edit
/// by "erin" and a catalog file applied by "frank" (its registration and level included).
async fn history(app: &TestApp) {
    use reqwest::Method;
    let schema = |n: usize| json!({"schema": order(n).to_string()}).to_string();
    send(
        app,
        Method::POST,
        "/subjects/orders-value/versions",
        "carol",
        V1,
        schema(0),
    )
    .await;
    send(
        app,
        Method::POST,
        "/subjects/orders-value/versions",
        "carol",
        V1,
        schema(1),
    )
    .await;
    send(
        app,
        Method::DELETE,
        "/subjects/orders-value/versions/1",
        "carol",
        V1,
        String::new(),
    )
    .await;
    let level = json!({"compatibility": "NONE"}).to_string();
    send(app, Method::PUT, "/config/orders-value", "carol", V1, level).await;
    let team = json!({"name": "payments", "email": "p@example.com"}).to_string();
    send(
        app,
        Method::POST,
        "/catalog/teams",
        "erin",
        "application/json",
        team,
    )
    .await;
    send(
        app,
        Method::POST,
        "/catalog/apply",
        "frank",
        "application/yaml",
        FILE.into(),
    )
    .await;
}

/// An Avro record with `extra` optional fields: each one compatible with the one before.
fn order(extra: usize) -> Value {
    let fields: Vec<Value> = (0..extra)
        .map(|n| json!({"name": format!("f{n}"), "type": "string", "default": ""}))
        .collect();
    record("Order", &fields)
}

async fn trail(app: &TestApp, query: &str) -> (Vec<Value>, Option<i64>) {
    let (status, body) = app.get(&format!("/audit{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    let entries = body["entries"].as_array().expect("entries").clone();
    (entries, body["next"].as_i64())
}

/// (actor, action, target) of each entry, newest first.
fn triples(entries: &[Value]) -> Vec<(String, String, String)> {
    let text = |entry: &Value, key: &str| entry[key].as_str().expect("text").to_owned();
    entries
        .iter()
        .map(|e| (text(e, "actor"), text(e, "action"), text(e, "target")))
        .collect()
}

fn has(entries: &[Value], actor: &str, action: &str, target: &str) -> bool {
    triples(entries)
        .iter()
        .any(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()) == (actor, action, target))
}

async fn html(app: &TestApp, path: &str) -> (u16, String) {
    let response = app
        .client
        .get(app.url(path))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

fn rows(page: &str) -> usize {
    let Some(start) = page.find("<tbody>") else {
        return 0;
    };
    let end = page[start..]
        .find("</tbody>")
        .map_or(page.len(), |e| start + e);
    page[start..end].matches("<tr").count()
}

#[tokio::test]
async fn every_write_is_listed_with_its_actor() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let (all, next) = trail(&app, "").await;
    assert_eq!(next, None, "one page holds it all");
    let c = CONFLUENT_ACTOR;
    for (actor, action, target) in [
        (c, "schema.registered", "orders-value"),
        (c, "versions.deleted", "orders-value"),
        (c, "config.set", "orders-value"),
        ("erin", "catalog.team.created", "team/payments"),
        ("frank", "schema.registered", "payments-value"),
        ("frank", "config.set", "payments-value"),
        ("frank", "catalog.topic.created", "topic/payments.events"),
    ] {
        assert!(
            has(&all, actor, action, target),
            "{actor} {action} {target}: {all:?}"
        );
    }
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().expect("id")).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let registered = all
        .iter()
        .find(|e| e["action"] == "schema.registered" && e["target"] == "orders-value")
        .expect("registration");
    assert_eq!(
        registered["details"]["version"], 2,
        "the newest registration first"
    );
    assert!(registered["details"]["id"].is_i64());
    assert!(registered["at"].as_str().is_some_and(|t| t.ends_with('Z')));

    let page = html(&app, "/ui/audit").await;
    assert_eq!(page.0, 200);
    assert_eq!(rows(&page.1), all.len());
    for needle in [
        ">erin<",
        ">frank<",
        "href=\"/ui/subjects/orders-value\"",
        "href=\"/ui/subjects/orders-value/versions/2\"",
        "href=\"/ui/teams/payments\"",
        "Versions soft-deleted",
        "aria-current=\"page\">Audit trail<",
    ] {
        assert!(page.1.contains(needle), "/ui/audit lacks {needle}");
    }
}

#[tokio::test]
async fn filters_narrow_the_list_on_the_api_and_the_page() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let (all, _) = trail(&app, "").await;

    let (frank, _) = trail(&app, "?actor=frank").await;
    assert!(!frank.is_empty());
    assert!(triples(&frank).iter().all(|(actor, ..)| actor == "frank"));
    assert_eq!(
        frank.len(),
        triples(&all).iter().filter(|(a, ..)| a == "frank").count()
    );

    let (catalog, _) = trail(&app, "?action=catalog.").await;
    assert_eq!(
        triples(&catalog)
            .iter()
            .map(|(_, action, _)| action.as_str())
            .collect::<Vec<_>>(),
        ["catalog.topic.created", "catalog.team.created"]
    );
    let (exact, _) = trail(&app, "?action=config.set&subject=orders-value").await;
    assert_eq!(
        triples(&exact),
        [(
            CONFLUENT_ACTOR.into(),
            "config.set".into(),
            "orders-value".into()
        )]
    );
    let (subject, _) = trail(&app, "?subject=orders-value").await;
    assert_eq!(
        subject.len(),
        4,
        "two registrations, a delete, a level: {subject:?}"
    );
    let (nobody, _) = trail(&app, "?actor=frank&subject=orders-value").await;
    assert!(nobody.is_empty());

    // Time: everything is from today; nothing is from before 2000 or after 9000.
    let newest = all[0]["at"].as_str().expect("at");
    let today = &newest[..10];
    assert_eq!(
        trail(&app, &format!("?from={today}&to={today}"))
            .await
            .0
            .len(),
        all.len()
    );
    assert!(trail(&app, "?to=1999-12-31").await.0.is_empty());
    assert!(
        trail(&app, "?from=9000-01-01T00:00:00%2B02:00")
            .await
            .0
            .is_empty()
    );
    let (since_newest, _) = trail(&app, &format!("?from={newest}")).await;
    assert!(
        since_newest
            .iter()
            .all(|e| e["at"].as_str() >= Some(newest))
    );
    assert!(!since_newest.is_empty() && since_newest.len() < all.len());

    // The page: the same narrowing, the form keeping what was typed.
    let (status, page) = html(&app, "/ui/audit?actor=frank&action=catalog.").await;
    assert_eq!(status, 200);
    assert_eq!(rows(&page), 1);
    assert!(page.contains("value=\"frank\"") && page.contains("value=\"catalog.\""));
    let (_, empty) = html(&app, "/ui/audit?actor=nobody").await;
    assert_eq!(rows(&empty), 0);
    assert!(
        empty.contains("No audit entry matches these filters"),
        "{empty}"
    );
}

#[tokio::test]
async fn paging_walks_every_entry_once_with_the_filters_kept() {
    let app = TestApp::spawn().await;
    for n in 0..7 {
        app.register_ok(&format!("s{n}"), &record(&format!("R{n}"), &[]))
            .await;
    }
    let team = json!({"name": "ops"}).to_string();
    send(
        &app,
        reqwest::Method::POST,
        "/catalog/teams",
        "erin",
        "application/json",
        team,
    )
    .await;
    let (all, _) = trail(&app, "").await;
    assert_eq!(all.len(), 8);

    let mut seen = Vec::new();
    let mut query = "?limit=3".to_owned();
    loop {
        let (page, next) = trail(&app, &query).await;
        assert!(page.len() <= 3);
        seen.extend(page.iter().map(|e| e["id"].as_i64().expect("id")));
        match next {
            Some(before) => query = format!("?limit=3&before={before}"),
            None => break,
        }
        assert!(seen.len() <= all.len(), "paging ends");
    }
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().expect("id")).collect();
    assert_eq!(seen, ids, "no gap, no duplicate");

    // The page's "Older" link carries the filters and the cursor.
    let (_, first) = html(&app, "/ui/audit?action=schema.registered&limit=5").await;
    assert_eq!(rows(&first), 5);
    let older = first
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.contains("before="))
        .expect("an Older link")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(
        older.starts_with("/ui/audit?action=schema.registered&limit=5&before="),
        "{older}"
    );
    let (_, second) = html(&app, &older).await;
    assert_eq!(rows(&second), 2, "the other registrations");
    assert!(
        !second.contains(">erin<"),
        "the action filter holds on the older page"
    );
    assert!(
        !second.contains("rel=\"next\""),
        "the last page has no Older link"
    );
}

#[tokio::test]
async fn a_subject_page_shows_its_history() {
    let app = TestApp::spawn().await;
    app.register_ok("orders-value", &order(0)).await;
    app.register_ok("other-value", &record("O", &[])).await;
    let level = json!({"compatibility": "NONE"});
    assert_eq!(app.put("/config/orders-value", level).await.0, 200);
    app.register_ok("orders-value", &order(1)).await;

    let (status, page) = html(&app, "/ui/subjects/orders-value").await;
    assert_eq!(status, 200);
    let history = &page[page
        .find("id=\"history-title\"")
        .expect("a History section")..];
    assert_eq!(
        rows(history),
        3,
        "the subject's three changes, not the other subject's"
    );
    assert!(history.contains("href=\"/ui/audit?subject=orders-value\""));
    assert!(history.contains("Compatibility config set"));
    assert!(!history.contains("other-value"));
}

#[tokio::test]
async fn fields_are_escaped_on_the_page() {
    let app = TestApp::spawn().await;
    let team = json!({"name": "ops", "description": "<script>alert(1)</script>"}).to_string();
    send(
        &app,
        reqwest::Method::POST,
        "/catalog/teams",
        "<b>eve</b>",
        "application/json",
        team,
    )
    .await;
    let (_, page) = html(&app, "/ui/audit?actor=%3Cb%3Eeve%3C%2Fb%3E").await;
    assert_eq!(rows(&page), 1);
    assert!(!page.contains("<b>eve</b>") && !page.contains("<script>alert"));
    assert!(
        page.contains("&lt;b&gt;eve&lt;/b&gt;") || page.contains("&#60;b&#62;eve&#60;/b&#62;"),
        "the actor, escaped"
    );
}

#[tokio::test]
async fn bad_parameters_are_400s_never_500s() {
    let app = TestApp::spawn().await;
    app.register_ok("s", &record("A", &[])).await;
    for (query, named) in [
        ("?from=yesterday", "`from`"),
        ("?to=2026-02-30", "`to`"),
        ("?from=2026-02-01&to=2026-01-01", "after"),
        ("?before=abc", "`before`"),
        ("?before=0", "`before`"),
        ("?limit=0", "`limit`"),
        ("?limit=many", "`limit`"),
    ] {
        let result = app.get(&format!("/audit{query}")).await;
        let message = assert_error(&result, 400, 400);
        assert!(message.contains(named), "{query}: {message}");
        let (status, page) = html(&app, &format!("/ui/audit{query}")).await;
        assert_eq!(status, 400, "/ui/audit{query}");
        assert!(
            page.contains(named),
            "/ui/audit{query}: the page says what is wrong"
        );
    }
    // A large limit is capped, not refused.
    assert_eq!(trail(&app, "?limit=100000").await.0.len(), 1);
}

#[tokio::test]
async fn the_audit_api_is_in_the_openapi_document() {
    let app = TestApp::spawn().await;
    let (_, document) = app.get("/openapi.json").await;
    let operation = &document["paths"]["/audit"]["get"];
    assert!(operation.is_object(), "GET /audit is documented");
    let names: Vec<&str> = operation["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "actor", "subject", "action", "from", "to", "before", "limit"
        ]
    );
    assert!(operation["responses"]["400"].is_object());
    assert!(document["components"]["schemas"]["AuditPageBody"].is_object());
}
