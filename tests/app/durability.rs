//! `kill -9` of the only process under registration load: every acknowledged
//! registration is there after a restart, and nothing half-written is.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{V1, field, record};

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(database: &str) -> Self {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--database",
                database,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start herald");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if client.get(format!("{}/", self.base)).send().await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("herald did not start at {}", self.base);
    }

    fn kill_hard(&mut self) {
        // SIGKILL: no shutdown hooks, no flushes.
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reap");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_registrations_survive_kill_9() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("crash.db").display());
    let mut server = Server::start(&database).await;
    let client = reqwest::Client::new();
    client
        .put(format!("{}/config", server.base))
        .header("Content-Type", V1)
        .body(json!({"compatibility": "NONE"}).to_string())
        .send()
        .await
        .expect("config");

    // Eight writers register distinct schemas as fast as they can.
    let (acked_tx, mut acked_rx) =
        tokio::sync::mpsc::unbounded_channel::<(String, i64, i64, Value)>();
    let mut writers = Vec::new();
    for writer in 0..8 {
        let base = server.base.clone();
        let client = client.clone();
        let acked = acked_tx.clone();
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let subject = format!("crash-{}", n % 5);
                let schema = record(&format!("W{writer}N{n}"), &[field("a", "int")]);
                let response = client
                    .post(format!("{base}/subjects/{subject}/versions"))
                    .header("Content-Type", V1)
                    .body(json!({"schema": schema.to_string()}).to_string())
                    .send()
                    .await;
                let Ok(response) = response else { break };
                if response.status() != 200 {
                    break;
                }
                let Ok(body) = response.json::<Value>().await else {
                    break;
                };
                let (Some(id), Some(version)) = (body["id"].as_i64(), body["version"].as_i64())
                else {
                    break;
                };
                let _ = acked.send((subject, version, id, schema));
            }
        }));
    }
    drop(acked_tx);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill_hard();
    for writer in writers {
        let _ = writer.await;
    }
    let mut acknowledged = Vec::new();
    while let Some(ack) = acked_rx.recv().await {
        acknowledged.push(ack);
    }
    assert!(
        acknowledged.len() >= 10,
        "load too light to mean anything: {}",
        acknowledged.len()
    );

    let server = Server::start(&database).await;
    for (subject, version, id, schema) in &acknowledged {
        let body: Value = client
            .get(format!(
                "{}/subjects/{subject}/versions/{version}",
                server.base
            ))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(
            body["id"].as_i64(),
            Some(*id),
            "{subject} v{version} lost: {body}"
        );
        let stored: Value =
            serde_json::from_str(body["schema"].as_str().expect("schema")).expect("json");
        assert_eq!(&stored, schema);
    }
    // Nothing half-written: every subject's versions are contiguous and each resolves.
    for n in 0..5 {
        let subject = format!("crash-{n}");
        let versions: Value = client
            .get(format!("{}/subjects/{subject}/versions", server.base))
            .send()
            .await
            .expect("versions")
            .json()
            .await
            .expect("json");
        let Some(versions) = versions.as_array() else {
            continue;
        };
        for (i, version) in versions.iter().enumerate() {
            assert_eq!(
                version.as_i64(),
                Some(i as i64 + 1),
                "{subject}: {versions:?}"
            );
            let response = client
                .get(format!(
                    "{}/subjects/{subject}/versions/{version}",
                    server.base
                ))
                .send()
                .await
                .expect("get");
            assert_eq!(response.status(), 200);
        }
    }
    eprintln!(
        "kill -9: {} acknowledged registrations all present after restart",
        acknowledged.len()
    );
}
