//! Observed usage on the Confluent wire: every schema read and write is counted for its
//! reader (principal, client library, address). Handlers say what they served by putting
//! an [`Observed`] into their response; [`observe`], a layer on the Confluent router,
//! counts it for the request's reader. The fast lane counts its warm answers itself
//! ([`sighting`]), from the request it already holds, without copying anything.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;

use super::ConfluentState;
use crate::access::Caller;
use crate::server::ClientAddress;
use crate::usage::{Access, Sighting};

/// The longest client label kept: a longer `User-Agent` is cut (at a character
/// boundary), so a client cannot grow the tally's keys at will.
const MAX_CLIENT_LABEL: usize = 120;

/// What a handler served: the schema, and where it sits if the request named it.
#[derive(Debug, Clone)]
pub struct Observed {
    pub access: Access,
    pub schema_id: i64,
    /// Empty for reads by id or guid.
    pub subject: String,
    /// 0 when the request did not say.
    pub version: i32,
}

impl Observed {
    pub fn by_id(access: Access, schema_id: i64) -> Self {
        Self {
            access,
            schema_id,
            subject: String::new(),
            version: 0,
        }
    }

    pub fn in_subject(access: Access, schema_id: i64, subject: &str, version: i32) -> Self {
        Self {
            access,
            schema_id,
            subject: subject.to_owned(),
            version,
        }
    }
}

/// The client library and version a request names: the Confluent clients' own header
/// first (librdkafka-based clients send it), else the `User-Agent`; empty when neither is
/// readable text.
pub fn client_label(headers: &HeaderMap) -> &str {
    let label = headers
        .get("confluent-client-version")
        .or_else(|| headers.get(header::USER_AGENT))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim();
    if label.len() <= MAX_CLIENT_LABEL {
        return label;
    }
    let mut end = MAX_CLIENT_LABEL;
    while !label.is_char_boundary(end) {
        end -= 1;
    }
    &label[..end]
}

/// The request's reader and `observed` as one sighting, borrowed from the request.
pub fn sighting<'a, B>(
    request: &'a axum::http::Request<B>,
    access: Access,
    schema_id: i64,
    subject: &'a str,
    version: i32,
) -> Sighting<'a> {
    let extensions = request.extensions();
    Sighting {
        principal: extensions
            .get::<Caller>()
            .and_then(Caller::name)
            .unwrap_or(""),
        client: client_label(request.headers()),
        address: extensions.get::<ClientAddress>().map(|a| a.0.ip()),
        access,
        schema_id,
        subject,
        version,
    }
}

/// The reader of a request, kept while the handler runs (the request moves into it).
struct Reader {
    caller: Option<Caller>,
    client: String,
    address: Option<std::net::IpAddr>,
}

impl Reader {
    fn of(request: &Request) -> Self {
        Self {
            caller: request.extensions().get::<Caller>().cloned(),
            client: client_label(request.headers()).to_owned(),
            address: request
                .extensions()
                .get::<ClientAddress>()
                .map(|a| a.0.ip()),
        }
    }
}

/// Counts what the handler says it served for the request's reader.
pub async fn observe(
    State(state): State<ConfluentState>,
    request: Request,
    next: Next,
) -> Response {
    if !state.usage.settings().enabled {
        return next.run(request).await;
    }
    let reader = Reader::of(&request);
    let response = next.run(request).await;
    if let Some(observed) = response.extensions().get::<Observed>()
        && response.status().is_success()
    {
        state.usage.record(&Sighting {
            principal: reader.caller.as_ref().and_then(Caller::name).unwrap_or(""),
            client: &reader.client,
            address: reader.address,
            access: observed.access,
            schema_id: observed.schema_id,
            subject: &observed.subject,
            version: observed.version,
        });
    }
    response
}
