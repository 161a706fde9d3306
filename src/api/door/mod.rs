//! The pieces of the front door (`app::App::front_door`) that every request passes before
//! any route: panic catching, request tracing and the Host/Origin allow-lists. Written here rather than taken from
//! tower-http because those cost a measurable share of a warm schema read (a boxed
//! response body per request, two clock reads even with tracing off; BENCHMARKS.md):
//! these allocate nothing and read the clock only when debug logging is on.

mod authn;
mod guard;
mod origin;
pub mod permissions;
mod trace;

pub use authn::{AuthenticateLayer, caller_of, session_cookie, unauthenticated};
pub use guard::CatchPanicLayer;
pub use origin::{AllowListLayer, AllowLists};
pub use trace::TraceLayer;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use bytes::Bytes;
use http_body_util::{Either, Full};

use crate::api::error::ApiError;

/// The body of every answer that leaves the front door: ready bytes (the fast lane's
/// cached answers, sent without boxing) or whatever a route produced.
pub type DoorBody = Either<Full<Bytes>, Body>;

/// A route's response, as the front door sends it. An error answered in plain text (an
/// extractor rejection of axum's own — a body over the limit, a path that isn't UTF-8)
/// becomes the API's `{"error_code", "message"}` shape, so every error a client sees
/// reads the same way; the fast lane's answers never come through here.
pub fn routed(response: axum::response::Response) -> axum::http::Response<DoorBody> {
    let status = response.status();
    if (status.is_client_error() || status.is_server_error()) && is_plain_text(&response) {
        return plain_error(status).into_response().map(Either::Right);
    }
    response.map(Either::Right)
}

fn is_plain_text(response: &axum::response::Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"))
}

/// What the framework's plain-text rejections mean, in words a client can act on.
fn plain_error(status: StatusCode) -> ApiError {
    let code = u32::from(status.as_u16());
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            status,
            code,
            "Request body is larger than this server accepts (--max-body-bytes)",
        ),
        StatusCode::BAD_REQUEST => ApiError::new(
            status,
            code,
            "Bad request: the path, query or body could not be read (invalid UTF-8 or encoding)",
        ),
        other => ApiError::http(other),
    }
}
