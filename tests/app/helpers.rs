//! `TestApp`: a real Herald on a free port with its own fresh database.

use std::net::SocketAddr;

use herald::app::{self, App};
use herald::server::ServerLimits;
use herald::usage::UsageSettings;
use reqwest::{Client, Method, Response};
use serde_json::{Value, json};

pub const V1: &str = "application/vnd.schemaregistry.v1+json";

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: Client,
    _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with_limit(herald::config::DEFAULT_MAX_BODY_BYTES).await
    }

    pub async fn spawn_with_limit(max_body_bytes: usize) -> Self {
        Self::spawn_with(max_body_bytes, false, ServerLimits::default()).await
    }

    /// A Herald whose connection loop has the given timeouts and connection cap.
    pub async fn spawn_with_server_limits(limits: ServerLimits) -> Self {
        Self::spawn_with(herald::config::DEFAULT_MAX_BODY_BYTES, false, limits).await
    }

    /// A Herald with the demo landscape (schemas-examples/) loaded.
    pub async fn spawn_with_demo() -> Self {
        Self::spawn_with(
            herald::config::DEFAULT_MAX_BODY_BYTES,
            true,
            ServerLimits::default(),
        )
        .await
    }

    /// A Herald that answers only the given Host names and takes writes only from the
    /// given Origins (besides its own).
    pub async fn spawn_with_allow_lists(hosts: &[&str], origins: &[&str]) -> Self {
        let hosts: Vec<String> = hosts.iter().map(|h| (*h).to_owned()).collect();
        let origins: Vec<String> = origins.iter().map(|o| (*o).to_owned()).collect();
        Self::spawn_configured(
            herald::config::DEFAULT_MAX_BODY_BYTES,
            false,
            ServerLimits::default(),
            |app, _| app.with_allow_lists(&hosts, &origins),
        )
        .await
    }

    /// A Herald under the access file `yaml` (written to `access.yaml` in its directory,
    /// where [`TestApp::access_file`] finds it for reload tests).
    pub async fn spawn_with_access(yaml: &str) -> Self {
        Self::spawn_with_access_and_demo(yaml, false).await
    }

    /// [`TestApp::spawn_with_access`] with the demo landscape loaded.
    pub async fn spawn_with_access_and_demo(yaml: &str, demo: bool) -> Self {
        let yaml = yaml.to_owned();
        Self::spawn_configured(
            herald::config::DEFAULT_MAX_BODY_BYTES,
            demo,
            ServerLimits::default(),
            move |app, dir| {
                let path = dir.join("access.yaml");
                std::fs::write(&path, yaml).expect("write access file");
                let access = std::sync::Arc::new(
                    herald::access::Access::from_file(&path).expect("access file reads"),
                );
                access.watch();
                app.with_access(access)
            },
        )
        .await
    }

    /// The access file of a [`TestApp::spawn_with_access`] app.
    pub fn access_file(&self) -> std::path::PathBuf {
        self._dir.path().join("access.yaml")
    }

    /// Sends a request with an `Authorization` header (none: `None`); answers the status,
    /// the headers and the body as JSON (`Null` when it is not JSON).
    pub async fn call_as(
        &self,
        authorization: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let (status, _, body) = self.call_as_full(authorization, method, path, body).await;
        (status, body)
    }

    pub async fn call_as_full(
        &self,
        authorization: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        if let Some(body) = body {
            request = request.header("Content-Type", V1).body(body.to_string());
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }

    async fn spawn_with(max_body_bytes: usize, demo: bool, limits: ServerLimits) -> Self {
        Self::spawn_configured(max_body_bytes, demo, limits, |app, _| app).await
    }

    async fn spawn_configured(
        max_body_bytes: usize,
        demo: bool,
        limits: ServerLimits,
        configure: impl FnOnce(App, &std::path::Path) -> App,
    ) -> Self {
        Self::spawn_counting(
            max_body_bytes,
            demo,
            limits,
            UsageSettings::default(),
            configure,
        )
        .await
    }

    /// A Herald under the access file `yaml` that counts usage as `usage` says.
    pub async fn spawn_with_access_and_usage(yaml: &str, usage: UsageSettings) -> Self {
        let yaml = yaml.to_owned();
        Self::spawn_counting(
            herald::config::DEFAULT_MAX_BODY_BYTES,
            false,
            ServerLimits::default(),
            usage,
            move |app, dir| {
                let path = dir.join("access.yaml");
                std::fs::write(&path, yaml).expect("write access file");
                let access = std::sync::Arc::new(
                    herald::access::Access::from_file(&path).expect("access file reads"),
                );
                app.with_access(access)
            },
        )
        .await
    }

    async fn spawn_counting(
        max_body_bytes: usize,
        demo: bool,
        limits: ServerLimits,
        usage: UsageSettings,
        configure: impl FnOnce(App, &std::path::Path) -> App,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("herald.db").display());
        let app = App::open_with(
            &herald::secret::DatabaseUrl::new(url.clone()),
            max_body_bytes,
            usage,
        )
        .await
        .expect("open app");
        let app = configure(app, dir.path());
        if demo {
            let path = herald::config::demo_catalog_path();
            assert!(
                app.load_demo(&path).await.expect("demo loads"),
                "demo loaded"
            );
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = app::serve_with_limits(listener, &app, limits, async {
                let _ = rx.await;
            })
            .await;
        });
        Self {
            addr,
            client: Client::new(),
            _dir: dir,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn request(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.header("Content-Type", V1).body(body.to_string());
        }
        request.send().await.expect("request sent")
    }

    /// POSTs a raw body with the given media type; returns the status and the JSON body.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(path))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// Sends a request and returns the status and the JSON body.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let response = self.request(method, path, body.as_ref()).await;
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{path}: body is not JSON ({e}): {text}"));
        (status, value)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.call(Method::DELETE, path, None).await
    }

    /// Registers an Avro schema (given as JSON) and returns (status, body).
    pub async fn register(&self, subject: &str, schema: &Value) -> (u16, Value) {
        self.post(
            &format!("/subjects/{subject}/versions"),
            json!({ "schema": schema.to_string() }),
        )
        .await
    }

    /// Registers and insists it worked; returns the id.
    pub async fn register_ok(&self, subject: &str, schema: &Value) -> i64 {
        let (status, body) = self.register(subject, schema).await;
        assert_eq!(status, 200, "register {subject}: {body}");
        body["id"].as_i64().expect("id")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Asserts a Confluent error: status and `error_code`, and returns the message.
#[track_caller]
pub fn assert_error(result: &(u16, Value), status: u16, code: i64) -> String {
    let (actual_status, body) = result;
    assert_eq!(*actual_status, status, "status; body: {body}");
    assert_eq!(
        body["error_code"].as_i64(),
        Some(code),
        "error_code; body: {body}"
    );
    body["message"].as_str().expect("message").to_string()
}

/// A record schema with the given fields (`(name, type)` or `(name, type, default)`).
pub fn record(name: &str, fields: &[Value]) -> Value {
    json!({"type": "record", "name": name, "fields": fields})
}

pub fn field(name: &str, ty: &str) -> Value {
    json!({"name": name, "type": ty})
}

pub fn field_with_default(name: &str, ty: &str, default: Value) -> Value {
    json!({"name": name, "type": ty, "default": default})
}
