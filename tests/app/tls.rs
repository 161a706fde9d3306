//! TLS and mutual TLS on the connection loop, with a CA, a server certificate and client
//! certificates made at test time (rcgen): HTTPS with the real front door, required and
//! optional client certificates, the `PeerCertificate` extension (and that plain HTTP can
//! never carry it), the handshake under the header-read timeout, broken handshakes, and
//! shutdown during a handshake.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use herald::app::{self, App};
use herald::server::{
    self, ClientAuth, PeerCertificate, ServerLimits, ServerOptions, TlsConfig, TlsFiles,
};
use http_body_util::Full;
use hyper::{Request, Response};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};
use reqwest::Client;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Longest any test waits for something that should happen.
const PATIENCE: Duration = Duration::from_secs(5);

/// A throwaway CA in a temporary folder, issuing server and client certificates as PEM
/// files the way an operator would hand them to Herald.
struct Pki {
    dir: tempfile::TempDir,
    ca: CertifiedIssuer<'static, KeyPair>,
}

fn name(parts: &[(DnType, &str)]) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    for (kind, value) in parts {
        name.push(kind.clone(), *value);
    }
    name
}

impl Pki {
    fn new(ca_name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.distinguished_name = name(&[(DnType::CommonName, ca_name)]);
        let key = KeyPair::generate().expect("CA key");
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            ca: CertifiedIssuer::self_signed(params, key).expect("CA certificate"),
        }
    }

    fn write(&self, file: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(file);
        std::fs::write(&path, text).expect("write PEM");
        path
    }

    fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    /// A leaf certificate signed by this CA; (certificate PEM, key PEM).
    fn issue(
        &self,
        subject_alt_names: &[&str],
        subject: &[(DnType, &str)],
        purpose: ExtendedKeyUsagePurpose,
    ) -> (String, String) {
        let names: Vec<String> = subject_alt_names.iter().map(|s| (*s).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("leaf params");
        params.distinguished_name = name(subject);
        params.extended_key_usages = vec![purpose];
        let key = KeyPair::generate().expect("leaf key");
        let certificate = params.signed_by(&key, &self.ca).expect("sign leaf");
        (certificate.pem(), key.serialize_pem())
    }

    /// Server files for 127.0.0.1 and localhost; with `client_auth`, client certificates
    /// from this CA are checked.
    fn server_files(&self, client_auth: Option<ClientAuth>) -> TlsFiles {
        let (cert, key) = self.issue(
            &["localhost", "127.0.0.1"],
            &[(DnType::CommonName, "herald.test")],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        TlsFiles {
            cert: self.write("server.pem", &cert),
            key: self.write("server-key.pem", &key),
            client_ca: client_auth.map(|_| self.write("client-ca.pem", &self.ca_pem())),
            client_auth: client_auth.unwrap_or_default(),
        }
    }

    fn tls(&self, client_auth: Option<ClientAuth>) -> TlsConfig {
        TlsConfig::load(&self.server_files(client_auth)).expect("TLS config loads")
    }

    /// A client identity (certificate and key in one PEM) with the given subject.
    fn client_identity(&self, subject: &[(DnType, &str)]) -> reqwest::Identity {
        let (cert, key) = self.issue(&[], subject, ExtendedKeyUsagePurpose::ClientAuth);
        reqwest::Identity::from_pem(format!("{cert}{key}").as_bytes()).expect("identity")
    }

    /// An HTTPS client that trusts this CA only, optionally with a client certificate.
    fn client(&self, identity: Option<reqwest::Identity>) -> Client {
        let ca = reqwest::Certificate::from_pem(self.ca_pem().as_bytes()).expect("CA PEM");
        let mut builder = Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(ca)
            .timeout(PATIENCE);
        if let Some(identity) = identity {
            builder = builder.identity(identity);
        }
        builder.build().expect("client")
    }

    fn roots(&self) -> rustls::RootCertStore {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from(self.ca.der().to_vec()))
            .expect("CA root");
        roots
    }
}

fn alice() -> [(DnType, &'static str); 3] {
    [
        (DnType::CountryName, "NL"),
        (DnType::OrganizationName, "Payments"),
        (DnType::CommonName, "alice"),
    ]
}

fn limits(header_read_ms: u64, max_connections: usize) -> ServerLimits {
    ServerLimits {
        header_read_timeout: Duration::from_millis(header_read_ms),
        idle_timeout: Duration::from_secs(30),
        max_connections,
    }
}

/// A running Herald (the real front door) over TLS; dropping it stops the server.
struct TlsApp {
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl TlsApp {
    async fn spawn(tls: TlsConfig) -> Self {
        Self::spawn_configured(tls, |app| app).await
    }

    /// A Herald over TLS whose access file is `policy` (YAML).
    async fn spawn_with_access(tls: TlsConfig, policy: &str) -> Self {
        let file = tempfile::NamedTempFile::new().expect("access file");
        std::fs::write(file.path(), policy).expect("write access file");
        let access = herald::access::Access::from_file(file.path()).expect("access file loads");
        Self::spawn_configured(tls, |app| app.with_access(Arc::new(access))).await
    }

    async fn spawn_configured(tls: TlsConfig, configure: impl FnOnce(App) -> App) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("herald.db").display());
        let app = App::open(&herald::secret::DatabaseUrl::new(url), 1 << 20)
            .await
            .expect("open app");
        let app = configure(app);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let options = ServerOptions {
            limits: ServerLimits::default(),
            tls: Some(tls),
        };
        tokio::spawn(async move {
            let _ = app::serve_with(listener, &app, options, async {
                let _ = stopped.await;
            })
            .await;
        });
        Self {
            addr,
            _stop: stop,
            _dir: dir,
        }
    }

    fn url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}{path}", self.addr.port())
    }
}

/// A test service that answers with what the connection loop put into the request:
/// `subject|common name`, or `none`.
fn echo_peer() -> impl tower::Service<
    Request<hyper::body::Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future: Send + 'static,
> + Clone
+ Send
+ 'static {
    tower::service_fn(|request: Request<hyper::body::Incoming>| async move {
        let seen = match request.extensions().get::<PeerCertificate>() {
            Some(peer) => format!(
                "{}|{}",
                peer.subject,
                peer.common_name.as_deref().unwrap_or("-")
            ),
            None => "none".to_owned(),
        };
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(seen))))
    })
}

/// `echo_peer` served with `options` on a free port: its address, the stop trigger and
/// the server task.
async fn serve_echo(
    options: ServerOptions,
) -> (
    SocketAddr,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(server::serve_with(listener, echo_peer(), options, async {
        let _ = stopped.await;
    }));
    (addr, stop, server)
}

async fn text(client: &Client, url: &str) -> String {
    let response = client.get(url).send().await.expect("request sent");
    assert_eq!(response.status(), 200);
    response.text().await.expect("body")
}

/// Waits until the server closes `stream`; how long that took. Fails after `PATIENCE`.
async fn closed_after(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    let closing = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(PATIENCE, closing)
        .await
        .expect("the server should have closed the connection");
    started.elapsed()
}

#[tokio::test]
async fn https_serves_the_api_to_a_client_that_trusts_the_ca() {
    let pki = Pki::new("Herald test CA");
    let app = TlsApp::spawn(pki.tls(None)).await;
    let client = pki.client(None);
    for host in ["127.0.0.1", "localhost"] {
        let response = client
            .get(app.url(host, "/subjects"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("HTTPS to {host}: {e:?}"));
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(body, serde_json::json!([]));
    }

    let stranger = Pki::new("Some other CA").client(None);
    assert!(
        stranger
            .get(app.url("127.0.0.1", "/subjects"))
            .send()
            .await
            .is_err(),
        "a client that does not trust the CA must not get through"
    );
    let plain = Client::new()
        .get(format!("http://{}/subjects", app.addr))
        .timeout(PATIENCE)
        .send()
        .await;
    assert!(
        plain.is_err() || plain.is_ok_and(|r| r.status() != 200),
        "plain HTTP on the TLS port must not be served"
    );
}

/// Handshakes with rustls directly, limited to `version`; the negotiated ALPN protocol.
async fn handshake(
    pki: &Pki,
    addr: SocketAddr,
    version: &'static rustls::SupportedProtocolVersion,
) -> Option<Vec<u8>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .expect("versions")
        .with_root_certificates(pki.roots())
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let name = ServerName::try_from("localhost").expect("name");
    let stream = connector
        .connect(name, tcp)
        .await
        .unwrap_or_else(|e| panic!("{version:?} handshake: {e}"));
    stream.get_ref().1.alpn_protocol().map(<[u8]>::to_vec)
}

#[tokio::test]
async fn tls_1_2_and_1_3_both_work_and_alpn_picks_http_1_1() {
    let pki = Pki::new("Herald test CA");
    let (addr, _stop, _server) = serve_echo(ServerOptions {
        limits: ServerLimits::default(),
        tls: Some(pki.tls(None)),
    })
    .await;
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        assert_eq!(
            handshake(&pki, addr, version).await.as_deref(),
            Some(&b"http/1.1"[..]),
            "{version:?}"
        );
    }
}

#[tokio::test]
async fn with_required_client_certificates_a_client_without_one_is_refused() {
    let pki = Pki::new("Herald test CA");
    let app = TlsApp::spawn(pki.tls(Some(ClientAuth::Required))).await;
    let url = app.url("127.0.0.1", "/subjects");

    let anonymous = pki.client(None).get(&url).send().await;
    assert!(anonymous.is_err(), "no certificate: {anonymous:?}");

    let other_ca = Pki::new("Some other CA");
    let forged = pki.client(Some(other_ca.client_identity(&alice())));
    assert!(
        forged.get(&url).send().await.is_err(),
        "a certificate from another CA must be refused"
    );

    let alice = pki.client(Some(pki.client_identity(&alice())));
    assert_eq!(text(&alice, &url).await, "[]");
}

#[tokio::test]
async fn a_verified_client_certificate_reaches_every_request_of_its_connection() {
    let pki = Pki::new("Herald test CA");
    let (addr, _stop, _server) = serve_echo(ServerOptions {
        limits: ServerLimits::default(),
        tls: Some(pki.tls(Some(ClientAuth::Optional))),
    })
    .await;
    let url = format!("https://127.0.0.1:{}/", addr.port());

    let alice = pki.client(Some(pki.client_identity(&alice())));
    // reqwest keeps the connection: the later requests ride on the first handshake.
    for _ in 0..3 {
        assert_eq!(text(&alice, &url).await, "CN=alice,O=Payments,C=NL|alice");
    }

    let escaped = pki.client(Some(pki.client_identity(&[
        (DnType::OrganizationalUnitName, "Team, Inc"),
        (DnType::CommonName, "svc+batch"),
    ])));
    assert_eq!(
        text(&escaped, &url).await,
        "CN=svc\\+batch,OU=Team\\, Inc|svc+batch"
    );

    // Optional: no certificate is allowed, and then there is nothing to see.
    assert_eq!(text(&pki.client(None), &url).await, "none");
}

#[tokio::test]
async fn plain_http_never_carries_a_peer_certificate_whatever_the_client_sends() {
    let (addr, _stop, _server) = serve_echo(ServerOptions::default()).await;
    let response = Client::new()
        .get(format!("http://{addr}/"))
        .header("PeerCertificate", "CN=admin")
        .header("X-Client-Cert", "CN=admin")
        .header("X-SSL-Client-S-DN", "CN=admin")
        .timeout(PATIENCE)
        .send()
        .await
        .expect("plain request");
    assert_eq!(response.text().await.expect("body"), "none");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_handshake_is_closed_by_the_header_read_timeout() {
    let pki = Pki::new("Herald test CA");
    let (addr, _stop, _server) = serve_echo(ServerOptions {
        limits: limits(300, 10),
        tls: Some(pki.tls(None)),
    })
    .await;

    let mut silent = TcpStream::connect(addr).await.expect("connect");
    let waited = closed_after(&mut silent).await;
    assert!(
        waited >= Duration::from_millis(250),
        "closed too early: {waited:?}"
    );

    // A record header promising a ClientHello that never comes.
    let mut stalled = TcpStream::connect(addr).await.expect("connect");
    stalled
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .await
        .expect("partial hello");
    let waited = closed_after(&mut stalled).await;
    assert!(
        waited >= Duration::from_millis(250),
        "closed too early: {waited:?}"
    );
}

#[tokio::test]
async fn a_garbage_handshake_does_not_stop_the_next_client_being_served() {
    let pki = Pki::new("Herald test CA");
    // One connection at a time: the broken one must also give its place back.
    let (addr, _stop, _server) = serve_echo(ServerOptions {
        limits: limits(2_000, 1),
        tls: Some(pki.tls(None)),
    })
    .await;
    for garbage in [
        &b"GET / HTTP/1.1\r\nHost: herald\r\n\r\n"[..],
        &[0x16, 0x03, 0x01, 0x00, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff][..],
        &[0u8; 64][..],
    ] {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.write_all(garbage).await.expect("garbage");
        let waited = closed_after(&mut stream).await;
        assert!(
            waited < Duration::from_millis(1_500),
            "a broken handshake should be closed at once, not by the timeout: {waited:?}"
        );
    }
    let url = format!("https://localhost:{}/", addr.port());
    let client = pki.client(None);
    let served = tokio::time::timeout(PATIENCE, text(&client, &url)).await;
    assert_eq!(served.expect("served in time"), "none");
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_handshake_that_is_stuck() {
    let pki = Pki::new("Herald test CA");
    let (addr, stop, server) = serve_echo(ServerOptions {
        limits: limits(60_000, 10),
        tls: Some(pki.tls(None)),
    })
    .await;
    let mut stuck = TcpStream::connect(addr).await.expect("connect");
    // Let the loop accept it before stopping.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = stop.send(());
    let finished = tokio::time::timeout(PATIENCE, server).await;
    assert!(
        finished.is_ok(),
        "shutdown waited for a handshake (header-read timeout 60 s)"
    );
    closed_after(&mut stuck).await;
}

#[tokio::test]
async fn bad_tls_files_are_refused_with_their_flag_and_path() {
    let pki = Pki::new("Herald test CA");
    let good = pki.server_files(Some(ClientAuth::Optional));
    let not_pem = pki.write("notes.txt", "hello, not a certificate\n");
    let secret_key = std::fs::read_to_string(&good.key).expect("key text");
    let cert_as_key = pki.write(
        "cert-as-key.pem",
        &std::fs::read_to_string(&good.cert).expect("cert"),
    );
    let (other_cert, _) = pki.issue(
        &["localhost"],
        &[(DnType::CommonName, "someone else")],
        ExtendedKeyUsagePurpose::ServerAuth,
    );
    let other_cert = pki.write("other.pem", &other_cert);

    let cases = [
        (
            TlsFiles {
                cert: not_pem.clone(),
                ..good.clone()
            },
            "--tls-cert",
            "notes.txt",
        ),
        (
            TlsFiles {
                key: not_pem.clone(),
                ..good.clone()
            },
            "--tls-key",
            "notes.txt",
        ),
        (
            TlsFiles {
                key: cert_as_key,
                ..good.clone()
            },
            "--tls-key",
            "cert-as-key.pem",
        ),
        (
            TlsFiles {
                client_ca: Some(not_pem.clone()),
                ..good.clone()
            },
            "--tls-client-ca",
            "notes.txt",
        ),
        (
            TlsFiles {
                cert: pki.dir.path().join("absent.pem"),
                ..good.clone()
            },
            "--tls-cert",
            "absent.pem",
        ),
        (
            TlsFiles {
                cert: other_cert,
                ..good.clone()
            },
            "--tls-key",
            "server-key.pem",
        ),
    ];
    for (files, flag, file) in cases {
        let error = TlsConfig::load(&files).expect_err("refused").to_string();
        assert!(error.contains(flag), "{error} should name {flag}");
        assert!(error.contains(file), "{error} should name {file}");
        assert!(!error.contains("PRIVATE KEY"), "{error} quotes a key");
        let key_body: Vec<&str> = secret_key
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        for line in key_body {
            assert!(!error.contains(line), "{error} leaks the key");
        }
    }

    let config = TlsConfig::load(&good).expect("good files load");
    let debug = format!("{config:?}");
    assert!(debug.contains("optional"), "{debug}");
    assert!(!debug.contains("BEGIN") && debug.len() < 200, "{debug}");
}

#[tokio::test]
async fn the_access_layer_takes_the_certificate_as_the_principal() {
    let pki = Pki::new("Herald test CA");
    let policy = "client_certificates:\n  principal: common_name\n\
                  grants:\n  - to: user:alice\n    role: write\n    on: \"*\"\n";
    let app = TlsApp::spawn_with_access(pki.tls(Some(ClientAuth::Optional)), policy).await;
    let url = app.url("localhost", "/subjects/orders-value/versions");
    let body = serde_json::json!({"schema": "\"string\""}).to_string();
    let post = |client: Client| {
        let request = client
            .post(&url)
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .body(body.clone());
        async move {
            request
                .send()
                .await
                .expect("request sent")
                .status()
                .as_u16()
        }
    };

    let alice = pki.client(Some(pki.client_identity(&alice())));
    assert_eq!(post(alice).await, 200, "alice has write on everything");
    let bob = pki.client(Some(pki.client_identity(&[(DnType::CommonName, "bob")])));
    assert_eq!(post(bob).await, 403, "bob is known but granted nothing");
    assert_eq!(
        post(pki.client(None)).await,
        401,
        "no certificate, no credentials"
    );
}
