//! What a reader of part of the registry sees: lists, search, the portal's pages and the
//! exported documents show only what it may read, and every link it is given opens. The
//! demo landscape is the data; who may read what is worked out from the administrator's
//! own export, so nothing here mirrors the implementation.

use std::collections::{BTreeSet, VecDeque};

use reqwest::Method;
use serde_json::Value;

use crate::helpers::TestApp;

const ACCESS: &str = r#"users:
  - name: root
    password_hash: "ROOT"
  - name: orders-reader
    password_hash: "READER"
grants:
  - to: user:root
    role: admin
    on: "*"
  - to: user:orders-reader
    role: read
    on: "domain:orders"
"#;

fn basic(name: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{name}:{password}")
        )
    )
}

struct Landscape {
    app: TestApp,
    root: String,
    reader: String,
    /// The administrator's view: the whole catalog file, as JSON.
    whole: Value,
}

impl Landscape {
    async fn start() -> Self {
        let hash = |p: &str| herald::access::secrets::hash_password(p).expect("hash");
        let access = ACCESS
            .replace("ROOT", &hash("root-pw"))
            .replace("READER", &hash("reader-pw"));
        let app = TestApp::spawn_with_access_and_demo(&access, true).await;
        let root = basic("root", "root-pw");
        let reader = basic("orders-reader", "reader-pw");
        let (status, whole) = app
            .call_as(
                Some(&root),
                Method::GET,
                "/catalog/export?format=json",
                None,
            )
            .await;
        assert_eq!(status, 200, "{whole}");
        Self {
            app,
            root,
            reader,
            whole,
        }
    }

    /// The names of `kind` (plural, as in the catalog file) in the orders domain, and of
    /// every other domain, by the administrator's export.
    fn split(&self, kind: &str) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut orders = BTreeSet::new();
        let mut others = BTreeSet::new();
        for entity in self.whole[kind].as_array().expect("a list") {
            let name = entity["name"].as_str().expect("a name").to_owned();
            let domain = if kind == "domains" {
                entity["name"].as_str()
            } else {
                entity["domain"].as_str()
            };
            if domain == Some("orders") {
                orders.insert(name);
            } else {
                others.insert(name);
            }
        }
        (orders, others)
    }

    /// Subjects the catalog binds to events of the orders domain, and to other events.
    fn event_subjects(&self) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut orders = BTreeSet::new();
        let mut others = BTreeSet::new();
        for event in self.whole["events"].as_array().expect("events") {
            let Some(subject) = event["subject"].as_str() else {
                continue;
            };
            if event["domain"].as_str() == Some("orders") {
                orders.insert(subject.to_owned());
            } else {
                others.insert(subject.to_owned());
            }
        }
        // A subject bound to events of both sides is the reader's.
        let others = others.difference(&orders).cloned().collect();
        (orders, others)
    }

    async fn json(&self, who: &str, path: &str) -> Value {
        let (status, body) = self.app.call_as(Some(who), Method::GET, path, None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    async fn page(&self, who: &str, path: &str) -> (u16, String) {
        let response = self
            .app
            .client
            .get(self.app.url(path))
            .header("Authorization", who)
            .send()
            .await
            .expect("sent");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a body"))
    }
}

fn names(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_catalog_export_asyncapi_and_fields_hold_only_what_the_reader_may_read() {
    let land = Landscape::start().await;
    let (orders_topics, other_topics) = land.split("topics");
    let (orders_events, other_events) = land.split("events");
    assert!(!orders_topics.is_empty() && !other_topics.is_empty());

    // The export: the orders domain's entities, and none of any other domain.
    let mine = land
        .json(&land.reader, "/catalog/export?format=json&schemas=true")
        .await;
    assert_eq!(names(&mine["topics"]), orders_topics);
    assert_eq!(names(&mine["events"]), orders_events);
    assert_eq!(
        names(&mine["domains"]),
        BTreeSet::from(["orders".to_owned()])
    );
    let (orders_subjects, other_subjects) = land.event_subjects();
    let exported: BTreeSet<String> = mine["schemas"]
        .as_array()
        .expect("schemas")
        .iter()
        .filter_map(|s| s["subject"].as_str().map(str::to_owned))
        .collect();
    assert!(
        exported.is_superset(&orders_subjects),
        "{exported:?} lacks some of {orders_subjects:?}"
    );
    assert!(
        exported.is_disjoint(&other_subjects),
        "{:?}",
        exported.intersection(&other_subjects).collect::<Vec<_>>()
    );
    // The administrator's export holds the rest: the filter is the reader's, not a bug.
    assert!(names(&land.whole["topics"]).is_superset(&other_topics));

    // AsyncAPI: channels are the orders topics only.
    let asyncapi = land.json(&land.reader, "/catalog/asyncapi").await;
    let channels: BTreeSet<String> = asyncapi["channels"]
        .as_object()
        .expect("channels")
        .values()
        .filter_map(|c| c["address"].as_str().map(str::to_owned))
        .collect();
    assert!(!channels.is_empty());
    assert!(
        channels.is_subset(&orders_topics),
        "{channels:?} ⊄ {orders_topics:?}"
    );
    let everything = land.json(&land.root, "/catalog/asyncapi").await;
    assert!(
        everything["channels"].as_object().expect("channels").len() > channels.len(),
        "the administrator sees more channels"
    );

    // Tagged fields: only of subjects the reader may read.
    let fields = land.json(&land.reader, "/catalog/fields").await;
    for field in fields.as_array().expect("fields") {
        let subject = field["subject"].as_str().expect("a subject");
        assert!(
            !other_subjects.contains(subject),
            "a field of {subject} leaked"
        );
    }
    let all_fields = land.json(&land.root, "/catalog/fields").await;
    assert!(
        all_fields
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["subject"]
                .as_str()
                .is_some_and(|s| other_subjects.contains(s))),
        "the demo tags fields outside the orders domain"
    );

    // Search: no entity of another domain; the administrator finds them.
    for query in ["payment", "customer", "shipment"] {
        let hits = land.json(&land.reader, &format!("/search?q={query}")).await;
        for hit in hits["hits"].as_array().expect("hits") {
            let name = hit["name"].as_str().unwrap_or_default();
            match hit["kind"].as_str() {
                Some("topic") => assert!(!other_topics.contains(name), "{query}: {hit}"),
                Some("event") => assert!(!other_events.contains(name), "{query}: {hit}"),
                Some("subject") => assert!(!other_subjects.contains(name), "{query}: {hit}"),
                Some("field") => assert!(
                    !other_subjects.contains(hit["subject"].as_str().unwrap_or_default()),
                    "{query}: {hit}"
                ),
                _ => {}
            }
        }
    }
    let hits = land.json(&land.root, "/search?q=payment").await;
    assert!(
        hits["hits"].as_array().expect("hits").iter().any(
            |h| h["kind"] == "topic" && other_topics.contains(h["name"].as_str().unwrap_or(""))
        ),
        "the administrator finds other domains' topics: {hits}"
    );
}

#[tokio::test]
async fn wire_validation_resolves_only_ids_the_reader_may_read() {
    let land = Landscape::start().await;
    let (orders_subjects, other_subjects) = land.event_subjects();
    let id_of = async |subject: &str| {
        let latest = land
            .json(&land.root, &format!("/subjects/{subject}/versions/latest"))
            .await;
        u32::try_from(latest["id"].as_i64().expect("an id")).expect("a small id")
    };
    let frame = |id: u32| {
        let mut bytes = vec![0u8];
        bytes.extend(id.to_be_bytes());
        bytes.extend([0u8; 4]);
        bytes
    };
    let validate = async |who: &str, id: u32| {
        let response = land
            .app
            .client
            .post(land.app.url("/validate/wire"))
            .header("Authorization", who)
            .header("Content-Type", "application/octet-stream")
            .body(frame(id))
            .send()
            .await
            .expect("sent");
        let status = response.status().as_u16();
        (
            status,
            response.json::<Value>().await.unwrap_or(Value::Null),
        )
    };
    let hidden = id_of(
        other_subjects
            .iter()
            .next()
            .expect("another domain's subject"),
    )
    .await;
    let own = id_of(orders_subjects.iter().next().expect("an orders subject")).await;
    let (status, body) = validate(&land.reader, hidden).await;
    assert_eq!(
        (status, &body["error_code"]),
        (404, &40403.into()),
        "{body}"
    );
    let (status, body) = validate(&land.reader, own).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["schemaId"], own, "{body}");
    let (status, body) = validate(&land.root, hidden).await;
    assert_eq!(status, 200, "{body}");
}

/// Every same-site link of an HTML page.
fn links(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for piece in page.split(attribute).skip(1) {
            if let Some(link) = piece.split('"').next()
                && link.starts_with("/ui")
            {
                found.push(link.replace("&amp;", "&"));
            }
        }
    }
    found
}

#[tokio::test]
async fn a_domain_readers_portal_lists_only_its_domain_and_every_link_opens() {
    let land = Landscape::start().await;
    let (orders_topics, other_topics) = land.split("topics");
    let (_, other_apps) = land.split("applications");
    let (_, other_subjects) = land.event_subjects();
    let hidden_pages: BTreeSet<String> = other_topics
        .iter()
        .map(|t| format!("/ui/topics/{t}"))
        .chain(other_apps.iter().map(|a| format!("/ui/applications/{a}")))
        .collect();

    // The list pages name the reader's topics and none of the others.
    let (status, topics) = land.page(&land.reader, "/ui/topics").await;
    assert_eq!(status, 200);
    for topic in &orders_topics {
        assert!(topics.contains(topic.as_str()), "{topic} is listed");
    }
    for topic in &other_topics {
        assert!(
            !topics.contains(&format!("/ui/topics/{topic}\"")),
            "{topic} is not"
        );
    }
    let (_, subjects) = land.page(&land.reader, "/ui/subjects").await;
    for subject in &other_subjects {
        assert!(!subjects.contains(subject.as_str()), "{subject} is listed");
    }
    let (_, root_subjects) = land.page(&land.root, "/ui/subjects").await;
    assert!(
        other_subjects
            .iter()
            .any(|s| root_subjects.contains(s.as_str())),
        "the administrator's list holds them"
    );

    // Crawl from the home page: every link opens, and none leads to a hidden page.
    let mut queue: VecDeque<String> = ["/ui", "/ui/catalog", "/ui/search?q=order"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(path) = queue.pop_front() {
        let bare = path.split(['?', '#']).next().unwrap_or_default().to_owned();
        if !seen.insert(path.clone()) || seen.len() > 400 || bare.ends_with("/download") {
            continue;
        }
        let (status, body) = land.page(&land.reader, &path).await;
        assert_eq!(status, 200, "{path} opens for the reader");
        for link in links(&body) {
            assert!(
                !hidden_pages.contains(link.split('?').next().unwrap_or_default()),
                "{path} links to hidden {link}"
            );
            if link.starts_with("/ui/static") || link.starts_with("/ui/sign-") {
                continue;
            }
            queue.push_back(link);
        }
    }
    assert!(seen.len() > 20, "the crawl went somewhere: {}", seen.len());
}

#[tokio::test]
async fn a_subject_prefix_grant_shows_the_topics_and_events_that_carry_those_subjects() {
    // No grant here names a domain or team: the topics still show through their subjects.
    let hash = herald::access::secrets::hash_password("p-pw").expect("hash");
    let access = format!(
        "users:\n  - name: p\n    password_hash: \"{hash}\"\n\
         grants:\n  - to: user:p\n    role: read\n    on: \"subject-prefix:payments.\"\n"
    );
    let app = TestApp::spawn_with_access_and_demo(&access, true).await;
    let who = basic("p", "p-pw");
    let (status, topics) = app
        .call_as(Some(&who), Method::GET, "/catalog/topics", None)
        .await;
    assert_eq!(status, 200, "{topics}");
    let listed = names(&topics["items"]);
    assert!(
        listed.iter().any(|t| t.starts_with("payments.")),
        "payments topics are listed: {listed:?}"
    );
    assert!(
        listed.iter().all(|t| t.starts_with("payments.")),
        "only they are: {listed:?}"
    );
    let response = app
        .client
        .get(app.url("/ui/events"))
        .header("Authorization", &who)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.expect("a page");
    assert!(page.contains("href=\"/ui/events/"), "some event is listed");
}

#[tokio::test]
async fn referenced_by_names_only_the_referrers_the_caller_may_read() {
    // A reader of the shared Money schema alone: the orders schemas that reference it stay
    // unnamed, as their subjects do.
    let hash = herald::access::secrets::hash_password("m-pw").expect("hash");
    let root_hash = herald::access::secrets::hash_password("root-pw").expect("hash");
    let access = format!(
        "users:\n  - name: m\n    password_hash: \"{hash}\"\n  - name: root\n    password_hash: \"{root_hash}\"\n\
         grants:\n  - to: user:m\n    role: read\n    on: \"subject:com.shop.common.Money\"\n\
         \x20 - to: user:root\n    role: admin\n    on: \"*\"\n"
    );
    let app = TestApp::spawn_with_access_and_demo(&access, true).await;
    let path = "/subjects/com.shop.common.Money/versions/1/referencedby";
    let (status, all) = app
        .call_as(Some(&basic("root", "root-pw")), Method::GET, path, None)
        .await;
    assert_eq!(status, 200, "{all}");
    assert!(
        !all.as_array().expect("ids").is_empty(),
        "the demo references Money: {all}"
    );
    let (status, mine) = app
        .call_as(Some(&basic("m", "m-pw")), Method::GET, path, None)
        .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine, serde_json::json!([]), "no referrer is readable");
}
