//! What the connection knows about the client, put into every request it carries: the
//! client's address, and the subject of a verified client certificate under mutual TLS.
//! Only the connection loop inserts these; no header can forge them.

use std::net::SocketAddr;

/// The address the connection came from (rate limits, usage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub SocketAddr);

/// The verified client certificate of a mutual-TLS connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCertificate {
    /// The subject's distinguished name, RFC 4514 style (`CN=alice,O=Payments`).
    pub subject: String,
    pub common_name: Option<String>,
}
