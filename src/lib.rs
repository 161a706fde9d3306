//! Herald: a Confluent-compatible schema registry and event portal.
//!
//! A guided tour, from the bottom up (arrows point down only):

/// Pure schema logic: parsing, canonical form, identity, compatibility. No IO.
pub mod schema;
