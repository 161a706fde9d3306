//! Several `herald serve` processes on one PostgreSQL database.
//!
//! - `three_nodes_keep_the_invariants`: concurrent registrations, lookups, soft deletes and
//!   config/mode changes through three nodes; then one id per distinct schema, contiguous
//!   versions, every acknowledged write on every node, read-your-own-writes.
//! - `caches_stay_coherent_across_nodes`: a change through one node is visible on the others
//!   within [`CROSS_NODE_BOUND`] (new versions, soft and hard deletes); configs and modes
//!   (not cached) at once.
//! - `kill_9_of_a_node_loses_no_acknowledged_write`: SIGKILL of one node under load.
//! - `postgres_restart_under_load`: PostgreSQL stopped and started again under load; Confluent
//!   shaped 5xx during the outage, readiness 503 then 200, reconnection without a restart.
//!
//! Each test starts its own throwaway cluster (`pg_cluster`: a loud skip without PostgreSQL
//! binaries, a failure under `CI=true`) and real processes on loopback ports. The tests take
//! a shared lock, so a timing bound is never judged while another test's load runs beside it.

mod pg_cluster;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pg_cluster::PgCluster;
use reqwest::{Client, Method};
use serde_json::{Value, json};

const V1: &str = "application/vnd.schemaregistry.v1+json";

/// A change made through one node is visible on every other node within this bound.
const CROSS_NODE_BOUND: Duration = Duration::from_secs(1);

/// One test at a time: timing bounds are judged on an otherwise quiet machine.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

// ---------------------------------------------------------------------------------------
// Processes

/// The cluster for one test, or `None` when PostgreSQL tests are skipped.
fn start_cluster() -> Option<PgCluster> {
    tokio::task::block_in_place(PgCluster::start)
}

/// One `herald serve` process; its log goes to a file, printed when a test fails.
struct Node {
    name: String,
    port: u16,
    base: String,
    database: String,
    log: PathBuf,
    child: Option<Child>,
}

impl Node {
    /// Launches the process without waiting for it to be ready.
    fn launch(name: &str, database: &str, logs: &Path) -> Self {
        let port = free_port();
        let mut node = Self {
            name: name.to_string(),
            port,
            base: format!("http://127.0.0.1:{port}"),
            database: database.to_string(),
            log: logs.join(format!("herald-{name}.log")),
            child: None,
        };
        node.spawn();
        node
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("node log file");
        let child = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{}", self.port),
                "--database",
                &self.database,
            ])
            .env("HERALD_LOG", "warn")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("start herald");
        self.child = Some(child);
    }

    /// Waits until `/health/ready` answers 200 (at most 30 s).
    async fn wait_ready(&mut self) -> Duration {
        let started = Instant::now();
        let client = Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        while started.elapsed() < Duration::from_secs(30) {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!(
                    "node {} exited during start ({status}):\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            if let Ok(response) = client
                .get(format!("{}/health/ready", self.base))
                .send()
                .await
                && response.status() == 200
            {
                return started.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "node {} not ready after 30 s at {}:\n{}",
            self.name,
            self.base,
            self.log_tail()
        );
    }

    /// SIGKILL: no shutdown hooks, no flushes.
    fn kill_9(&mut self) {
        let mut child = self.child.take().expect("node is running");
        child.kill().expect("kill -9");
        child.wait().expect("reap");
    }

    /// Starts the process again on the same port and waits until it is ready.
    async fn restart(&mut self) -> Duration {
        assert!(self.child.is_none(), "node {} still running", self.name);
        self.spawn();
        self.wait_ready().await
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- log of node {} ---\n{}", self.name, self.log_tail());
        }
    }
}

/// Launches all nodes at once (they create the tables concurrently), then waits for each.
async fn start_nodes(count: usize, database: &str, logs: &Path) -> Vec<Node> {
    let mut nodes: Vec<Node> = (0..count)
        .map(|i| Node::launch(&node_name(i), database, logs))
        .collect();
    for node in &mut nodes {
        node.wait_ready().await;
    }
    nodes
}

fn node_name(i: usize) -> String {
    char::from(b'a' + i as u8).to_string()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free local port")
        .port()
}

// ---------------------------------------------------------------------------------------
// HTTP

/// What came back for one request.
#[derive(Debug, Clone)]
#[allow(dead_code)] // the payloads are read through `Debug`, in failure messages
enum Reply {
    /// A response with a JSON body.
    Json(u16, Value),
    /// A response whose body is not JSON.
    NotJson(u16, String),
    /// No response: refused, reset, timed out.
    Transport(String),
}

/// A client for every node of one test.
#[derive(Clone)]
struct Api {
    client: Client,
    bases: Arc<Vec<String>>,
}

impl Api {
    fn new(nodes: &[Node]) -> Self {
        Self {
            client: Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            bases: Arc::new(nodes.iter().map(|node| node.base.clone()).collect()),
        }
    }

    fn nodes(&self) -> usize {
        self.bases.len()
    }

    async fn send(&self, node: usize, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.bases[node]));
        if let Some(body) = body {
            request = request.header("Content-Type", V1).body(body.to_string());
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return Reply::Transport(format!("{error:?}")),
        };
        let status = response.status().as_u16();
        match response.text().await {
            Err(error) => Reply::Transport(format!("reading the body: {error:?}")),
            Ok(text) => match serde_json::from_str(&text) {
                Ok(value) => Reply::Json(status, value),
                Err(_) => Reply::NotJson(status, text),
            },
        }
    }

    /// A request that must get a JSON answer.
    async fn call(
        &self,
        node: usize,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        match self.send(node, method.clone(), path, body).await {
            Reply::Json(status, value) => (status, value),
            other => panic!("node {}: {method} {path}: {other:?}", node_name(node)),
        }
    }

    async fn get(&self, node: usize, path: &str) -> (u16, Value) {
        self.call(node, Method::GET, path, None).await
    }

    async fn put(&self, node: usize, path: &str, body: Value) -> (u16, Value) {
        self.call(node, Method::PUT, path, Some(&body)).await
    }

    async fn delete(&self, node: usize, path: &str) -> (u16, Value) {
        self.call(node, Method::DELETE, path, None).await
    }

    async fn register(&self, node: usize, subject: &str, schema: &str) -> (u16, Value) {
        let body = json!({"schema": schema});
        let path = format!("/subjects/{subject}/versions");
        self.call(node, Method::POST, &path, Some(&body)).await
    }

    async fn lookup(&self, node: usize, subject: &str, schema: &str) -> (u16, Value) {
        let body = json!({"schema": schema});
        let path = format!("/subjects/{subject}");
        self.call(node, Method::POST, &path, Some(&body)).await
    }

    /// Polls `GET path` on `node` until `accept` holds; panics if a request sent after
    /// `bound` still sees something else. Returns when the first accepted request was sent.
    async fn wait_for(
        &self,
        node: usize,
        path: &str,
        bound: Duration,
        what: &str,
        accept: impl Fn(u16, &Value) -> bool,
    ) -> Duration {
        let started = Instant::now();
        loop {
            let sent = started.elapsed();
            let (status, body) = self.get(node, path).await;
            if accept(status, &body) {
                return sent;
            }
            assert!(
                sent <= bound,
                "node {}: {what}: GET {path} still answers {status} {body} {sent:?} after the \
                 change (bound {bound:?})",
                node_name(node)
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Values

/// A distinct Avro record per name (one `int` field, or the given fields).
fn avro(name: &str) -> String {
    avro_with(name, &[json!({"name": "a", "type": "int"})])
}

fn avro_with(name: &str, fields: &[Value]) -> String {
    json!({"type": "record", "name": name, "fields": fields}).to_string()
}

/// Whether a Schema / SchemaString answer carries `text` (compared as JSON).
fn carries(body: &Value, text: &str) -> bool {
    let expected: Value = serde_json::from_str(text).expect("schema text is JSON");
    body["schema"]
        .as_str()
        .and_then(|stored| serde_json::from_str::<Value>(stored).ok())
        .is_some_and(|stored| stored == expected)
}

fn ok(what: &str, (status, body): (u16, Value)) -> Value {
    assert_eq!(status, 200, "{what}: {body}");
    body
}

fn is_error(status: u16, body: &Value, want_status: u16, codes: &[i64]) -> bool {
    status == want_status
        && body["error_code"]
            .as_i64()
            .is_some_and(|c| codes.contains(&c))
}

fn expect_error(what: &str, (status, body): (u16, Value), want_status: u16, codes: &[i64]) {
    assert!(
        is_error(status, &body, want_status, codes),
        "{what}: expected {want_status} {codes:?}, got {status} {body}"
    );
}

fn int(body: &Value, key: &str) -> i64 {
    body[key]
        .as_i64()
        .unwrap_or_else(|| panic!("no integer `{key}` in {body}"))
}

/// A small deterministic generator (xorshift), so a failing run can be reasoned about.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// One acknowledged registration: node X answered 200 with this id and version.
#[derive(Debug, Clone)]
struct Ack {
    node: usize,
    subject: String,
    version: i64,
    id: i64,
    schema: String,
}

impl Ack {
    fn from_reply(node: usize, subject: &str, schema: &str, body: &Value) -> Self {
        Self {
            node,
            subject: subject.to_string(),
            version: int(body, "version"),
            id: int(body, "id"),
            schema: schema.to_string(),
        }
    }
}

/// Every acknowledged registration is served by every node: by subject and version (with
/// `deleted=true`, so soft-deleted ones count) and by id.
async fn check_acks_everywhere(api: &Api, acks: &[Ack]) {
    let mut ids: BTreeMap<i64, &str> = BTreeMap::new();
    for ack in acks {
        ids.insert(ack.id, &ack.schema);
        for node in 0..api.nodes() {
            let path = format!(
                "/subjects/{}/versions/{}?deleted=true",
                ack.subject, ack.version
            );
            let what = format!("node {}: {ack:?}", node_name(node));
            let body = ok(&what, api.get(node, &path).await);
            assert_eq!(body["id"].as_i64(), Some(ack.id), "{what}: {body}");
            assert!(carries(&body, &ack.schema), "{what}: {body}");
        }
    }
    for (id, schema) in ids {
        for node in 0..api.nodes() {
            let what = format!("node {}: GET /schemas/ids/{id}", node_name(node));
            let body = ok(&what, api.get(node, &format!("/schemas/ids/{id}")).await);
            assert!(carries(&body, schema), "{what}: {body}");
        }
    }
}

/// The versions of `subject` (soft-deleted included) as node `node` lists them.
async fn all_versions(api: &Api, node: usize, subject: &str) -> Vec<i64> {
    let path = format!("/subjects/{subject}/versions?deleted=true");
    let body = ok(&path, api.get(node, &path).await);
    body.as_array()
        .unwrap_or_else(|| panic!("{path}: {body}"))
        .iter()
        .map(|v| v.as_i64().expect("version number"))
        .collect()
}

fn contiguous(versions: &[i64]) -> bool {
    versions.iter().enumerate().all(|(i, &v)| v == i as i64 + 1)
}

// ---------------------------------------------------------------------------------------
// 1. Invariants under concurrent load through three nodes

const SUBJECTS: usize = 5;
const POOL: usize = 24;
const LEVELS: [&str; 4] = ["BACKWARD", "FORWARD", "FULL", "NONE"];
const MODES: [&str; 2] = ["READONLY", "READWRITE"];

#[derive(Debug, Default)]
struct Outcome {
    acks: Vec<Ack>,
    /// (subject, version) soft-deleted through some node.
    deleted: Vec<(String, i64)>,
    /// Last config level / mode acknowledged per subject (one writer per subject).
    configs: BTreeMap<String, String>,
    modes: BTreeMap<String, String>,
    lookups: usize,
    same_moment_rounds: usize,
}

impl Outcome {
    fn absorb(&mut self, other: Outcome) {
        self.acks.extend(other.acks);
        self.deleted.extend(other.deleted);
        self.configs.extend(other.configs);
        self.modes.extend(other.modes);
        self.lookups += other.lookups;
        self.same_moment_rounds += other.same_moment_rounds;
    }
}

/// Registers pool schemas (the same ones again and again, across subjects) and fresh ones,
/// rotating over the nodes; reads its own writes on the acknowledging node and looks them
/// up through the next one (lookups are not cached, so no bound applies).
async fn registrar(api: Api, worker: usize, until: Instant) -> Outcome {
    let mut out = Outcome::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((worker as u64 + 1) * 0x1000_0001));
    for n in 0..10_000 {
        if Instant::now() >= until {
            break;
        }
        let node = (worker + n) % api.nodes();
        let subject = format!("inv-{}", rng.below(SUBJECTS));
        let schema = if n % 4 == 3 {
            avro(&format!("Fresh{worker}x{n}"))
        } else {
            avro(&format!("Pool{}", rng.below(POOL)))
        };
        let what = format!("worker {worker}: register {schema} in {subject}");
        let body = ok(&what, api.register(node, &subject, &schema).await);
        let ack = Ack::from_reply(node, &subject, &schema, &body);
        read_own_write(&api, &ack).await;
        let next = (node + 1) % api.nodes();
        let found = ok(&what, api.lookup(next, &subject, &schema).await);
        assert_eq!(
            (int(&found, "id"), int(&found, "version")),
            (ack.id, ack.version),
            "lookup through node {} after {ack:?}: {found}",
            node_name(next)
        );
        out.lookups += 1;
        out.acks.push(ack);
    }
    out
}

/// Right after node X acknowledged a registration, node X serves it by version and by id.
async fn read_own_write(api: &Api, ack: &Ack) {
    let path = format!("/subjects/{}/versions/{}", ack.subject, ack.version);
    let what = format!("read-your-write on node {}: {ack:?}", node_name(ack.node));
    let body = ok(&what, api.get(ack.node, &path).await);
    assert_eq!(body["id"].as_i64(), Some(ack.id), "{what}: {body}");
    assert!(carries(&body, &ack.schema), "{what}: {body}");
    let body = ok(
        &what,
        api.get(ack.node, &format!("/schemas/ids/{}", ack.id)).await,
    );
    assert!(carries(&body, &ack.schema), "{what}: {body}");
}

/// The same new schema through all three nodes at the same moment: one id, one version;
/// then the same schema in a second subject: the same id.
async fn same_moment(api: Api, until: Instant) -> Outcome {
    let mut out = Outcome::default();
    for round in 0..10_000 {
        if Instant::now() >= until {
            break;
        }
        let schema = avro(&format!("Same{round}"));
        let subject = format!("inv-{}", round % SUBJECTS);
        let (a, b, c) = tokio::join!(
            api.register(0, &subject, &schema),
            api.register(1, &subject, &schema),
            api.register(2, &subject, &schema),
        );
        let what = format!("same schema {schema} in {subject} through a, b, c at once");
        let acks: Vec<Ack> = [a, b, c]
            .into_iter()
            .enumerate()
            .map(|(node, reply)| Ack::from_reply(node, &subject, &schema, &ok(&what, reply)))
            .collect();
        for ack in &acks {
            assert_eq!(
                (ack.id, ack.version),
                (acks[0].id, acks[0].version),
                "{what}: {acks:?}"
            );
            read_own_write(&api, ack).await;
        }
        out.acks.extend(acks);
        let other = format!("inv-{}", (round + 1) % SUBJECTS);
        let node = round % api.nodes();
        let what = format!("same schema {schema} in a second subject {other}");
        let body = ok(&what, api.register(node, &other, &schema).await);
        let ack = Ack::from_reply(node, &other, &schema, &body);
        assert_eq!(ack.id, out.acks[out.acks.len() - 1].id, "{what}: {body}");
        read_own_write(&api, &ack).await;
        out.acks.push(ack);
        out.same_moment_rounds += 1;
    }
    out
}

/// Registers a schema of its own through one node and soft-deletes that version through
/// the next; the deleting node must show the delete at once. (Only schemas nobody else
/// registers are deleted, so re-registration never hard-deletes a soft-deleted version.)
async fn deleter(api: Api, until: Instant) -> Outcome {
    let mut out = Outcome::default();
    for round in 0..10_000 {
        if Instant::now() >= until {
            break;
        }
        let subject = format!("inv-{}", round % SUBJECTS);
        let schema = avro(&format!("Doomed{round}"));
        let node = round % api.nodes();
        let what = format!("register {schema} in {subject}");
        let body = ok(&what, api.register(node, &subject, &schema).await);
        let ack = Ack::from_reply(node, &subject, &schema, &body);
        read_own_write(&api, &ack).await;
        let by = (node + 1) % api.nodes();
        let path = format!("/subjects/{subject}/versions/{}", ack.version);
        let what = format!("soft delete of {ack:?} through node {}", node_name(by));
        let body = ok(&what, api.delete(by, &path).await);
        assert_eq!(body.as_i64(), Some(ack.version), "{what}: {body}");
        // The deleting node reads its own delete (40401 when it was the subject's only
        // live version).
        expect_error(&what, api.get(by, &path).await, 404, &[40402, 40401]);
        // The registering node (which cached the version when it read its own write)
        // follows within the cross-node bound.
        api.wait_for(
            node,
            &path,
            CROSS_NODE_BOUND,
            &format!("{what}, seen by the registering node"),
            |status, body| is_error(status, body, 404, &[40402, 40401]),
        )
        .await;
        let body = ok(&what, api.get(by, &format!("{path}?deleted=true")).await);
        assert_eq!(body["id"].as_i64(), Some(ack.id), "{what}: {body}");
        let body = ok(
            &what,
            api.get(by, &format!("/schemas/ids/{}", ack.id)).await,
        );
        assert!(carries(&body, &schema), "{what}: soft-deleted id: {body}");
        expect_error(
            &what,
            api.lookup(by, &subject, &schema).await,
            404,
            &[40403, 40401],
        );
        out.deleted.push((subject, ack.version));
        out.acks.push(ack);
    }
    out
}

/// Changes subject configs and modes (on subjects of their own) through rotating nodes;
/// configs and modes are not cached, so every node reports a change at once.
async fn configurer(api: Api, until: Instant) -> Outcome {
    let mut out = Outcome::default();
    for round in 0..10_000 {
        if Instant::now() >= until {
            break;
        }
        let node = round % api.nodes();
        let subject = format!("cfg-{}", round % 3);
        let level = LEVELS[(round / 3) % LEVELS.len()];
        let what = format!("PUT /config/{subject} {level} through {}", node_name(node));
        let path = format!("/config/{subject}");
        let body = ok(
            &what,
            api.put(node, &path, json!({"compatibility": level})).await,
        );
        assert_eq!(body["compatibility"], level, "{what}: {body}");
        for reader in 0..api.nodes() {
            let body = ok(&what, api.get(reader, &path).await);
            assert_eq!(
                body["compatibilityLevel"],
                level,
                "{what}: node {} reads {body}",
                node_name(reader)
            );
        }
        out.configs.insert(subject, level.to_string());

        let subject = format!("mode-{}", round % 3);
        let mode = MODES[(round / 3) % MODES.len()];
        let what = format!("PUT /mode/{subject} {mode} through {}", node_name(node));
        let path = format!("/mode/{subject}");
        let body = ok(&what, api.put(node, &path, json!({"mode": mode})).await);
        assert_eq!(body["mode"], mode, "{what}: {body}");
        for reader in 0..api.nodes() {
            let body = ok(&what, api.get(reader, &path).await);
            assert_eq!(
                body["mode"],
                mode,
                "{what}: node {} reads {body}",
                node_name(reader)
            );
        }
        out.modes.insert(subject, mode.to_string());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_nodes_keep_the_invariants() {
    let _serial = SERIAL.lock().await;
    let Some(cluster) = start_cluster() else {
        return;
    };
    let started = Instant::now();
    let database = cluster.create_database().await;
    let logs = tempfile::tempdir().expect("log dir");
    let nodes = start_nodes(3, &database, logs.path()).await;
    let api = Api::new(&nodes);
    for s in 0..SUBJECTS {
        let path = format!("/config/inv-{s}");
        ok(
            &path,
            api.put(0, &path, json!({"compatibility": "NONE"})).await,
        );
    }

    let until = Instant::now() + Duration::from_secs(4);
    let mut workers = Vec::new();
    for worker in 0..3 {
        workers.push(tokio::spawn(registrar(api.clone(), worker, until)));
    }
    workers.push(tokio::spawn(same_moment(api.clone(), until)));
    workers.push(tokio::spawn(deleter(api.clone(), until)));
    workers.push(tokio::spawn(configurer(api.clone(), until)));
    let mut outcome = Outcome::default();
    for worker in workers {
        outcome.absorb(worker.await.expect("worker"));
    }
    let load_done = Instant::now();
    assert!(
        outcome.acks.len() >= 50 && !outcome.deleted.is_empty() && !outcome.configs.is_empty(),
        "load too light to mean anything: {outcome:?}"
    );
    // Every node has caught up with every change after the cross-node bound.
    tokio::time::sleep(CROSS_NODE_BOUND.saturating_sub(load_done.elapsed())).await;

    // One id per distinct schema (across subjects and nodes), one schema per id, one
    // version per (subject, schema) and one schema per (subject, version).
    let mut ids_of_schema: HashMap<&str, BTreeSet<i64>> = HashMap::new();
    let mut schemas_of_id: HashMap<i64, BTreeSet<&str>> = HashMap::new();
    let mut versions_of: HashMap<(&str, &str), BTreeSet<i64>> = HashMap::new();
    let mut schemas_at: HashMap<(&str, i64), BTreeSet<&str>> = HashMap::new();
    for ack in &outcome.acks {
        ids_of_schema.entry(&ack.schema).or_default().insert(ack.id);
        schemas_of_id.entry(ack.id).or_default().insert(&ack.schema);
        versions_of
            .entry((&ack.subject, &ack.schema))
            .or_default()
            .insert(ack.version);
        schemas_at
            .entry((&ack.subject, ack.version))
            .or_default()
            .insert(&ack.schema);
    }
    for (schema, ids) in &ids_of_schema {
        assert_eq!(ids.len(), 1, "{schema} got several ids: {ids:?}");
    }
    for (id, schemas) in &schemas_of_id {
        assert_eq!(
            schemas.len(),
            1,
            "id {id} given to several schemas: {schemas:?}"
        );
    }
    for (key, versions) in &versions_of {
        assert_eq!(
            versions.len(),
            1,
            "{key:?} got several versions: {versions:?}"
        );
    }
    for (key, schemas) in &schemas_at {
        assert_eq!(schemas.len(), 1, "{key:?} acknowledged for {schemas:?}");
    }

    // Every acknowledged write on every node, by version and by id.
    check_acks_everywhere(&api, &outcome.acks).await;

    // Versions contiguous 1..n on every node, and exactly the acknowledged ones (every
    // request of this test succeeded, so nothing exists that nobody was told about).
    let deleted: BTreeSet<(String, i64)> = outcome.deleted.iter().cloned().collect();
    let mut versions_total = 0;
    for s in 0..SUBJECTS {
        let subject = format!("inv-{s}");
        let acked: BTreeSet<i64> = outcome
            .acks
            .iter()
            .filter(|ack| ack.subject == subject)
            .map(|ack| ack.version)
            .collect();
        let live: Vec<i64> = acked
            .iter()
            .copied()
            .filter(|&v| !deleted.contains(&(subject.clone(), v)))
            .collect();
        versions_total += acked.len();
        for node in 0..api.nodes() {
            let listed = all_versions(&api, node, &subject).await;
            assert!(
                contiguous(&listed),
                "node {}: {subject} versions not contiguous: {listed:?}",
                node_name(node)
            );
            assert_eq!(
                listed.iter().copied().collect::<BTreeSet<_>>(),
                acked,
                "node {}: {subject}: listed vs acknowledged",
                node_name(node)
            );
            let path = format!("/subjects/{subject}/versions");
            let body = ok(&path, api.get(node, &path).await);
            let listed_live: Vec<i64> = body
                .as_array()
                .expect("versions")
                .iter()
                .filter_map(Value::as_i64)
                .collect();
            assert_eq!(
                listed_live,
                live,
                "node {}: live versions of {subject}",
                node_name(node)
            );
            let body = ok(
                &subject,
                api.get(node, &format!("/subjects/{subject}/versions/latest"))
                    .await,
            );
            assert_eq!(
                body["version"].as_i64(),
                live.last().copied(),
                "node {}: latest of {subject}: {body}",
                node_name(node)
            );
        }
    }

    // Soft deletes seen by every node; lookups of every live acknowledged schema on every node.
    let with_live: BTreeSet<&str> = outcome
        .acks
        .iter()
        .filter(|ack| !deleted.contains(&(ack.subject.clone(), ack.version)))
        .map(|ack| ack.subject.as_str())
        .collect();
    for (subject, version) in &deleted {
        // 40402, or 40401 when the subject has no live version left.
        let code = if with_live.contains(subject.as_str()) {
            40402
        } else {
            40401
        };
        for node in 0..api.nodes() {
            let path = format!("/subjects/{subject}/versions/{version}");
            expect_error(
                &format!("node {}: {path} after soft delete", node_name(node)),
                api.get(node, &path).await,
                404,
                &[code],
            );
        }
    }
    let mut live_pairs: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
    for ack in &outcome.acks {
        if !deleted.contains(&(ack.subject.clone(), ack.version)) {
            live_pairs.insert((&ack.subject, &ack.schema), (ack.id, ack.version));
        }
    }
    for ((subject, schema), (id, version)) in &live_pairs {
        for node in 0..api.nodes() {
            let what = format!("node {}: lookup {schema} in {subject}", node_name(node));
            let body = ok(&what, api.lookup(node, subject, schema).await);
            assert_eq!(
                (int(&body, "id"), int(&body, "version")),
                (*id, *version),
                "{what}: {body}"
            );
        }
    }

    // The last acknowledged config and mode, on every node.
    for (subject, level) in &outcome.configs {
        for node in 0..api.nodes() {
            let body = ok(subject, api.get(node, &format!("/config/{subject}")).await);
            assert_eq!(&body["compatibilityLevel"], level.as_str(), "{subject}");
        }
    }
    for (subject, mode) in &outcome.modes {
        for node in 0..api.nodes() {
            let body = ok(subject, api.get(node, &format!("/mode/{subject}")).await);
            assert_eq!(&body["mode"], mode.as_str(), "{subject}");
        }
    }

    eprintln!(
        "three nodes: {} acknowledged registrations ({} distinct schemas, {} versions in {} \
         subjects), {} same-moment rounds, {} soft deletes, {} lookups, {} config/mode \
         subjects; all invariants hold on every node ({:.1?} in all)",
        outcome.acks.len(),
        ids_of_schema.len(),
        versions_total,
        SUBJECTS,
        outcome.same_moment_rounds,
        outcome.deleted.len(),
        outcome.lookups,
        outcome.configs.len() + outcome.modes.len(),
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------
// 2. Cache coherence across nodes

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn caches_stay_coherent_across_nodes() {
    let _serial = SERIAL.lock().await;
    let Some(cluster) = start_cluster() else {
        return;
    };
    let database = cluster.create_database().await;
    let logs = tempfile::tempdir().expect("log dir");
    let nodes = start_nodes(3, &database, logs.path()).await;
    let api = Api::new(&nodes);
    let (a, others) = (0, [1, 2]);
    let bound = CROSS_NODE_BOUND;
    let mut slowest = Duration::ZERO;
    let mut observe = |took: Duration| slowest = slowest.max(took);

    let int_field = |name: &str| json!({"name": name, "type": "int"});
    let s1 = avro_with("Coh", &[int_field("a")]);
    let s2 = avro_with("Coh", &[int_field("a"), int_field("b")]);
    let s3 = avro_with("Coh", &[int_field("a"), int_field("b"), int_field("c")]);
    ok(
        "config",
        api.put(a, "/config/coh", json!({"compatibility": "NONE"}))
            .await,
    );
    let v1 = ok("s1", api.register(a, "coh", &s1).await);
    let v2 = ok("s2", api.register(a, "coh", &s2).await);
    assert_eq!((int(&v1, "version"), int(&v2, "version")), (1, 2));
    let id2 = int(&v2, "id");

    // Warm B and C (twice: the second read is a cache hit).
    for node in others {
        for _ in 0..2 {
            ok("warm", api.get(node, &format!("/schemas/ids/{id2}")).await);
            let body = ok("warm", api.get(node, "/subjects/coh/versions/latest").await);
            assert_eq!(int(&body, "version"), 2);
            ok("warm", api.get(node, "/subjects/coh/versions/2").await);
        }
    }

    // A new version through A: B and C show it as `latest`.
    let v3 = ok("s3", api.register(a, "coh", &s3).await);
    let (version3, id3) = (int(&v3, "version"), int(&v3, "id"));
    assert_eq!(version3, 3);
    for node in others {
        observe(
            api.wait_for(
                node,
                "/subjects/coh/versions/latest",
                bound,
                "new latest",
                |status, body| status == 200 && body["version"] == 3 && carries(body, &s3),
            )
            .await,
        );
        // Warm what the deletes below must invalidate.
        for _ in 0..2 {
            ok("warm", api.get(node, "/subjects/coh/versions/3").await);
            ok(
                "warm",
                api.get(node, "/subjects/coh/versions/3?deleted=true").await,
            );
            ok("warm", api.get(node, &format!("/schemas/ids/{id3}")).await);
        }
    }

    // Soft delete through A: B and C drop v3 from `latest` and from version 3, but still
    // serve the id and the version with deleted=true.
    assert_eq!(
        ok("soft", api.delete(a, "/subjects/coh/versions/3").await),
        json!(3)
    );
    for node in others {
        observe(
            api.wait_for(
                node,
                "/subjects/coh/versions/latest",
                bound,
                "latest after soft delete",
                |status, body| status == 200 && body["version"] == 2,
            )
            .await,
        );
        observe(
            api.wait_for(
                node,
                "/subjects/coh/versions/3",
                bound,
                "soft-deleted version",
                |status, body| is_error(status, body, 404, &[40402]),
            )
            .await,
        );
        ok(
            "soft-deleted id",
            api.get(node, &format!("/schemas/ids/{id3}")).await,
        );
        ok(
            "soft-deleted, deleted=true",
            api.get(node, "/subjects/coh/versions/3?deleted=true").await,
        );
    }

    // Hard delete through A: the id and the version are gone on B and C.
    assert_eq!(
        ok(
            "hard",
            api.delete(a, "/subjects/coh/versions/3?permanent=true")
                .await
        ),
        json!(3)
    );
    for node in others {
        observe(
            api.wait_for(
                node,
                &format!("/schemas/ids/{id3}"),
                bound,
                "hard-deleted id",
                |status, body| is_error(status, body, 404, &[40403]),
            )
            .await,
        );
        observe(
            api.wait_for(
                node,
                "/subjects/coh/versions/3?deleted=true",
                bound,
                "hard-deleted version",
                |status, body| is_error(status, body, 404, &[40402]),
            )
            .await,
        );
    }

    // A whole subject, soft then hard: 40401 for its versions, 40403 for its id.
    let solo = avro("Solo");
    let body = ok("solo", api.register(a, "coh-solo", &solo).await);
    let solo_id = int(&body, "id");
    for node in others {
        for _ in 0..2 {
            ok("warm", api.get(node, "/subjects/coh-solo/versions/1").await);
            ok(
                "warm",
                api.get(node, "/subjects/coh-solo/versions/latest").await,
            );
            ok(
                "warm",
                api.get(node, "/subjects/coh-solo/versions/1?deleted=true")
                    .await,
            );
            ok(
                "warm",
                api.get(node, &format!("/schemas/ids/{solo_id}")).await,
            );
        }
    }
    assert_eq!(
        ok("soft subject", api.delete(a, "/subjects/coh-solo").await),
        json!([1])
    );
    for node in others {
        for path in [
            "/subjects/coh-solo/versions/1",
            "/subjects/coh-solo/versions/latest",
        ] {
            observe(
                api.wait_for(node, path, bound, "soft-deleted subject", |status, body| {
                    is_error(status, body, 404, &[40401])
                })
                .await,
            );
        }
    }
    assert_eq!(
        ok(
            "hard subject",
            api.delete(a, "/subjects/coh-solo?permanent=true").await
        ),
        json!([1])
    );
    for node in others {
        observe(
            api.wait_for(
                node,
                &format!("/schemas/ids/{solo_id}"),
                bound,
                "id of a hard-deleted subject",
                |status, body| is_error(status, body, 404, &[40403]),
            )
            .await,
        );
        observe(
            api.wait_for(
                node,
                "/subjects/coh-solo/versions/1?deleted=true",
                bound,
                "version of a hard-deleted subject",
                |status, body| is_error(status, body, 404, &[40401]),
            )
            .await,
        );
    }

    // Config through A: B and C report it at once and enforce it on the next registration.
    let incompatible = avro_with(
        "Coh",
        &[int_field("a"), int_field("b"), int_field("no_default")],
    );
    let compatible = avro_with(
        "Coh",
        &[
            int_field("a"),
            int_field("b"),
            json!({"name": "with_default", "type": "int", "default": 0}),
        ],
    );
    ok(
        "config",
        api.put(a, "/config/coh", json!({"compatibility": "BACKWARD"}))
            .await,
    );
    for node in others {
        let body = ok("config", api.get(node, "/config/coh").await);
        assert_eq!(body["compatibilityLevel"], "BACKWARD", "{body}");
    }
    expect_error(
        "incompatible under BACKWARD set through another node",
        api.register(1, "coh", &incompatible).await,
        409,
        &[409],
    );
    let body = ok(
        "compatible under BACKWARD",
        api.register(2, "coh", &compatible).await,
    );
    let compatible_version = int(&body, "version");
    for node in [0, 1] {
        observe(
            api.wait_for(
                node,
                "/subjects/coh/versions/latest",
                bound,
                "latest registered through C",
                |status, body| status == 200 && body["version"] == compatible_version,
            )
            .await,
        );
    }
    ok(
        "config",
        api.put(a, "/config/coh", json!({"compatibility": "NONE"}))
            .await,
    );
    for node in others {
        let body = ok("config", api.get(node, "/config/coh").await);
        assert_eq!(body["compatibilityLevel"], "NONE", "{body}");
    }
    ok(
        "incompatible under NONE set through another node",
        api.register(1, "coh", &incompatible).await,
    );

    // Mode through A: B and C refuse registrations at once, and accept again after.
    let body = ok(
        "mode",
        api.put(a, "/mode/coh", json!({"mode": "READONLY"})).await,
    );
    assert_eq!(body["mode"], "READONLY");
    for node in others {
        let body = ok("mode", api.get(node, "/mode/coh").await);
        assert_eq!(body["mode"], "READONLY", "{body}");
        expect_error(
            &format!("registration through {} in READONLY", node_name(node)),
            api.register(node, "coh", &avro_with("Coh", &[int_field("ro")]))
                .await,
            422,
            &[42205],
        );
    }
    ok(
        "mode",
        api.put(a, "/mode/coh", json!({"mode": "READWRITE"})).await,
    );
    ok(
        "registration after READWRITE",
        api.register(1, "coh", &avro_with("Coh", &[int_field("rw")]))
            .await,
    );

    // The catalog: an entity written through A is served by B and C (their catalog
    // snapshots are cached until a NOTIFY says otherwise), and so is its deletion.
    let (status, body) = api
        .put(
            a,
            "/catalog/teams/coherent",
            json!({"email": "c@example.com"}),
        )
        .await;
    assert_eq!(status, 201, "catalog team: {body}");
    for node in others {
        observe(
            api.wait_for(
                node,
                "/catalog/teams/coherent",
                bound,
                "team created through A",
                |status, body| status == 200 && body["email"] == "c@example.com",
            )
            .await,
        );
    }
    let deleted = api
        .send(a, Method::DELETE, "/catalog/teams/coherent", None)
        .await;
    assert!(
        matches!(deleted, Reply::NotJson(204, _)),
        "catalog delete: {deleted:?}"
    );
    for node in others {
        observe(
            api.wait_for(
                node,
                "/catalog/teams/coherent",
                bound,
                "team deleted through A",
                |status, _| status == 404,
            )
            .await,
        );
    }

    eprintln!(
        "cache coherence: new versions, soft and hard deletes of versions and subjects, and \
         catalog changes seen on the other two nodes within {bound:?} (slowest {slowest:?}); \
         config and mode changes at once"
    );
}

// ---------------------------------------------------------------------------------------
// 3. kill -9 of one node under registration load

/// Registers distinct schemas through one node until told to stop or the node fails; every
/// 200 is recorded. Returns the acknowledged writes.
async fn writer(
    api: Api,
    node: usize,
    worker: usize,
    stop: Arc<AtomicBool>,
    stop_on_failure: bool,
) -> (Vec<Ack>, Vec<String>) {
    let mut acks = Vec::new();
    let mut failures = Vec::new();
    for n in 0..100_000 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let subject = format!("load-{}", n % 4);
        let schema = avro(&format!("N{}W{worker}x{n}", node_name(node)));
        let body = json!({"schema": schema});
        let path = format!("/subjects/{subject}/versions");
        match api.send(node, Method::POST, &path, Some(&body)).await {
            Reply::Json(200, body) => acks.push(Ack::from_reply(node, &subject, &schema, &body)),
            other => {
                failures.push(format!("{other:?}"));
                if stop_on_failure {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    (acks, failures)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_of_a_node_loses_no_acknowledged_write() {
    let _serial = SERIAL.lock().await;
    let Some(cluster) = start_cluster() else {
        return;
    };
    let database = cluster.create_database().await;
    let logs = tempfile::tempdir().expect("log dir");
    let mut nodes = start_nodes(2, &database, logs.path()).await;
    let api = Api::new(&nodes);
    ok(
        "config",
        api.put(0, "/config", json!({"compatibility": "NONE"}))
            .await,
    );

    const PER_NODE: usize = 3;
    let stop = Arc::new(AtomicBool::new(false));
    let mut victims = Vec::new();
    let mut survivors = Vec::new();
    for worker in 0..PER_NODE {
        victims.push(tokio::spawn(writer(
            api.clone(),
            0,
            worker,
            stop.clone(),
            true,
        )));
        survivors.push(tokio::spawn(writer(
            api.clone(),
            1,
            worker,
            stop.clone(),
            false,
        )));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    nodes[0].kill_9();
    let mut acks = Vec::new();
    for victim in victims {
        acks.extend(victim.await.expect("writer").0);
    }
    let acked_by_victim = acks.len();
    // Node B carries on alone for a moment, then A comes back on the same port.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let restart = nodes[0].restart().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for survivor in survivors {
        let (ok_writes, failures) = survivor.await.expect("writer");
        assert!(
            failures.is_empty(),
            "node b failed while a was killed: {failures:?}"
        );
        acks.extend(ok_writes);
    }
    assert!(
        acked_by_victim >= 10,
        "load on the killed node too light to mean anything: {acked_by_victim}"
    );

    // A fresh client: pooled connections to the killed process are dead.
    let api = Api::new(&nodes);
    check_acks_everywhere(&api, &acks).await;
    // Nothing half-written: versions contiguous, each resolving by version and by id; at
    // most one unacknowledged version per writer in flight on the killed node.
    let mut unacknowledged = Vec::new();
    for s in 0..4 {
        let subject = format!("load-{s}");
        let acked: BTreeSet<i64> = acks
            .iter()
            .filter(|ack| ack.subject == subject)
            .map(|ack| ack.version)
            .collect();
        let mut lists = Vec::new();
        for node in 0..api.nodes() {
            let listed = all_versions(&api, node, &subject).await;
            assert!(
                contiguous(&listed),
                "node {}: {subject}: {listed:?}",
                node_name(node)
            );
            for version in &listed {
                let path = format!("/subjects/{subject}/versions/{version}");
                let body = ok(&path, api.get(node, &path).await);
                ok(
                    &path,
                    api.get(node, &format!("/schemas/ids/{}", int(&body, "id")))
                        .await,
                );
            }
            lists.push(listed);
        }
        assert_eq!(lists[0], lists[1], "{subject}: nodes disagree");
        unacknowledged.extend(
            lists[0]
                .iter()
                .filter(|v| !acked.contains(v))
                .map(|v| (subject.clone(), *v)),
        );
    }
    assert!(
        unacknowledged.len() <= PER_NODE,
        "more unacknowledged versions than writers in flight: {unacknowledged:?}"
    );
    // The restarted node takes writes again.
    let schema = avro("AfterRestart");
    let body = ok("after restart", api.register(0, "load-0", &schema).await);
    let ack = Ack::from_reply(0, "load-0", &schema, &body);
    read_own_write(&api, &ack).await;

    eprintln!(
        "kill -9: {} acknowledged registrations ({acked_by_victim} by the killed node) all \
         present on both nodes after its restart ({restart:.2?}); {} committed but \
         unacknowledged; versions contiguous",
        acks.len(),
        unacknowledged.len()
    );
}

// ---------------------------------------------------------------------------------------
// 4. PostgreSQL restarted under load

/// How long PostgreSQL stays down. Longer than the server's connection-acquire timeout (5 s,
/// `ACQUIRE_TIMEOUT` in `src/storage/postgres.rs`): with a shorter outage a request waits for
/// the database instead of failing, so the 5xx path would never be exercised.
const OUTAGE: Duration = Duration::from_secs(6);
/// `/health/ready` gives up on the database after 2 s; allow a little for the HTTP round trip.
const READY_ANSWER_BOUND: Duration = Duration::from_millis(2500);

/// A request outcome during test 4: `None` if acceptable, else why not.
fn judge(reply: &Reply) -> Option<String> {
    match reply {
        Reply::Json(200, _) => None,
        Reply::Json(status, body)
            if (500..600).contains(status)
                && body["error_code"]
                    .as_i64()
                    .is_some_and(|c| c == 50001 || c == 50002)
                && body["message"].is_string() =>
        {
            None
        }
        other => Some(format!("{other:?}")),
    }
}

#[derive(Debug, Default)]
struct LoadReport {
    acks: Vec<Ack>,
    ok: usize,
    /// Confluent-shaped 5xx.
    clear_5xx: usize,
    violations: Vec<String>,
    slowest: Duration,
}

/// Registrations through one node; never stops on failure (pauses briefly instead).
async fn outage_writer(api: Api, node: usize, worker: usize, stop: Arc<AtomicBool>) -> LoadReport {
    let mut report = LoadReport::default();
    for n in 0..100_000 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let subject = format!("load-{}", n % 4);
        let schema = avro(&format!("N{}W{worker}x{n}", node_name(node)));
        let body = json!({"schema": schema});
        let path = format!("/subjects/{subject}/versions");
        let sent = Instant::now();
        let reply = api.send(node, Method::POST, &path, Some(&body)).await;
        report.slowest = report.slowest.max(sent.elapsed());
        tally(&mut report, &reply, &path);
        if let Reply::Json(200, body) = &reply {
            report
                .acks
                .push(Ack::from_reply(node, &subject, &schema, body));
        } else {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    report
}

/// Cached and uncached reads through one node.
async fn outage_reader(
    api: Api,
    node: usize,
    known: Arc<Vec<(String, String, i64)>>,
    stop: Arc<AtomicBool>,
) -> LoadReport {
    let mut report = LoadReport::default();
    for n in 0..1_000_000 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let (subject, schema, id) = &known[n % known.len()];
        let (method, path, body) = match n % 4 {
            0 => (Method::GET, format!("/schemas/ids/{id}"), None),
            1 => (
                Method::GET,
                format!("/subjects/{subject}/versions/latest"),
                None,
            ),
            2 => (
                Method::POST,
                format!("/subjects/{subject}"),
                Some(json!({"schema": schema})),
            ),
            _ => (Method::GET, "/subjects".to_string(), None),
        };
        let sent = Instant::now();
        let reply = api.send(node, method, &path, body.as_ref()).await;
        report.slowest = report.slowest.max(sent.elapsed());
        tally(&mut report, &reply, &path);
        if !matches!(reply, Reply::Json(200, _)) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    report
}

fn tally(report: &mut LoadReport, reply: &Reply, path: &str) {
    match (reply, judge(reply)) {
        (Reply::Json(200, _), _) => report.ok += 1,
        (_, None) => report.clear_5xx += 1,
        (_, Some(why)) => report.violations.push(format!("{path}: {why}")),
    }
}

/// One `/health/ready` probe: when it was sent, when it was answered, and what came back.
#[derive(Debug)]
struct Probe {
    sent: Instant,
    answered: Instant,
    node: usize,
    reply: Reply,
}

/// Probes `/health/ready` on one node every 100 ms until told to stop.
async fn health_monitor(api: Api, node: usize, stop: Arc<AtomicBool>) -> Vec<Probe> {
    let mut probes = Vec::new();
    for _ in 0..10_000 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let sent = Instant::now();
        let reply = api.send(node, Method::GET, "/health/ready", None).await;
        probes.push(Probe {
            sent,
            answered: Instant::now(),
            node,
            reply,
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    probes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restart_under_load() {
    let _serial = SERIAL.lock().await;
    let Some(cluster) = start_cluster() else {
        return;
    };
    let database = cluster.create_database().await;
    let logs = tempfile::tempdir().expect("log dir");
    let nodes = start_nodes(2, &database, logs.path()).await;
    let api = Api::new(&nodes);
    ok(
        "config",
        api.put(0, "/config", json!({"compatibility": "NONE"}))
            .await,
    );
    let mut known = Vec::new();
    for k in 0..5 {
        let subject = format!("pre-{k}");
        let schema = avro(&format!("Pre{k}"));
        let body = ok("pre", api.register(0, &subject, &schema).await);
        known.push((subject, schema, int(&body, "id")));
    }
    let known = Arc::new(known);

    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    let mut readers = Vec::new();
    for node in 0..2 {
        for worker in 0..2 {
            writers.push(tokio::spawn(outage_writer(
                api.clone(),
                node,
                worker,
                stop.clone(),
            )));
        }
        readers.push(tokio::spawn(outage_reader(
            api.clone(),
            node,
            known.clone(),
            stop.clone(),
        )));
    }
    let monitor_stop = Arc::new(AtomicBool::new(false));
    let monitors: Vec<_> = (0..2)
        .map(|node| tokio::spawn(health_monitor(api.clone(), node, monitor_stop.clone())))
        .collect();

    tokio::time::sleep(Duration::from_millis(1000)).await;
    tokio::task::block_in_place(|| cluster.stop_server());
    let down = Instant::now();
    tokio::time::sleep(OUTAGE).await;
    let restarting = Instant::now();
    tokio::task::block_in_place(|| cluster.start_server());
    let up = Instant::now();

    // Both nodes serve again by themselves (no restart): ready, and a registration works.
    const RECOVERY_BOUND: Duration = Duration::from_secs(15);
    let mut recovered = Vec::new();
    for node in 0..2 {
        let mut n = 0;
        loop {
            let ready = api.send(node, Method::GET, "/health/ready", None).await;
            let schema = avro(&format!("Recovery{node}x{n}"));
            let written = api.register(node, "recovery", &schema).await;
            if matches!(ready, Reply::Json(200, _)) && written.0 == 200 {
                recovered.push(up.elapsed());
                break;
            }
            assert!(
                up.elapsed() < RECOVERY_BOUND,
                "node {} not serving {RECOVERY_BOUND:?} after PostgreSQL came back: ready \
                 {ready:?}, register {written:?}",
                node_name(node)
            );
            n += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // A moment of load after the recovery, then stop.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::Relaxed);
    let mut load = LoadReport::default();
    let (mut writes_ok, mut reads_ok) = (0, 0);
    for writer in writers {
        let report = writer.await.expect("writer");
        writes_ok += report.ok;
        load.acks.extend(report.acks);
        load.clear_5xx += report.clear_5xx;
        load.violations.extend(report.violations);
        load.slowest = load.slowest.max(report.slowest);
    }
    for reader in readers {
        let report = reader.await.expect("reader");
        reads_ok += report.ok;
        load.clear_5xx += report.clear_5xx;
        load.violations.extend(report.violations);
        load.slowest = load.slowest.max(report.slowest);
    }
    monitor_stop.store(true, Ordering::Relaxed);
    let mut probes = Vec::new();
    for monitor in monitors {
        probes.extend(monitor.await.expect("monitor"));
    }

    assert!(
        load.violations.is_empty(),
        "{} requests failed without a Confluent-shaped 5xx (50001/50002), e.g. {:?}",
        load.violations.len(),
        &load.violations[..load.violations.len().min(5)]
    );
    // Readiness: every probe sent while PostgreSQL was down is a 503 50002; at least one
    // per node; and 200 before the outage and after recovery.
    // Readiness: every probe both sent and answered while PostgreSQL was down is a 503
    // 50002 (at least one per node); any other probe is 200 or that 503; the last is 200.
    let not_ready_shape =
        |reply: &Reply| matches!(reply, Reply::Json(503, body) if body["error_code"] == 50002);
    let mut not_ready = [0usize; 2];
    for probe in &probes {
        let took = probe.answered.duration_since(probe.sent);
        assert!(
            took <= READY_ANSWER_BOUND,
            "node {}: /health/ready took {took:?}: {:?}",
            node_name(probe.node),
            probe.reply
        );
        let within_outage = probe.sent >= down && probe.answered < restarting;
        if within_outage {
            assert!(
                not_ready_shape(&probe.reply),
                "node {}: /health/ready {:?} into the outage: {:?}",
                node_name(probe.node),
                probe.sent.duration_since(down),
                probe.reply
            );
            not_ready[probe.node] += 1;
        } else {
            assert!(
                matches!(probe.reply, Reply::Json(200, _)) || not_ready_shape(&probe.reply),
                "node {}: /health/ready: {:?}",
                node_name(probe.node),
                probe.reply
            );
        }
    }
    assert!(
        load.clear_5xx > 0,
        "no request failed during a {OUTAGE:?} outage: the 5xx path was not exercised"
    );
    assert!(
        not_ready.iter().all(|&n| n > 0),
        "readiness never 503 during the outage: {not_ready:?}"
    );
    for node in 0..2 {
        let last = probes.iter().rev().find(|probe| probe.node == node);
        assert!(
            matches!(
                last,
                Some(Probe {
                    reply: Reply::Json(200, _),
                    ..
                })
            ),
            "node {}: last readiness after recovery: {last:?}",
            node_name(node)
        );
    }

    // Nothing acknowledged is lost.
    check_acks_everywhere(&api, &load.acks).await;
    for s in 0..4 {
        let subject = format!("load-{s}");
        for node in 0..2 {
            let listed = all_versions(&api, node, &subject).await;
            assert!(contiguous(&listed), "{subject}: {listed:?}");
        }
    }

    // The cross-node invalidation survived the outage too: a new version through A is
    // `latest` on B within the bound.
    let body = ok("warm", api.get(1, "/subjects/pre-0/versions/latest").await);
    assert_eq!(int(&body, "version"), 1);
    let schema = avro("PostOutage");
    let body = ok("post outage", api.register(0, "pre-0", &schema).await);
    let version = int(&body, "version");
    let took = api
        .wait_for(
            1,
            "/subjects/pre-0/versions/latest",
            CROSS_NODE_BOUND,
            "new latest after the outage",
            |status, body| status == 200 && body["version"] == version,
        )
        .await;

    eprintln!(
        "PostgreSQL restart: down {:.1?}; {writes_ok} registrations and {reads_ok} reads \
         answered 200, {} Confluent-shaped 5xx, 0 other failures (slowest request {:.1?}); \
         readiness 503 during the outage ({:?} probes), nodes serving again {:.2?} after \
         PostgreSQL came back, without a restart; {} acknowledged registrations all present; \
         cross-node change after the outage seen in {took:?}",
        restarting.duration_since(down),
        load.clear_5xx,
        load.slowest,
        not_ready,
        recovered,
        load.acks.len()
    );
}
