//! The permission matrix: every role against every endpoint group, on SQLite and on
//! PostgreSQL, through the real front door. Each cell is the status the caller must get;
//! a new route joins a group here when it joins `api/door/permissions.rs`.

mod pg_cluster;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use herald::access::Access;
use herald::access::secrets::hash_password;
use herald::app::{self, App};
use herald::secret::DatabaseUrl;
use reqwest::{Client, Method};
use serde_json::{Value, json};

const V1: &str = "application/vnd.schemaregistry.v1+json";

/// Stands for the portal's stylesheet, whose address carries its content hash.
const STYLESHEET: &str = "(the portal stylesheet)";

/// The callers, in the matrix's column order.
const CALLERS: [&str; 5] = ["anonymous", "outsider", "reader", "writer", "admin"];

/// One request and the status each caller gets, in [`CALLERS`] order.
struct Cell {
    group: &'static str,
    method: Method,
    path: &'static str,
    body: Option<Value>,
    expect: [u16; 5],
}

fn schema_body() -> Value {
    json!({"schema": json!({"type": "record", "name": "S", "fields": [{"name": "a", "type": "string"}]}).to_string()})
}

fn cells() -> Vec<Cell> {
    let cell = |group, method, path, body, expect| Cell {
        group,
        method,
        path,
        body,
        expect,
    };
    let get = Method::GET;
    let post = Method::POST;
    let put = Method::PUT;
    // anonymous, outsider (no grants), reader (read *), writer (write *), admin (admin *)
    const READ: [u16; 5] = [401, 404, 200, 200, 200];
    const LIST: [u16; 5] = [401, 200, 200, 200, 200];
    const WRITE: [u16; 5] = [401, 403, 403, 200, 200];
    const ADMIN: [u16; 5] = [401, 403, 403, 403, 200];
    const PUBLIC: [u16; 5] = [200, 200, 200, 200, 200];
    // The portal sends an anonymous reader to its sign-in page (303) instead of 401.
    const PAGE: [u16; 5] = [303, 404, 200, 200, 200];
    // Lists and exports show each caller what it may read (nothing, for the outsider).
    const LIST_PAGE: [u16; 5] = [303, 200, 200, 200, 200];
    vec![
        cell(
            "confluent read",
            get.clone(),
            "/subjects/s-value/versions/1",
            None,
            READ,
        ),
        cell(
            "confluent read",
            get.clone(),
            "/subjects/s-value/versions",
            None,
            READ,
        ),
        cell(
            "confluent read",
            get.clone(),
            "/schemas/ids/1",
            None,
            [401, 404, 200, 200, 200],
        ),
        cell(
            "confluent read",
            get.clone(),
            "/schemas/ids/1/versions",
            None,
            READ,
        ),
        cell(
            "confluent read",
            post.clone(),
            "/subjects/s-value",
            Some(schema_body()),
            READ,
        ),
        cell(
            "confluent read",
            get.clone(),
            "/config/s-value?defaultToGlobal=true",
            None,
            READ,
        ),
        cell("confluent list", get.clone(), "/subjects", None, LIST),
        cell("confluent list", get.clone(), "/schemas", None, LIST),
        cell("confluent list", get.clone(), "/config", None, LIST),
        cell("confluent list", get.clone(), "/mode", None, LIST),
        cell("confluent list", get.clone(), "/schemas/types", None, LIST),
        cell(
            "confluent write",
            post.clone(),
            "/subjects/s-value/versions",
            Some(schema_body()),
            WRITE,
        ),
        cell(
            "confluent write",
            post.clone(),
            "/compatibility/subjects/s-value/versions/latest",
            Some(schema_body()),
            WRITE,
        ),
        cell(
            "confluent admin",
            put.clone(),
            "/config/s-value",
            Some(json!({"compatibility": "BACKWARD"})),
            ADMIN,
        ),
        cell(
            "confluent admin",
            put.clone(),
            "/mode/s-value",
            Some(json!({"mode": "READWRITE"})),
            ADMIN,
        ),
        cell(
            "confluent admin",
            put.clone(),
            "/config",
            Some(json!({"compatibility": "BACKWARD"})),
            ADMIN,
        ),
        cell(
            "confluent admin",
            put.clone(),
            "/mode",
            Some(json!({"mode": "READWRITE"})),
            ADMIN,
        ),
        cell(
            "confluent admin",
            Method::DELETE,
            "/subjects/gone-value?permanent=true",
            None,
            [401, 403, 403, 403, 404],
        ),
        cell(
            "validate",
            post.clone(),
            "/validate/subjects/s-value/versions/1",
            Some(json!({"a": "x"})),
            READ,
        ),
        cell("catalog list", get.clone(), "/catalog/domains", None, LIST),
        cell(
            "catalog read",
            get.clone(),
            "/catalog/domains/d",
            None,
            [401, 404, 200, 200, 200],
        ),
        cell("catalog list", get.clone(), "/search?q=s", None, LIST),
        cell(
            "catalog read",
            get.clone(),
            "/catalog/subjects/s-value",
            None,
            READ,
        ),
        cell(
            "catalog write",
            put.clone(),
            "/catalog/domains/d",
            Some(json!({"name": "d", "title": "D"})),
            WRITE,
        ),
        cell("exports", get.clone(), "/catalog/export", None, LIST),
        cell("exports", get.clone(), "/catalog/asyncapi", None, LIST),
        cell("exports", get.clone(), "/catalog/fields", None, LIST),
        cell("exports", get.clone(), "/search?q=s", None, LIST),
        cell(
            "whole-catalog write",
            post.clone(),
            "/catalog/apply?dryRun=true",
            None,
            WRITE,
        ),
        cell("portal", get.clone(), "/ui", None, LIST_PAGE),
        cell("portal", get.clone(), "/ui/subjects", None, LIST_PAGE),
        cell("portal", get.clone(), "/ui/search?q=s", None, LIST_PAGE),
        cell("portal", get.clone(), "/ui/topics", None, LIST_PAGE),
        cell("portal", get.clone(), "/ui/domains", None, LIST_PAGE),
        cell("portal", get.clone(), "/ui/catalog", None, LIST_PAGE),
        cell("portal", get.clone(), "/ui/catalog/fields", None, LIST_PAGE),
        cell("portal", get.clone(), "/ui/drift", None, LIST_PAGE),
        cell("portal", get.clone(), "/ui/deprecations", None, LIST_PAGE),
        cell("portal", get.clone(), "/ui/applications/a", None, PAGE),
        cell("portal", get.clone(), "/ui/subjects/s-value", None, PAGE),
        cell("portal", get.clone(), "/ui/schemas/1", None, PAGE),
        cell("portal", get.clone(), "/ui/domains/d", None, PAGE),
        // Signing in is reachable by everyone; the forms then want their own body (400
        // for a JSON one), and SSO is not set up in this file (404).
        cell("sign-in", get.clone(), "/ui/sign-in", None, PUBLIC),
        cell("sign-in", post.clone(), "/ui/sign-in", None, [400; 5]),
        cell("sign-in", post.clone(), "/ui/sign-out", None, [400; 5]),
        cell("sign-in", get.clone(), "/ui/sign-in/sso", None, [404; 5]),
        cell("sign-in", get.clone(), "/ui/auth/callback", None, [404; 5]),
        cell("audit", get.clone(), "/audit", None, ADMIN),
        cell(
            "audit",
            get.clone(),
            "/ui/audit",
            None,
            [303, 403, 403, 403, 200],
        ),
        // Observed usage and drift: lists show each caller what it may read.
        cell("usage", get.clone(), "/usage", None, LIST),
        cell("usage", post.clone(), "/usage/flush", None, ADMIN),
        cell("usage", get.clone(), "/usage/subjects/s-value", None, READ),
        cell("usage", get.clone(), "/usage/ids/1", None, READ),
        cell("usage", get.clone(), "/usage/principals/reader", None, LIST),
        cell("usage", get.clone(), "/usage/applications/a", None, READ),
        cell("usage", get.clone(), "/drift", None, LIST),
        cell("usage", get.clone(), "/drift/subjects/s-value", None, READ),
        cell("usage", get.clone(), "/drift/applications/a", None, READ),
        cell("public", get.clone(), "/health/live", None, PUBLIC),
        cell("public", get.clone(), "/openapi.json", None, PUBLIC),
        cell("public", get.clone(), STYLESHEET, None, PUBLIC),
        cell(
            "unknown route",
            get,
            "/no/such/route",
            None,
            [404, 404, 404, 404, 404],
        ),
    ]
}

fn access_file() -> String {
    let user = |name: &str, group: &str| {
        format!(
            "  - name: {name}\n    password_hash: \"{}\"\n    groups: [{group}]\n",
            hash_password(&format!("{name}-pw")).expect("hash")
        )
    };
    format!(
        "users:\n{}{}{}{}session:\n  key: \"{}\"\ngrants:\n  - to: group:readers\n    role: read\n    on: \"*\"\n  - to: group:writers\n    role: write\n    on: \"*\"\n  - to: group:admins\n    role: admin\n    on: \"*\"\n",
        user("outsider", "nobody"),
        user("reader", "readers"),
        user("writer", "writers"),
        user("admin", "admins"),
        "k".repeat(40),
    )
}

fn authorization(caller: &str) -> Option<String> {
    (caller != "anonymous")
        .then(|| format!("Basic {}", STANDARD.encode(format!("{caller}:{caller}-pw"))))
}

async fn run_matrix(database_url: String, backend: &str) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("access.yaml");
    std::fs::write(&path, access_file()).expect("access file");
    let access = Arc::new(Access::from_file(&path).expect("access file reads"));
    let app = App::open(&DatabaseUrl::new(database_url), 1 << 20)
        .await
        .expect("open")
        .with_access(access);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = app::serve(listener, &app, async {
            let _ = stopped.await;
        })
        .await;
    });
    // Redirects are answers here (the portal's to its sign-in page), not followed.
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let send =
        |caller: &str, method: Method, path: &str, body: Option<Value>, content_type: &str| {
            let mut request = client.request(method, format!("http://{addr}{path}"));
            if let Some(auth) = authorization(caller) {
                request = request.header("Authorization", auth);
            }
            if let Some(body) = body {
                request = request
                    .header("Content-Type", content_type.to_owned())
                    .body(body.to_string());
            }
            request.send()
        };
    // What every cell reads: one subject, a domain.
    let setup = [
        (
            Method::POST,
            "/subjects/s-value/versions",
            schema_body(),
            V1,
        ),
        (
            Method::PUT,
            "/catalog/domains/d",
            json!({"name": "d", "title": "D"}),
            "application/json",
        ),
        (
            Method::PUT,
            "/catalog/applications/a",
            json!({"name": "a", "principals": ["reader"]}),
            "application/json",
        ),
    ];
    for (method, path, body, media) in setup {
        let response = send("admin", method, path, Some(body), media)
            .await
            .expect("setup");
        assert!(
            response.status().is_success(),
            "{backend}: setup {path}: {}",
            response.status()
        );
    }
    let home = send("admin", Method::GET, "/ui", None, V1)
        .await
        .expect("home");
    let home = home.text().await.expect("home page");
    let stylesheet = home
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/ui/static/") && href.ends_with(".css"))
        .expect("the home page links a stylesheet")
        .to_owned();
    let mut failures = Vec::new();
    for cell in cells() {
        let path = if cell.path == STYLESHEET {
            stylesheet.as_str()
        } else {
            cell.path
        };
        for (caller, expected) in CALLERS.iter().zip(cell.expect) {
            let media = if cell.path.starts_with("/catalog/") || cell.path.starts_with("/validate")
            {
                "application/json"
            } else {
                V1
            };
            let mut body = cell.body.clone();
            if cell.path.starts_with("/catalog/apply") {
                body = None;
            }
            let request = send(caller, cell.method.clone(), path, body, media);
            let request = if cell.path.starts_with("/catalog/apply") {
                let mut r =
                    client.request(cell.method.clone(), format!("http://{addr}{}", cell.path));
                if let Some(auth) = authorization(caller) {
                    r = r.header("Authorization", auth);
                }
                r.header("Content-Type", "application/yaml")
                    .body("domains: []\n")
                    .send()
            } else {
                request
            };
            let status = request.await.expect("sent").status().as_u16();
            if status != expected {
                failures.push(format!(
                    "{backend} | {} | {} {} | {caller}: expected {expected}, got {status}",
                    cell.group, cell.method, cell.path
                ));
            }
        }
    }
    let _ = stop.send(());
    assert!(
        failures.is_empty(),
        "permission matrix:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn permission_matrix_on_sqlite() {
    let dir = tempfile::tempdir().expect("dir");
    run_matrix(
        format!("sqlite://{}", dir.path().join("h.db").display()),
        "sqlite",
    )
    .await;
}

#[tokio::test]
async fn permission_matrix_on_postgres() {
    let Some(cluster) = tokio::task::spawn_blocking(pg_cluster::PgCluster::start)
        .await
        .expect("cluster start")
    else {
        return;
    };
    let url = cluster.create_database().await;
    run_matrix(url, "postgres").await;
}
