//! The event catalog's pages under `/ui`: topics, applications, events, domains and teams
//! (a list and a page each), the fields carrying a tag, and the catalog overview with its
//! downloads. Everything is read from the in-memory [`Snapshot`]; only a page's own
//! subjects are looked up in the registry (their live versions, an event's fields).

mod applications;
mod diagrams;
mod domains;
mod events;
mod fields;
mod filters;
mod list;
mod markdown;
mod overview;
mod resolve;
mod teams;
mod topics;
mod view;

use std::fmt::Display;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;

pub use overview::{CatalogHome, home_section};

use crate::catalog::model::{EntityKind, EntityName};
use crate::catalog::{Catalog, CatalogError, Snapshot};
use crate::portal::PortalError;

/// The catalog pages, with the portal's security headers.
pub fn router(catalog: Arc<Catalog>, usage: Arc<crate::usage::Usage>) -> Router {
    Router::new()
        .route("/ui/topics", get(topics::list))
        .route("/ui/topics/{name}", get(topics::page))
        .route("/ui/applications", get(applications::list))
        .route("/ui/applications/{name}", get(applications::page))
        .route("/ui/events", get(events::list))
        .route("/ui/events/{name}", get(events::page))
        .route("/ui/domains", get(domains::list))
        .route("/ui/domains/{name}", get(domains::page))
        .route("/ui/teams", get(teams::list))
        .route("/ui/teams/{name}", get(teams::page))
        .route("/ui/catalog", get(overview::page))
        .route("/ui/catalog/fields", get(fields::page))
        .layer(axum::middleware::map_response(super::security_headers))
        // The declared-vs-observed panels of topic, event and application pages.
        .layer(axum::Extension(usage))
        .with_state(catalog)
}

/// The catalog as of now, as far as the page's reader may read it: every list, count and
/// graph of the catalog pages is drawn from this.
pub(crate) async fn snapshot(catalog: &Catalog) -> Result<Arc<Snapshot>, PortalError> {
    let viewer = super::sight::viewer()?;
    catalog.snapshot_for(&viewer).await.map_err(failed)
}

/// A catalog failure as a page: unknown entities are 404s, the rest is logged.
pub(crate) fn failed(error: CatalogError) -> PortalError {
    match error {
        CatalogError::NotFound { .. } => PortalError::NotFound(error.to_string()),
        CatalogError::Registry(error) => PortalError::from(error),
        other => internal(&other),
    }
}

/// Logs `error` and answers the generic 500 page.
fn internal(error: &dyn Display) -> PortalError {
    tracing::error!(%error, "catalog page failed");
    PortalError::Internal
}

/// The 404 page for an entity that isn't in the catalog (or can't be: a bad name).
fn not_found(kind: EntityKind, name: &str) -> PortalError {
    PortalError::NotFound(format!(
        "There is no {kind} named \"{name}\" in the catalog."
    ))
}

/// The name in a page's path, when it can name an entity at all.
fn entity_name(kind: EntityKind, text: &str) -> Result<EntityName, PortalError> {
    EntityName::parse(text).map_err(|_| not_found(kind, text))
}
