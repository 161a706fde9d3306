//! Our own extractors, so that every malformed request gets the Confluent error shape:
//! bodies (media type, size, charset, JSON) and query strings (Python-style booleans,
//! unknown parameters ignored).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::negotiate::BodyMedia;

/// A JSON body read the Confluent way.
pub struct WireJson<T>(pub T);

impl<S, T> FromRequest<S> for WireJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !BodyMedia::Confluent.accepts(request.headers()) {
            return Err(ApiError::http(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        let charset = charset_of(request.headers());
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                let status = rejection.status();
                if status == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        status,
                        413,
                        "Request body is larger than the configured limit",
                    )
                } else {
                    ApiError::new(StatusCode::BAD_REQUEST, 400, rejection.body_text())
                }
            })?;
        let text = decode(&bytes, charset.as_deref())?;
        parse_json(&text).map(WireJson)
    }
}

/// Refuses, before the body is read, a request whose `Content-Type` is not
/// `application/octet-stream` (415): for endpoints that take raw bytes.
pub struct OctetStream;

impl<S: Send + Sync> FromRequestParts<S> for OctetStream {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if BodyMedia::OctetStream.accepts(&parts.headers) {
            Ok(Self)
        } else {
            Err(ApiError::http(StatusCode::UNSUPPORTED_MEDIA_TYPE))
        }
    }
}

/// Syntax errors are 400; well-formed JSON of the wrong shape is 422 (as Jackson's
/// mappers answer in Confluent).
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                422,
                format!("Unrecognized field or wrong type in request body: {e}"),
            )
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, 400, format!("Malformed JSON: {e}"))
        }
    })
}

fn charset_of(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    value
        .split(';')
        .skip(1)
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase())
}

/// Honours `charset=utf-16` (with or without BOM, default big-endian), ISO-8859-1 and
/// US-ASCII besides UTF-8; any other charset is 415 rather than a guess (decoding it as
/// UTF-8 would store different text than the client meant).
fn decode(bytes: &[u8], charset: Option<&str>) -> Result<String, ApiError> {
    let bad = |what: &str| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            400,
            format!("Body is not valid {what}"),
        )
    };
    match charset {
        Some(cs @ ("utf-16" | "utf-16be" | "utf-16le")) => {
            if !bytes.len().is_multiple_of(2) {
                return Err(bad("UTF-16"));
            }
            let (little_endian, body) = match (cs, bytes) {
                ("utf-16le", b) => (true, b),
                ("utf-16be", b) => (false, b),
                (_, [0xFF, 0xFE, rest @ ..]) => (true, rest),
                (_, [0xFE, 0xFF, rest @ ..]) => (false, rest),
                (_, b) => (false, b),
            };
            let units: Vec<u16> = body
                .chunks_exact(2)
                .map(|pair| {
                    let pair = [pair[0], pair[1]];
                    if little_endian {
                        u16::from_le_bytes(pair)
                    } else {
                        u16::from_be_bytes(pair)
                    }
                })
                .collect();
            String::from_utf16(&units).map_err(|_| bad("UTF-16"))
        }
        // Every byte is the code point of the same value.
        Some("iso-8859-1" | "latin1" | "latin-1" | "l1" | "iso_8859-1") => {
            Ok(bytes.iter().map(|&b| char::from(b)).collect())
        }
        Some("us-ascii" | "ascii") if bytes.is_ascii() => {
            String::from_utf8(bytes.to_vec()).map_err(|_| bad("US-ASCII"))
        }
        Some("us-ascii" | "ascii") => Err(bad("US-ASCII")),
        None | Some("utf-8" | "utf8") => {
            String::from_utf8(bytes.to_vec()).map_err(|_| bad("UTF-8"))
        }
        Some(other) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            415,
            format!("Unsupported charset {other:?}: send UTF-8, UTF-16, ISO-8859-1 or US-ASCII"),
        )),
    }
}

/// A schema id from a path; anything but an integer is an unknown route (404), as in
/// Confluent.
pub fn schema_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}

/// The query string as name/value pairs.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::parse(parts.uri.query()))
    }
}

impl Params {
    /// Reads a query string (`None`: the URI has none).
    pub fn parse(query: Option<&str>) -> Self {
        Self(
            form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated parameter, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A boolean flag; `true` in any case counts, anything else is false (Python sends
    /// `False`).
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// An integer parameter; unparsable values count as absent.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(|v| v.trim().parse().ok())
    }
}

/// The header naming who makes a change, honoured only while access control is off.
pub const ACTOR_HEADER: &str = "x-herald-actor";

/// Who the audit log names for this request: the authenticated principal and its method;
/// with access control off, the `X-Herald-Actor` header, else `anonymous`.
pub struct Actor(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let claimed = parts
            .headers
            .get(ACTOR_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= 200);
        let actor = match parts.extensions.get::<crate::access::Viewer>() {
            Some(viewer) => viewer.actor(claimed),
            None => crate::access::Caller::Anonymous.actor(),
        };
        Ok(Self(actor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_bodies_decode() {
        let text = "{\"schema\":\"\\\"int\\\"\"}";
        let mut bytes = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            bytes.extend(unit.to_be_bytes());
        }
        assert_eq!(decode(&bytes, Some("utf-16")).expect("decodes"), text);
        assert!(decode(&[0xFF], Some("utf-16")).is_err());
        assert!(decode(&[0xC3, 0x28], None).is_err());
    }

    #[test]
    fn json_errors_are_classified() {
        let syntax = parse_json::<serde_json::Value>("{").expect_err("syntax");
        assert_eq!(syntax.code, 400);
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            schema: String,
        }
        let data = parse_json::<Body>("{\"schema\": 5}").expect_err("data");
        assert_eq!(data.code, 422);
    }
}
