//! Wiring: settings -> store -> registry -> router, and the server loop. `build` and
//! `serve` are the seams tests use.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;

use crate::api::confluent::{self, ConfluentState, HotCache, HotPath};
use crate::api::error::ApiError;
use crate::api::{health, openapi, paths, validate};
use crate::catalog::file::SourcedFile;
use crate::catalog::{Catalog, CatalogError};
use crate::portal::{self, PortalState};
use crate::registry::Registry;
use crate::storage::{Store, StoreError};

/// Everything a running Herald holds.
#[derive(Clone)]
pub struct App {
    pub registry: Arc<Registry>,
    pub catalog: Arc<Catalog>,
    /// Ready response bodies of the hot read paths, shared by the routes and the fast lane.
    pub cache: Arc<HotCache>,
    pub max_body_bytes: usize,
}

impl App {
    /// Opens the store (creating and migrating it if needed).
    pub async fn open(database_url: &str, max_body_bytes: usize) -> Result<Self, StoreError> {
        let store = Store::connect(database_url).await?;
        let registry = Arc::new(Registry::new(store.clone()));
        // Other nodes' writes invalidate this node's caches (PostgreSQL LISTEN/NOTIFY). The
        // watcher holds the registry weakly and stops when the app is gone.
        let watched = Arc::downgrade(&registry);
        store.spawn_change_watcher(move |change| match watched.upgrade() {
            Some(registry) => {
                registry.note_external_change(change);
                true
            }
            None => false,
        });
        Ok(Self {
            catalog: Arc::new(Catalog::new(registry.clone())),
            registry,
            cache: Arc::new(HotCache::default()),
            max_body_bytes,
        })
    }

    /// Loads the demo landscape (catalog file with its schemas) into an empty database;
    /// a database holding anything is left alone. Whether it loaded.
    pub async fn load_demo(&self, path: &std::path::Path) -> Result<bool, CatalogError> {
        let empty = self.catalog.snapshot().await?.all().is_empty()
            && self.registry.store().subjects().await?.is_empty();
        if !empty {
            return Ok(false);
        }
        let sourced = SourcedFile::read(path)?;
        self.catalog.apply(&sourced, false, "demo").await?;
        Ok(true)
    }

    fn confluent_state(&self) -> ConfluentState {
        ConfluentState {
            registry: self.registry.clone(),
            cache: self.cache.clone(),
        }
    }

    /// The HTTP routes.
    pub fn router(&self) -> Router {
        confluent::router(self.confluent_state())
            .merge(validate::router(self.registry.clone()))
            .merge(crate::api::catalog::router(self.catalog.clone()))
            .merge(health::router(self.registry.clone()))
            .merge(portal::router(PortalState {
                registry: self.registry.clone(),
                catalog: self.catalog.clone(),
            }))
            .merge(portal::catalog::router(self.catalog.clone()))
            .merge(openapi::router())
            .layer(DefaultBodyLimit::max(self.max_body_bytes))
            // A bug must still answer in the Confluent shape, never drop the connection.
            .layer(CatchPanicLayer::custom(|_| {
                tracing::error!("request handler panicked");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    500,
                    "Internal Server Error",
                )
                .into_response()
            }))
    }
}

/// Serves `app` on `listener` until `shutdown` resolves. Trailing slashes are trimmed
/// before anything else (the Java client POSTs `.../versions/`); warm schema-by-id reads
/// take the fast lane, everything else the router.
pub async fn serve(
    listener: TcpListener,
    app: &App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let routed = HotPath::new(app.confluent_state(), app.router());
    let service = tower::ServiceBuilder::new()
        .map_request(paths::trim_trailing_slash)
        .service(routed);
    axum::serve(
        listener,
        axum::ServiceExt::<axum::extract::Request>::into_make_service(service),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
