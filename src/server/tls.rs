//! TLS for the connection loop: the server certificate and key, and optionally client
//! certificates checked against a CA (mutual TLS), read from PEM files at start-up.
//!
//! rustls with the `ring` provider (no C toolchain beyond what `ring` needs), TLS 1.2 and
//! 1.3, ALPN `http/1.1`. A verified client certificate becomes a [`PeerCertificate`] that
//! the connection loop puts into every request of that connection; nothing a client sends
//! over plain TCP can put it there.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::ClientCertVerifier;
use rustls::{ServerConfig, ServerConnection};
use tokio_rustls::TlsAcceptor;
use x509_parser::asn1_rs::ToDer;
use x509_parser::prelude::{AttributeTypeAndValue, FromDer, X509Certificate, X509Name};

use super::PeerCertificate;

/// The only application protocol the loop speaks.
const ALPN_HTTP1: &[u8] = b"http/1.1";

/// Whether a client must present a certificate once a client CA is configured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClientAuth {
    /// A client without a certificate may connect (and authenticate another way); one
    /// that presents a certificate must present a valid one.
    #[default]
    Optional,
    /// The handshake fails for a client without a valid certificate.
    Required,
}

impl FromStr for ClientAuth {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "optional" => Ok(Self::Optional),
            "required" => Ok(Self::Required),
            _ => Err(format!("{text:?} is neither `optional` nor `required`")),
        }
    }
}

impl fmt::Display for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Optional => "optional",
            Self::Required => "required",
        })
    }
}

/// Where the TLS material lives. Paths only: the contents are read by [`TlsConfig::load`]
/// and never kept outside rustls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM certificate chain, the server's own certificate first.
    pub cert: PathBuf,
    /// PEM private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
    pub key: PathBuf,
    /// PEM bundle of the CAs whose client certificates are accepted (mutual TLS).
    pub client_ca: Option<PathBuf>,
    /// Whether a client certificate is required (with `client_ca` only).
    pub client_auth: ClientAuth,
}

/// Why TLS could not be set up. Names flags and paths, never file contents.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("--{given} is set but --{missing} is not: TLS needs both a certificate and its key")]
    Unpaired {
        given: &'static str,
        missing: &'static str,
    },
    #[error(
        "--{flag} needs --tls-cert and --tls-key (client certificates are checked only over TLS)"
    )]
    ClientAuthWithoutTls { flag: &'static str },
    #[error(
        "--tls-client-auth required needs --tls-client-ca (the CA client certificates are checked against)"
    )]
    RequiredWithoutCa,
    #[error("--{flag} {}: cannot read it: {source}", path.display())]
    Read {
        flag: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("--{flag} {}: {problem}", path.display())]
    Invalid {
        flag: &'static str,
        path: PathBuf,
        problem: String,
    },
    #[error("--tls-cert {} and --tls-key {} are not a usable pair: {source}", cert.display(), key.display())]
    Pair {
        cert: PathBuf,
        key: PathBuf,
        source: rustls::Error,
    },
}

/// A ready TLS server configuration. `Debug` shows the mode only.
#[derive(Clone)]
pub struct TlsConfig {
    acceptor: TlsAcceptor,
    client_auth: Option<ClientAuth>,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("mode", &self.mode())
            .finish_non_exhaustive()
    }
}

impl TlsConfig {
    /// Reads and checks the certificate chain, the key and the client CA bundle.
    pub fn load(files: &TlsFiles) -> Result<Self, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let chain = read_certificates("tls-cert", &files.cert)?;
        let key = read_key(&files.key)?;
        let versions = [&rustls::version::TLS13, &rustls::version::TLS12];
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&versions)
            .map_err(|source| pair_error(files, source))?;
        let builder = match &files.client_ca {
            Some(path) => builder.with_client_cert_verifier(client_verifier(
                path,
                files.client_auth,
                provider,
            )?),
            None => builder.with_no_client_auth(),
        };
        let mut config = builder
            .with_single_cert(chain, key)
            .map_err(|source| pair_error(files, source))?;
        config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            client_auth: files.client_ca.as_ref().map(|_| files.client_auth),
        })
    }

    /// For the start-up log: `TLS`, or `mutual TLS (client certificates optional)`...
    pub fn mode(&self) -> String {
        match self.client_auth {
            None => "TLS".to_owned(),
            Some(auth) => format!("mutual TLS (client certificates {auth})"),
        }
    }

    pub(super) fn acceptor(&self) -> &TlsAcceptor {
        &self.acceptor
    }
}

fn pair_error(files: &TlsFiles, source: rustls::Error) -> TlsError {
    TlsError::Pair {
        cert: files.cert.clone(),
        key: files.key.clone(),
        source,
    }
}

fn read_file(flag: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        flag,
        path: path.to_owned(),
        source,
    })
}

fn invalid(flag: &'static str, path: &Path, problem: impl Into<String>) -> TlsError {
    TlsError::Invalid {
        flag,
        path: path.to_owned(),
        problem: problem.into(),
    }
}

/// What is wrong with a PEM file, in words that quote nothing from it (the key file's
/// lines are secret).
fn pem_problem(error: &pem::Error, wanted: &str) -> String {
    match error {
        pem::Error::NoItemsFound => format!("no {wanted} found in it"),
        pem::Error::MissingSectionEnd { .. } => "a PEM section has no END line".to_owned(),
        pem::Error::IllegalSectionStart { .. } => "a PEM BEGIN line is malformed".to_owned(),
        pem::Error::Base64Decode(_) => "a PEM section is not valid base64".to_owned(),
        pem::Error::Io(error) => format!("cannot read it: {error}"),
        _ => "not valid PEM".to_owned(),
    }
}

fn read_certificates(
    flag: &'static str,
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let text = read_file(flag, path)?;
    let certificates = CertificateDer::pem_slice_iter(&text)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| invalid(flag, path, pem_problem(&error, "certificate")))?;
    if certificates.is_empty() {
        return Err(invalid(flag, path, "no PEM CERTIFICATE found in it"));
    }
    Ok(certificates)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let text = read_file("tls-key", path)?;
    PrivateKeyDer::from_pem_slice(&text).map_err(|error| {
        let wanted =
            "private key (PKCS#8, PKCS#1 or SEC1; an encrypted key must be decrypted first)";
        invalid("tls-key", path, pem_problem(&error, wanted))
    })
}

fn client_verifier(
    path: &Path,
    auth: ClientAuth,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn ClientCertVerifier>, TlsError> {
    let flag = "tls-client-ca";
    let mut roots = RootCertStore::empty();
    for certificate in read_certificates(flag, path)? {
        roots
            .add(certificate)
            .map_err(|error| invalid(flag, path, format!("not a usable CA: {error}")))?;
    }
    let builder = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
    let builder = match auth {
        ClientAuth::Optional => builder.allow_unauthenticated(),
        ClientAuth::Required => builder,
    };
    builder
        .build()
        .map_err(|error| invalid(flag, path, format!("not a usable CA bundle: {error}")))
}

/// How a verified client certificate becomes a [`PeerCertificate`]: the subject as an RFC
/// 4514 string, most specific name first, as Java's `X500Principal.getName()` (and so
/// Kafka) writes it (`CN=alice,O=Payments`), and the most specific common name, if it is
/// text.
impl PeerCertificate {
    /// Reads the end-entity certificate of a client chain rustls has verified.
    pub fn from_der(der: &[u8]) -> Option<Self> {
        let (_, certificate) = X509Certificate::from_der(der).ok()?;
        let subject = certificate.subject();
        Some(Self {
            subject: rfc4514(subject),
            common_name: subject
                .iter_common_name()
                .last()
                .and_then(|cn| cn.as_str().ok())
                .map(str::to_owned),
        })
    }

    /// The verified client certificate of a finished handshake, if the client sent one.
    pub(super) fn of(connection: &ServerConnection) -> Option<Self> {
        let leaf = connection.peer_certificates()?.first()?;
        let peer = Self::from_der(leaf);
        if peer.is_none() {
            // rustls verified it, so this is our parser's limit, not the client's fault.
            tracing::warn!("a verified client certificate could not be read; ignored");
        }
        peer
    }
}

/// RFC 4514: relative names last to first, joined by `,`; several attributes in one
/// relative name joined by `+`.
fn rfc4514(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter()
        .map(|rdn| {
            let attributes: Vec<String> = rdn.iter().map(attribute).collect();
            attributes.join("+")
        })
        .collect();
    let reversed: Vec<&str> = rdns.iter().rev().map(String::as_str).collect();
    reversed.join(",")
}

/// `TYPE=value` with RFC 4514's short names; an attribute without one (or whose value is
/// not text) is written as its dotted OID and `#` plus the hex of the value's DER.
fn attribute(attribute: &AttributeTypeAndValue<'_>) -> String {
    let oid = attribute.attr_type().to_id_string();
    let short = short_name(&oid);
    match (short, attribute.as_str()) {
        (Some(short), Ok(text)) => format!("{short}={}", escape(text)),
        _ => {
            let der = attribute.attr_value().to_der_vec().unwrap_or_default();
            let hex: String = der.iter().map(|byte| format!("{byte:02x}")).collect();
            format!("{oid}=#{hex}")
        }
    }
}

/// The attribute types RFC 4514 (section 3) gives short names.
fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.6" => "C",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

/// RFC 4514 section 2.4: the special characters get a backslash, as do a leading `#` or
/// space and a trailing space; NUL is `\00`.
fn escape(value: &str) -> String {
    let last = value.chars().count().saturating_sub(1);
    let mut escaped = String::with_capacity(value.len());
    for (index, character) in value.chars().enumerate() {
        match character {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => escaped.push('\\'),
            '#' if index == 0 => escaped.push('\\'),
            ' ' if index == 0 || index == last => escaped.push('\\'),
            '\0' => {
                escaped.push_str("\\00");
                continue;
            }
            _ => {}
        }
        escaped.push(character);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped_as_rfc_4514_says() {
        assert_eq!(escape("alice"), "alice");
        assert_eq!(escape("Smith, John"), "Smith\\, John");
        assert_eq!(escape("a+b=c;d<e>f\"g\\h"), "a\\+b=c\\;d\\<e\\>f\\\"g\\\\h");
        assert_eq!(escape("#tag"), "\\#tag");
        assert_eq!(escape("mid#hash"), "mid#hash");
        assert_eq!(escape(" padded "), "\\ padded\\ ");
        assert_eq!(escape("nul\0"), "nul\\00");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn client_auth_reads_both_words_and_nothing_else() {
        assert_eq!("optional".parse(), Ok(ClientAuth::Optional));
        assert_eq!("Required".parse(), Ok(ClientAuth::Required));
        assert!("yes".parse::<ClientAuth>().is_err());
        assert_eq!(ClientAuth::default(), ClientAuth::Optional);
    }

    fn certificate_named(parts: Vec<(rcgen::DnType, &str)>) -> Vec<u8> {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        let mut name = rcgen::DistinguishedName::new();
        for (kind, value) in parts {
            name.push(kind, value);
        }
        params.distinguished_name = name;
        let key = rcgen::KeyPair::generate().expect("key");
        params
            .self_signed(&key)
            .expect("certificate")
            .der()
            .to_vec()
    }

    #[test]
    fn the_subject_reads_most_specific_first_with_unnamed_types_in_hex() {
        use rcgen::DnType;
        let email = DnType::CustomDnType(vec![1, 2, 840, 113_549, 1, 9, 1]);
        let der = certificate_named(vec![
            (DnType::CountryName, "NL"),
            (DnType::OrganizationName, "Payments"),
            (email, "alice@example.org"),
            (DnType::CommonName, "alice"),
        ]);
        let peer = PeerCertificate::from_der(&der).expect("parses");
        assert_eq!(
            peer.subject,
            "CN=alice,1.2.840.113549.1.9.1=#0c11616c696365406578616d706c652e6f7267,O=Payments,C=NL"
        );
        assert_eq!(peer.common_name.as_deref(), Some("alice"));
    }

    #[test]
    fn a_subject_without_a_common_name_has_none_and_garbage_is_no_certificate() {
        let der = certificate_named(vec![(rcgen::DnType::OrganizationName, "Payments")]);
        let peer = PeerCertificate::from_der(&der).expect("parses");
        assert_eq!(peer.subject, "O=Payments");
        assert_eq!(peer.common_name, None);
        assert_eq!(PeerCertificate::from_der(b"not DER"), None);
    }
}
