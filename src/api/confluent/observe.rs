//! Observed usage on the Confluent wire: every schema read and write is counted for its
//! reader (principal, client library, address). Handlers say what they served by putting
//! an [`Observed`] into their response; [`observe`], a layer on the Confluent router,
//! counts it for the request's reader. The fast lane counts its warm answers itself
//! ([`sighting`]), from the request it already holds, without copying anything.

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
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
    label_of(client_header(headers))
}

/// The header that names the client: the Confluent clients' own, else `User-Agent`.
fn client_header(headers: &HeaderMap) -> Option<&HeaderValue> {
    headers
        .get("confluent-client-version")
        .or_else(|| headers.get(header::USER_AGENT))
}

/// The header's text, trimmed and cut to [`MAX_CLIENT_LABEL`] bytes at a character
/// boundary; empty when there is none or it is not readable text.
fn label_of(value: Option<&HeaderValue>) -> &str {
    let label = value.and_then(|v| v.to_str().ok()).unwrap_or("").trim();
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

/// The reader of a request, kept while the handler runs (the request moves into it):
/// shared handles only, nothing copied.
struct Reader {
    caller: Option<Caller>,
    client: Option<HeaderValue>,
    address: Option<std::net::IpAddr>,
}

impl Reader {
    fn of(request: &Request) -> Self {
        let headers = request.headers();
        Self {
            caller: request.extensions().get::<Caller>().cloned(),
            client: client_header(headers).cloned(),
            address: request
                .extensions()
                .get::<ClientAddress>()
                .map(|a| a.0.ip()),
        }
    }

    fn client(&self) -> &str {
        label_of(self.client.as_ref())
    }
}

/// The `subject` or schema `id` parameter of a request's path, for answers that say
/// nothing of what they served.
fn named(params: &RawPathParams) -> (Option<&str>, Option<i64>) {
    let (mut subject, mut id) = (None, None);
    for (key, value) in params.iter() {
        match key {
            "subject" => subject = Some(value),
            "id" => id = value.parse().ok(),
            _ => {}
        }
    }
    (subject, id)
}

/// Counts what the handler says it served for the request's reader, and marks an answer
/// about a deprecated event's schemas with the deprecation headers.
pub async fn observe(
    State(state): State<ConfluentState>,
    params: Result<RawPathParams, RawPathParamsRejection>,
    request: Request,
    next: Next,
) -> Response {
    let reader = state.usage.settings().enabled.then(|| Reader::of(&request));
    let mut response = next.run(request).await;
    if !response.status().is_success() {
        return response;
    }
    let observed = response.extensions_mut().remove::<Observed>();
    if let (Some(reader), Some(observed)) = (&reader, &observed) {
        state.usage.record(&Sighting {
            principal: reader.caller.as_ref().and_then(Caller::name).unwrap_or(""),
            client: reader.client(),
            address: reader.address,
            access: observed.access,
            schema_id: observed.schema_id,
            subject: &observed.subject,
            version: observed.version,
        });
    }
    let generation = state.registry.generation();
    let table = state.deprecations.current(&state.catalog, generation).await;
    if table.is_empty() {
        return response;
    }
    let (path_subject, path_id) = params.as_ref().map_or((None, None), named);
    let subject = observed
        .as_ref()
        .map(|o| o.subject.as_str())
        .filter(|s| !s.is_empty())
        .or(path_subject);
    let id = observed.as_ref().map(|o| o.schema_id).or(path_id);
    let notice = match (subject, id) {
        (Some(subject), _) => table.for_subject(subject),
        (None, Some(id)) => table.for_id(id),
        (None, None) => None,
    };
    if let Some(notice) = notice {
        notice.add_to(response.headers_mut());
    }
    response
}
