//! The pieces of the front door (`app::App::front_door`) that every request passes before
//! any route: panic catching, request tracing and the Host/Origin allow-lists. Written here rather than taken from
//! tower-http because those cost a measurable share of a warm schema read (a boxed
//! response body per request, two clock reads even with tracing off; BENCHMARKS.md):
//! these allocate nothing and read the clock only when debug logging is on.

mod guard;
mod origin;
mod trace;

pub use guard::CatchPanicLayer;
pub use origin::{AllowListLayer, AllowLists};
pub use trace::TraceLayer;

use axum::body::Body;
use bytes::Bytes;
use http_body_util::{Either, Full};

/// The body of every answer that leaves the front door: ready bytes (the fast lane's
/// cached answers, sent without boxing) or whatever a route produced.
pub type DoorBody = Either<Full<Bytes>, Body>;

/// A route's response, as the front door sends it.
pub fn routed(response: axum::response::Response) -> axum::http::Response<DoorBody> {
    response.map(Either::Right)
}
