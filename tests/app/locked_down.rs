//! A locked-down registry (no anonymous grants) with the demo landscape: an anonymous
//! visitor who follows every link it is given sees only the sign-in page, public files and
//! the API documents — no subject, schema or catalog name of the demo.

use std::collections::{BTreeSet, VecDeque};

use crate::helpers::TestApp;

const ACCESS: &str = r#"users:
  - name: admin
    password_hash: "HASH"
session:
  key: "a-session-key-of-at-least-thirty-two-characters"
grants:
  - to: user:admin
    role: admin
    on: "*"
"#;

/// Every `href` and `src` of a page that stays on this site.
fn links(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\"", "action=\""] {
        for piece in page.split(attribute).skip(1) {
            if let Some(link) = piece.split('"').next()
                && link.starts_with('/')
                && !link.starts_with("//")
            {
                found.push(link.replace("&amp;", "&"));
            }
        }
    }
    found
}

#[tokio::test]
async fn an_anonymous_crawl_of_a_locked_down_portal_sees_nothing_of_the_data() {
    let hash = herald::access::secrets::hash_password("admin-pw").expect("hash");
    let app = TestApp::spawn_with_access_and_demo(&ACCESS.replace("HASH", &hash), true).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .expect("client");
    // What the demo holds, which no anonymous page may name.
    let admin = format!(
        "Basic {}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "admin:admin-pw")
    );
    let subjects: Vec<String> = client
        .get(app.url("/subjects"))
        .header("Authorization", &admin)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("subjects");
    assert!(subjects.len() > 10, "the demo is loaded: {subjects:?}");
    // Start from every page an architect would bookmark, plus every subject's page.
    let mut queue: VecDeque<String> = [
        "/ui",
        "/ui/subjects",
        "/ui/catalog",
        "/ui/topics",
        "/ui/events",
        "/ui/applications",
        "/ui/domains",
        "/ui/teams",
        "/ui/search?q=order",
        "/ui/audit",
        "/ui/catalog/fields",
        "/ui/schemas/1",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(subjects.iter().map(|s| format!("/ui/subjects/{s}")))
    .collect();
    let mut seen = BTreeSet::new();
    let mut visited = 0;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > 400 {
            continue;
        }
        let response = client.get(app.url(&path)).send().await.expect("sent");
        let landed = response.url().path().to_owned();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        visited += 1;
        if path.starts_with("/ui/")
            && !path.starts_with("/ui/static/")
            && !path.starts_with("/ui/sign-in")
        {
            assert!(
                landed.starts_with("/ui/sign-in") || status == 404,
                "{path}: anonymous landed on {landed} ({status})"
            );
        }
        // The visitor's own address (kept as the sign-in page's `next`) is not a leak.
        let asked = percent_decoded(&path);
        for subject in subjects.iter().filter(|s| !asked.contains(s.as_str())) {
            assert!(
                !body.contains(subject.as_str()),
                "{path} (landed on {landed}) names the subject {subject}"
            );
        }
        if landed.starts_with("/ui") {
            queue.extend(links(&body));
        }
    }
    assert!(
        visited > subjects.len(),
        "the crawl visited {visited} pages"
    );
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
