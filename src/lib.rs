//! Herald: a Confluent-compatible schema registry and event portal.
//!
//! A guided tour, from the top down (dependencies point down only):

/// Identity and access control: credentials, principals, grants, the access file.
pub mod access;
/// HTTP: the Confluent wire API, its errors, extractors and content negotiation.
pub mod api;
/// Wiring: settings to store to registry to router, and the front door every request
/// passes.
pub mod app;
/// The event catalog: domains, teams, applications, topics, events and their edges;
/// catalog as code (YAML) and AsyncAPI.
pub mod catalog;
/// Settings of `herald serve` (flags and `HERALD_*` variables).
pub mod config;
/// Typed domain values shared by every layer (subjects, versions, modes, config).
pub mod model;
/// The HTML portal under `/ui`: server-rendered pages over the registry.
pub mod portal;
/// Confluent Schema Registry semantics: the use cases behind the wire API.
pub mod registry;
/// Pure schema logic: parsing, canonical form, identity, compatibility. No IO.
pub mod schema;
/// Values that never reach a log, a `Debug` or an error body (database URLs), and their
/// one redactor.
pub mod secret;
/// The connection loop: TCP accept and HTTP/1.1 with hyper, every request to one service.
pub mod server;
/// Persistence: the only module with SQL.
pub mod storage;
/// Observed usage: who really reads which schema (counted in memory, flushed in batches),
/// joined to the catalog's applications; drift between declared and observed readers.
pub mod usage;
