//! Observed usage through the real front door: two principals reading the same subject are
//! told apart (with their client libraries), mapped to the catalog application that names
//! them, and compared with what the catalog declares; a deprecated event's schemas carry
//! the deprecation headers on every read endpoint; bad parameters and a flood of fake
//! clients get clear answers and bounded memory.

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::helpers::{TestApp, V1};
use herald::usage::UsageSettings;

const ACCESS: &str = r#"users:
  - name: root
    password_hash: "ROOT"
  - name: svc-billing
    password_hash: "BILLING"
  - name: svc-stranger
    password_hash: "STRANGER"
  - name: svc-writer
    password_hash: "WRITER"
grants:
  - to: user:root
    role: admin
    on: "*"
  - to: user:svc-billing
    role: read
    on: "*"
  - to: user:svc-stranger
    role: read
    on: "*"
  - to: user:svc-writer
    role: write
    on: "*"
"#;

fn basic(name: &str) -> String {
    format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{name}:{name}-pw")
        )
    )
}

struct Registry {
    app: TestApp,
}

impl Registry {
    async fn start(usage: UsageSettings) -> Self {
        let hash = |p: &str| herald::access::secrets::hash_password(p).expect("hash");
        let access = ACCESS
            .replace("ROOT", &hash("root-pw"))
            .replace("BILLING", &hash("svc-billing-pw"))
            .replace("STRANGER", &hash("svc-stranger-pw"))
            .replace("WRITER", &hash("svc-writer-pw"));
        Self {
            app: TestApp::spawn_with_access_and_usage(&access, usage).await,
        }
    }

    /// Sends as `who` with the given extra headers; the status, headers and JSON body.
    async fn send(
        &self,
        who: &str,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, HeaderMap, Value) {
        let mut request = self
            .app
            .client
            .request(method, self.app.url(path))
            .header("Authorization", basic(who));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.header("Content-Type", V1).body(body.to_string());
        }
        let response = request.send().await.expect("sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }

    async fn root(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, _, body) = self.send("root", method, path, &[], body).await;
        assert!((200..300).contains(&status), "{path}: {status} {body}");
        body
    }

    async fn register(&self, subject: &str, name: &str) -> i64 {
        let schema =
            json!({"type": "record", "name": name, "fields": [{"name": "a", "type": "string"}]});
        let body = self
            .root(
                Method::POST,
                &format!("/subjects/{subject}/versions"),
                Some(json!({"schema": schema.to_string()})),
            )
            .await;
        body["id"].as_i64().expect("an id")
    }

    async fn flush(&self) {
        self.root(Method::POST, "/usage/flush", None).await;
    }
}

fn reads(body: &Value) -> Vec<Value> {
    body["reads"].as_array().cloned().unwrap_or_default()
}

fn find<'a>(reads: &'a [Value], principal: &str) -> Vec<&'a Value> {
    reads
        .iter()
        .filter(|r| r["principal"] == principal)
        .collect()
}

#[tokio::test]
async fn two_principals_reading_one_subject_are_told_apart_named_and_compared_with_the_catalog() {
    let registry = Registry::start(UsageSettings::default()).await;
    let id = registry.register("payments-value", "Payment").await;
    registry
        .root(
            Method::PUT,
            "/catalog/topics/payments",
            Some(json!({"name": "payments"})),
        )
        .await;
    registry
        .root(
            Method::PUT,
            "/catalog/applications/billing",
            Some(json!({
                "name": "billing",
                "principals": ["svc-billing"],
                "consumes": [{"topic": "payments", "versions": "latest"}]
            })),
        )
        .await;

    let python = [("User-Agent", "confluent-kafka-python/2.6.1")];
    let (status, _, _) = registry
        .send(
            "svc-billing",
            Method::GET,
            "/subjects/payments-value/versions/latest",
            &python,
            None,
        )
        .await;
    assert_eq!(status, 200);
    // The stranger reads by id: once cold, twice warm (the fast lane counts too).
    let java = [
        ("Confluent-Client-Version", "java/7.6.0"),
        ("User-Agent", "Java/17"),
    ];
    for _ in 0..3 {
        let (status, _, _) = registry
            .send(
                "svc-stranger",
                Method::GET,
                &format!("/schemas/ids/{id}"),
                &java,
                None,
            )
            .await;
        assert_eq!(status, 200);
    }
    // A read without any client header is still counted, with no client.
    let (status, _, _) = registry
        .send(
            "svc-stranger",
            Method::GET,
            "/subjects/payments-value/versions/1",
            &[],
            None,
        )
        .await;
    assert_eq!(status, 200);
    registry.flush().await;

    let report = registry
        .root(Method::GET, "/usage/subjects/payments-value", None)
        .await;
    let rows = reads(&report);
    let billing = find(&rows, "svc-billing");
    assert_eq!(billing.len(), 1, "{report}");
    assert_eq!(billing[0]["application"], "billing");
    assert_eq!(billing[0]["client"], "confluent-kafka-python/2.6.1");
    assert_eq!(billing[0]["access"], "latest");
    assert_eq!(billing[0]["version"], 1);
    assert_eq!(billing[0]["schemaId"], id);
    assert_eq!(billing[0]["count"], 1);
    assert_eq!(billing[0]["address"], "127.0.0.1");

    let stranger = find(&rows, "svc-stranger");
    let by_id = stranger
        .iter()
        .find(|r| r["access"] == "id")
        .expect("the stranger's reads by id");
    assert_eq!(by_id["count"], 3, "cold and warm reads all count");
    assert_eq!(by_id["client"], "java/7.6.0", "the Confluent header wins");
    assert_eq!(
        by_id["subject"], "payments-value",
        "an id is placed in its subject"
    );
    assert_eq!(by_id["version"], 1);
    assert!(
        by_id.get("application").is_none(),
        "no application names it"
    );
    let bare = stranger
        .iter()
        .find(|r| r["access"] == "version")
        .expect("the headerless read");
    assert!(bare.get("client").is_none(), "{bare}");

    // Per id, per principal, per application.
    let per_id = registry
        .root(Method::GET, &format!("/usage/ids/{id}"), None)
        .await;
    assert_eq!(reads(&per_id).len(), rows.len());
    let per_app = registry
        .root(Method::GET, "/usage/applications/billing", None)
        .await;
    assert_eq!(reads(&per_app).len(), 1);
    assert_eq!(reads(&per_app)[0]["principal"], "svc-billing");
    let per_principal = registry
        .root(Method::GET, "/usage/principals/svc-stranger", None)
        .await;
    assert_eq!(reads(&per_principal).len(), 2);
    let unknown = registry
        .root(Method::GET, "/usage/principals/nobody-at-all", None)
        .await;
    assert!(reads(&unknown).is_empty(), "{unknown}");

    // CSV: a header and one line per JSON row, the same counts.
    let csv = registry
        .app
        .client
        .get(
            registry
                .app
                .url("/usage/subjects/payments-value?format=csv"),
        )
        .header("Authorization", basic("root"))
        .send()
        .await
        .expect("csv");
    assert_eq!(
        csv.headers()["content-type"].to_str().ok(),
        Some("text/csv; charset=utf-8")
    );
    let text = csv.text().await.expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("principal,application,client,address,access,schema_id"));
    assert_eq!(lines.len(), rows.len() + 1, "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("svc-stranger,,java/7.6.0,127.0.0.1,id,") && l.ends_with(",3")),
        "{text}"
    );

    // Drift: billing is a declared consumer, seen; the stranger is undeclared.
    let drift = registry
        .root(Method::GET, "/drift/subjects/payments-value", None)
        .await;
    let declared = drift["declared"].as_array().cloned().unwrap_or_default();
    assert_eq!(declared.len(), 1, "{drift}");
    assert_eq!(declared[0]["application"], "billing");
    assert_eq!(declared[0]["status"], "reading");
    assert_eq!(
        declared[0]["clients"],
        json!(["confluent-kafka-python/2.6.1"])
    );
    let undeclared = drift["undeclaredReaders"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(undeclared.len(), 1, "{drift}");
    assert_eq!(undeclared[0]["reader"], "svc-stranger");
    assert_eq!(undeclared[0]["count"], 4);
}

#[tokio::test]
async fn a_declared_consumer_never_seen_is_silent_and_one_reading_outside_its_range_drifts() {
    let registry = Registry::start(UsageSettings::default()).await;
    registry.register("orders-value", "Order").await;
    // A second, compatible version (a field with a default).
    let v2 = json!({"type": "record", "name": "Order", "fields": [
        {"name": "a", "type": "string"},
        {"name": "b", "type": "string", "default": ""}]});
    registry
        .root(
            Method::POST,
            "/subjects/orders-value/versions",
            Some(json!({"schema": v2.to_string()})),
        )
        .await;
    registry
        .root(
            Method::PUT,
            "/catalog/topics/orders",
            Some(json!({"name": "orders"})),
        )
        .await;
    for (app, principal) in [("billing", "svc-billing"), ("shipping", "svc-shipping")] {
        registry
            .root(
                Method::PUT,
                &format!("/catalog/applications/{app}"),
                Some(json!({
                    "name": app,
                    "principals": [principal],
                    "consumes": [{"topic": "orders", "versions": ">=2"}]
                })),
            )
            .await;
    }
    // billing declares >=2 and still fetches version 1.
    let (status, _, _) = registry
        .send(
            "svc-billing",
            Method::GET,
            "/subjects/orders-value/versions/1",
            &[],
            None,
        )
        .await;
    assert_eq!(status, 200);
    registry.flush().await;
    let drift = registry
        .root(Method::GET, "/drift/subjects/orders-value", None)
        .await;
    let status_of = |app: &str| {
        drift["declared"]
            .as_array()
            .and_then(|d| d.iter().find(|r| r["application"] == app))
            .map(|r| (r["status"].clone(), r["outsideRange"].clone()))
    };
    assert_eq!(
        status_of("billing"),
        Some((json!("version-drift"), json!([1]))),
        "{drift}"
    );
    assert_eq!(
        status_of("shipping"),
        Some((json!("silent"), json!([]))),
        "{drift}"
    );
    // The landscape lists it among the drifting subjects; the application its side only.
    let landscape = registry
        .root(Method::GET, "/drift?drifting=true", None)
        .await;
    assert!(
        landscape["subjects"]
            .as_array()
            .is_some_and(|s| s.iter().any(|d| d["subject"] == "orders-value")),
        "{landscape}"
    );
    let mine = registry
        .root(Method::GET, "/drift/applications/shipping", None)
        .await;
    let subjects = mine["subjects"].as_array().cloned().unwrap_or_default();
    assert_eq!(subjects.len(), 1, "{mine}");
    assert_eq!(subjects[0]["declared"][0]["application"], "shipping");
    assert_eq!(subjects[0]["declared"].as_array().map(Vec::len), Some(1));
}

/// 2026-09-01T00:00:00Z, worked out by hand: 2026-01-01 is 1 767 225 600 and September
/// starts 243 days later.
const DEPRECATED_ON: &str = "@1788220800";

#[tokio::test]
async fn every_read_of_a_deprecated_events_schemas_carries_deprecation_sunset_and_successor() {
    let registry = Registry::start(UsageSettings::default()).await;
    let old = registry.register("legacy-value", "Legacy").await;
    let new = registry.register("modern-value", "Modern").await;
    registry
        .root(
            Method::PUT,
            "/catalog/events/Modern",
            Some(json!({"name": "Modern", "subject": "modern-value"})),
        )
        .await;
    let legacy = json!({
        "name": "Legacy", "subject": "legacy-value", "lifecycle": "deprecated",
        "deprecatedOn": "2026-09-01", "sunset": "2027-03-31", "replacedBy": "Modern"
    });
    registry
        .root(Method::PUT, "/catalog/events/Legacy", Some(legacy.clone()))
        .await;
    let schema =
        json!({"type": "record", "name": "Legacy", "fields": [{"name": "a", "type": "string"}]});
    let reads = [
        (Method::GET, format!("/schemas/ids/{old}"), None),
        // twice: the second answer comes from the fast lane
        (Method::GET, format!("/schemas/ids/{old}"), None),
        (Method::GET, format!("/schemas/ids/{old}/schema"), None),
        (Method::GET, format!("/schemas/ids/{old}/subjects"), None),
        (Method::GET, format!("/schemas/ids/{old}/versions"), None),
        (
            Method::GET,
            "/subjects/legacy-value/versions".to_owned(),
            None,
        ),
        (
            Method::GET,
            "/subjects/legacy-value/versions/1".to_owned(),
            None,
        ),
        (
            Method::GET,
            "/subjects/legacy-value/versions/latest".to_owned(),
            None,
        ),
        (
            Method::GET,
            "/subjects/legacy-value/versions/latest".to_owned(),
            None,
        ),
        (
            Method::GET,
            "/subjects/legacy-value/versions/1/schema".to_owned(),
            None,
        ),
        (
            Method::GET,
            "/subjects/legacy-value/versions/1/referencedby".to_owned(),
            None,
        ),
        (
            Method::POST,
            "/subjects/legacy-value".to_owned(),
            Some(json!({"schema": schema.to_string()})),
        ),
    ];
    for (method, path, body) in &reads {
        let (status, headers, _) = registry
            .send("svc-billing", method.clone(), path, &[], body.clone())
            .await;
        assert_eq!(status, 200, "{path}");
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header("deprecation").as_deref(),
            Some(DEPRECATED_ON),
            "{path}"
        );
        assert_eq!(
            header("sunset").as_deref(),
            Some("Wed, 31 Mar 2027 00:00:00 GMT"),
            "{path}"
        );
        let link = header("link").unwrap_or_default();
        assert!(
            link.contains("</subjects/modern-value/versions/latest>; rel=\"successor-version\""),
            "{path}: {link}"
        );
        assert!(
            link.contains("</ui/events/Legacy>; rel=\"deprecation\""),
            "{path}: {link}"
        );
    }
    // The replacement's answers carry none.
    for path in [
        format!("/schemas/ids/{new}"),
        "/subjects/modern-value/versions/latest".to_owned(),
    ] {
        let (status, headers, _) = registry
            .send("svc-billing", Method::GET, &path, &[], None)
            .await;
        assert_eq!(status, 200);
        assert!(headers.get("deprecation").is_none(), "{path}");
    }
    // Un-deprecated, the warm answer by id loses them at once.
    let mut released = legacy;
    released["lifecycle"] = json!("released");
    registry
        .root(Method::PUT, "/catalog/events/Legacy", Some(released))
        .await;
    for _ in 0..2 {
        let (_, headers, _) = registry
            .send(
                "svc-billing",
                Method::GET,
                &format!("/schemas/ids/{old}"),
                &[],
                None,
            )
            .await;
        assert!(headers.get("deprecation").is_none());
        assert!(headers.get("sunset").is_none());
    }
}

#[tokio::test]
async fn a_flood_of_fake_user_agents_stays_within_the_cap_and_the_drops_are_counted() {
    let settings = UsageSettings {
        max_keys: 50,
        // Only this test's flushes run.
        flush_every: std::time::Duration::from_secs(3600),
        ..UsageSettings::default()
    };
    let registry = Registry::start(settings).await;
    let id = registry.register("flood-value", "Flood").await;
    // The registration's own sighting goes first, so the flood starts on an empty tally.
    registry.flush().await;
    for i in 0..300 {
        let agent = format!("fake-agent/{i}");
        let (status, _, _) = registry
            .send(
                "svc-stranger",
                Method::GET,
                &format!("/schemas/ids/{id}"),
                &[("User-Agent", agent.as_str())],
                None,
            )
            .await;
        assert_eq!(status, 200);
    }
    let (_, _, status) = registry
        .send("root", Method::GET, "/usage", &[], None)
        .await;
    assert_eq!(status["pendingKeys"], 50, "{status}");
    assert_eq!(status["droppedSinceStart"], 250, "{status}");
    let (_, _, flushed) = registry
        .send("root", Method::POST, "/usage/flush", &[], None)
        .await;
    assert_eq!(flushed, json!({"rows": 50, "dropped": 250}));
    let report = registry
        .root(Method::GET, &format!("/usage/ids/{id}?days=1"), None)
        .await;
    // The 50 agents admitted, and the registration flushed before the flood.
    assert_eq!(reads(&report).len(), 51);
    // A long User-Agent is cut, not kept whole.
    let long = "x".repeat(5000);
    registry
        .send(
            "svc-stranger",
            Method::GET,
            &format!("/schemas/ids/{id}"),
            &[("User-Agent", long.as_str())],
            None,
        )
        .await;
    registry.flush().await;
    let report = registry
        .root(Method::GET, &format!("/usage/ids/{id}"), None)
        .await;
    let longest = reads(&report)
        .iter()
        .filter_map(|r| r["client"].as_str().map(str::len))
        .max();
    assert_eq!(longest, Some(120));
}

#[tokio::test]
async fn bad_usage_parameters_get_clear_errors() {
    let registry = Registry::start(UsageSettings::default()).await;
    registry.register("s-value", "S").await;
    for (path, status, needle) in [
        ("/usage/subjects/s-value?days=0", 400, "days"),
        ("/usage/subjects/s-value?days=abc", 400, "days"),
        ("/usage/subjects/s-value?days=100000", 400, "retention"),
        ("/usage/subjects/s-value?format=xml", 400, "format"),
        ("/usage/applications/nope", 404, "nope"),
        ("/usage/applications/bad%20name", 400, "bad name"),
        ("/drift/applications/nope", 404, "nope"),
        ("/usage/ids/abc", 404, ""),
        ("/drift?days=-1", 400, "days"),
    ] {
        let (got, _, body) = registry.send("root", Method::GET, path, &[], None).await;
        assert_eq!(got, status, "{path}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(body["error_code"].is_u64(), "{path}: {body}");
        assert!(message.contains(needle), "{path}: {message}");
    }
    // Usage of a subject nobody read, or that does not exist, is empty, not an error.
    for path in [
        "/usage/subjects/s-value",
        "/usage/subjects/never-registered",
    ] {
        let (got, _, body) = registry.send("root", Method::GET, path, &[], None).await;
        assert_eq!(got, 200, "{path}");
        assert_eq!(body["reads"], json!([]));
    }
}

#[tokio::test]
async fn retiring_an_event_still_read_is_refused_naming_its_readers_unless_an_admin_forces_it() {
    let registry = Registry::start(UsageSettings::default()).await;
    registry.register("legacy-value", "Legacy").await;
    let event = json!({"name": "Legacy", "subject": "legacy-value", "lifecycle": "deprecated"});
    registry
        .root(Method::PUT, "/catalog/events/Legacy", Some(event.clone()))
        .await;
    let (status, _, _) = registry
        .send(
            "svc-billing",
            Method::GET,
            "/subjects/legacy-value/versions/latest",
            &[],
            None,
        )
        .await;
    assert_eq!(status, 200);
    registry.flush().await;

    let mut retired = event;
    retired["lifecycle"] = json!("retired");
    // A writer may edit the catalog, but not retire what is read.
    for path in [
        "/catalog/events/Legacy",
        "/catalog/events/Legacy?force=true",
    ] {
        let (status, _, body) = registry
            .send("svc-writer", Method::PUT, path, &[], Some(retired.clone()))
            .await;
        assert_eq!(status, 409, "{path}: {body}");
        assert_eq!(body["error_code"], 40920);
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("svc-billing"), "{message}");
        assert!(message.contains("event Legacy"), "{message}");
    }
    let (_, _, still) = registry
        .send("root", Method::GET, "/catalog/events/Legacy", &[], None)
        .await;
    assert_eq!(
        still["lifecycle"], "deprecated",
        "the refused write changed nothing"
    );
    // An admin forces it.
    let (status, _, body) = registry
        .send(
            "root",
            Method::PUT,
            "/catalog/events/Legacy?force=true",
            &[],
            Some(retired),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Hard-deleting its subject is refused the same way (the soft delete is not), until an
    // admin forces it too.
    let (status, _, _) = registry
        .send("root", Method::DELETE, "/subjects/legacy-value", &[], None)
        .await;
    assert_eq!(status, 200);
    let (status, _, body) = registry
        .send(
            "root",
            Method::DELETE,
            "/subjects/legacy-value?permanent=true",
            &[],
            None,
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error_code"], 40920);
    let (status, _, body) = registry
        .send(
            "root",
            Method::DELETE,
            "/subjects/legacy-value?permanent=true&force=true",
            &[],
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Every refusal and every force is in the audit trail, with the readers.
    let (_, _, trail) = registry
        .send("root", Method::GET, "/audit?action=usage.", &[], None)
        .await;
    let actions: Vec<(String, String)> = trail["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["actor"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let count = |action: &str, actor: &str| {
        actions
            .iter()
            .filter(|(a, b)| a == action && b == actor)
            .count()
    };
    // (The audit names a principal with how it authenticated.)
    assert_eq!(
        count("usage.retirement_refused", "svc-writer (basic)"),
        2,
        "{trail}"
    );
    assert_eq!(
        count("usage.retirement_refused", "root (basic)"),
        1,
        "{trail}"
    );
    assert_eq!(
        count("usage.retirement_forced", "root (basic)"),
        2,
        "{trail}"
    );
    // The readers, not the registration that made the subject.
    let readers = &trail["entries"][0]["details"]["readers"];
    assert_eq!(readers.as_array().map(Vec::len), Some(1), "{trail}");
    assert_eq!(readers[0]["reader"], "svc-billing", "{trail}");
}

#[tokio::test]
async fn a_catalog_file_or_a_delete_retiring_an_event_still_read_is_refused_too() {
    let registry = Registry::start(UsageSettings::default()).await;
    registry.register("kept-value", "Kept").await;
    registry
        .root(
            Method::PUT,
            "/catalog/events/Kept",
            Some(json!({"name": "Kept", "subject": "kept-value"})),
        )
        .await;
    let (status, _, _) = registry
        .send(
            "svc-stranger",
            Method::GET,
            "/subjects/kept-value/versions/1",
            &[],
            None,
        )
        .await;
    assert_eq!(status, 200);
    registry.flush().await;
    let file = "events:\n  - name: Kept\n    subject: kept-value\n    lifecycle: retired\n";
    let apply = |query: &'static str| {
        registry
            .app
            .client
            .post(registry.app.url(&format!("/catalog/apply{query}")))
            .header("Authorization", basic("svc-writer"))
            .header("Content-Type", "application/yaml")
            .body(file)
            .send()
    };
    // A dry run only plans; the real one is refused.
    let dry = apply("?dryRun=true").await.expect("dry run");
    assert_eq!(dry.status().as_u16(), 200);
    let refused = apply("").await.expect("apply");
    assert_eq!(refused.status().as_u16(), 409);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["error_code"], 40920, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("svc-stranger")
    );
    // Deleting the event is retiring it for good.
    let (status, _, body) = registry
        .send(
            "svc-writer",
            Method::DELETE,
            "/catalog/events/Kept",
            &[],
            None,
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, _, event) = registry
        .send("root", Method::GET, "/catalog/events/Kept", &[], None)
        .await;
    assert_eq!(
        (status, event["lifecycle"].clone()),
        (200, Value::Null),
        "still released: {event}"
    );
    let (status, _, _) = registry
        .send(
            "root",
            Method::DELETE,
            "/catalog/events/Kept?force=true",
            &[],
            None,
        )
        .await;
    assert_eq!(status, 204);
}
