//! The Confluent Schema Registry REST API v1, route by route.

mod associations;
mod cache;
mod compatibility;
mod deprecation;
mod hot_path;
mod observe;
mod respond;
mod root;
mod schemas;
mod server_info;
mod settings;
mod shapes;
mod subjects;
mod wire;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};

pub use cache::HotCache;
pub use deprecation::Deprecations;
pub use hot_path::{FastLane, FastLaneLayer};
pub use observe::Observed;

use super::error::ApiError;
use crate::registry::Registry;

/// What the Confluent routes, the observe layer and the fast lane share: one handle, so
/// the per-request clones axum makes of a router's state are one reference count, not one
/// per part (they showed in profiles of the routed read path).
#[derive(Clone)]
pub struct ConfluentState(Arc<ConfluentParts>);

pub struct ConfluentParts {
    pub registry: Arc<Registry>,
    pub cache: Arc<HotCache>,
    /// The access policy: the fast lane answers only callers who may read everything.
    pub access: Arc<crate::access::Access>,
    /// Observed usage: every schema read and write is counted for its reader.
    pub usage: Arc<crate::usage::Usage>,
    /// The catalog, for the deprecation headers of its deprecated events' subjects.
    pub catalog: Arc<crate::catalog::Catalog>,
    pub deprecations: Arc<Deprecations>,
}

impl ConfluentState {
    pub fn new(parts: ConfluentParts) -> Self {
        Self(Arc::new(parts))
    }
}

impl std::ops::Deref for ConfluentState {
    type Target = ConfluentParts;

    fn deref(&self) -> &ConfluentParts {
        &self.0
    }
}

/// All Confluent routes, with Confluent-shaped 404/405 answers and content negotiation.
pub fn router(state: ConfluentState) -> Router {
    Router::new()
        .route("/", get(root::root).post(root::root))
        .route("/schemas", get(schemas::list))
        .route("/schemas/types", get(schemas::get_types))
        .route(
            &format!("{}{{id}}", schemas::BY_ID_PREFIX),
            get(schemas::get_by_id),
        )
        .route("/schemas/ids/{id}/schema", get(schemas::get_raw_by_id))
        .route("/schemas/ids/{id}/subjects", get(schemas::get_subjects))
        .route("/schemas/ids/{id}/versions", get(schemas::get_versions))
        .route("/schemas/guids/{guid}", get(schemas::get_by_guid))
        .route("/schemas/guids/{guid}/ids", get(schemas::get_ids_by_guid))
        .route("/subjects", get(subjects::list))
        .route(
            "/subjects/{subject}",
            post(subjects::lookup).delete(subjects::delete),
        )
        .route(
            "/subjects/{subject}/versions",
            get(subjects::list_versions).post(subjects::register),
        )
        .route(
            "/subjects/{subject}/versions/{version}",
            get(subjects::get_version).delete(subjects::delete_version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(subjects::get_version_schema),
        )
        .route(
            "/subjects/{subject}/versions/{version}/referencedby",
            get(subjects::referenced_by),
        )
        .route("/subjects/{subject}/metadata", get(subjects::by_metadata))
        .route(
            "/config",
            get(settings::get_global_config)
                .put(settings::put_global_config)
                .delete(settings::delete_global_config),
        )
        .route(
            "/config/{subject}",
            get(settings::get_subject_config)
                .put(settings::put_subject_config)
                .delete(settings::delete_subject_config),
        )
        .route(
            "/mode",
            get(settings::get_global_mode)
                .put(settings::put_global_mode)
                .delete(settings::delete_global_mode),
        )
        .route(
            "/mode/{subject}",
            get(settings::get_subject_mode)
                .put(settings::put_subject_mode)
                .delete(settings::delete_subject_mode),
        )
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(compatibility::against_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(compatibility::against_version),
        )
        .route("/contexts", get(server_info::contexts))
        .route("/v1/metadata/id", get(server_info::metadata_id))
        .route("/v1/metadata/version", get(server_info::metadata_version))
        .route(
            "/v1/metadata/deployment",
            get(server_info::metadata_deployment),
        )
        .route("/associations", get(associations::associations))
        .route("/associations/{*rest}", get(associations::associations))
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::http(StatusCode::METHOD_NOT_ALLOWED) })
        .layer(super::negotiate::NegotiateLayer)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ))
        .with_state(state)
}
