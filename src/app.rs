//! Wiring: settings -> store -> registry -> router, and the server loop. `build` and
//! `serve` are the seams tests use.

use std::future::Future;
use std::sync::Arc;

use std::convert::Infallible;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use hyper::body::Incoming;
use tokio::net::TcpListener;
use tower::Service;
use tower::ServiceBuilder;

use crate::access::Access;
use crate::api::confluent::{
    self, ConfluentParts, ConfluentState, Deprecations, FastLaneLayer, HotCache,
};
use crate::api::door::permissions::{Guard, authorize};
use crate::api::door::{self, DoorBody};
use crate::api::{health, openapi, paths, validate};
use crate::catalog::file::SourcedFile;
use crate::catalog::{Catalog, CatalogError};
use crate::portal::{self, PortalState};
use crate::registry::DeletedFilter;
use crate::registry::Registry;
use crate::secret::DatabaseUrl;
use crate::server::{self, ServerLimits, ServerOptions};
use crate::storage::{Store, StoreError};
use crate::usage::{Usage, UsageSettings};

/// Everything a running Herald holds.
#[derive(Clone)]
pub struct App {
    pub registry: Arc<Registry>,
    pub catalog: Arc<Catalog>,
    /// Ready response bodies of the hot read paths, shared by the routes and the fast lane.
    pub cache: Arc<HotCache>,
    pub max_body_bytes: usize,
    /// The Host names this node answers and the Origins it takes writes from (empty: any).
    pub allow_lists: door::AllowLists,
    /// Who may do what (open when there is no access file).
    pub access: Arc<Access>,
    /// Observed usage: the in-memory tally and its flusher.
    pub usage: Arc<Usage>,
    /// The deprecation headers of the Confluent API, rebuilt after changes.
    pub deprecations: Arc<Deprecations>,
}

impl App {
    /// Opens the store (creating and migrating it if needed).
    pub async fn open(
        database_url: &DatabaseUrl,
        max_body_bytes: usize,
    ) -> Result<Self, StoreError> {
        Self::open_with(database_url, max_body_bytes, UsageSettings::default()).await
    }

    /// Opens the store, counting usage as `usage` says (a flusher task runs while the app
    /// lives).
    pub async fn open_with(
        database_url: &DatabaseUrl,
        max_body_bytes: usize,
        usage: UsageSettings,
    ) -> Result<Self, StoreError> {
        let store = Store::connect(database_url.expose()).await?;
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
        let catalog = Arc::new(Catalog::new(registry.clone(), store.clone()));
        let usage = Arc::new(Usage::new(usage, store, registry.clone(), catalog.clone()));
        usage.spawn_flusher();
        Ok(Self {
            catalog,
            usage,
            deprecations: Arc::new(Deprecations::default()),
            registry,
            cache: Arc::new(HotCache::default()),
            max_body_bytes,
            allow_lists: door::AllowLists::default(),
            access: Arc::new(Access::open()),
        })
    }

    /// Answers only requests whose Host is in `hosts` and takes writes from browsers only
    /// when their Origin is in `origins` or is this node itself (an empty list: any).
    #[must_use]
    pub fn with_allow_lists(mut self, hosts: &[String], origins: &[String]) -> Self {
        self.allow_lists = door::AllowLists::new(hosts, origins);
        self
    }

    /// Applies `access` (an access file's policy) instead of leaving Herald open.
    #[must_use]
    pub fn with_access(mut self, access: Arc<Access>) -> Self {
        self.access = access;
        self
    }

    /// Loads the demo landscape (catalog file with its schemas) into an empty database;
    /// a database holding anything is left alone. Whether it loaded.
    pub async fn load_demo(&self, path: &std::path::Path) -> Result<bool, CatalogError> {
        let empty = self.catalog.snapshot().await?.all().is_empty()
            && self
                .registry
                .subjects("", DeletedFilter::including(true))
                .await?
                .is_empty();
        if !empty {
            return Ok(false);
        }
        let sourced = SourcedFile::read(path)?;
        self.catalog.apply(&sourced, false, "demo").await?;
        self.seed_demo_traffic(&path.with_file_name("usage.yaml"))
            .await;
        Ok(true)
    }

    /// Writes the demo's sample traffic (beside its catalog) into the usage table, so the
    /// drift and deprecation pages show something on first run. A problem with the file
    /// is logged: the demo still starts.
    async fn seed_demo_traffic(&self, path: &std::path::Path) {
        let traffic = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                serde_yaml_ng::from_str::<crate::usage::demo::DemoTraffic>(&text)
                    .map_err(|e| e.to_string())
            }) {
            Ok(traffic) => traffic,
            Err(error) => {
                tracing::warn!(file = %path.display(), %error, "no demo traffic loaded");
                return;
            }
        };
        match self.usage.seed(&traffic).await {
            Ok(rows) => tracing::info!(rows, "loaded the demo's sample traffic"),
            Err(error) => tracing::warn!(%error, "could not load the demo's sample traffic"),
        }
    }

    fn confluent_state(&self) -> ConfluentState {
        ConfluentState::new(ConfluentParts {
            registry: self.registry.clone(),
            cache: self.cache.clone(),
            access: self.access.clone(),
            usage: self.usage.clone(),
            catalog: self.catalog.clone(),
            deprecations: self.deprecations.clone(),
        })
    }

    /// Every route of every area, each behind the authorization guard (the route's line
    /// in `permissions::RULES`), without the cross-cutting layers.
    fn routes(&self) -> Router {
        let guard = Guard::new(
            self.access.clone(),
            self.registry.clone(),
            self.catalog.clone(),
        );
        let api = confluent::router(self.confluent_state())
            .merge(validate::router(self.registry.clone()))
            .merge(crate::api::audit::router(self.registry.clone()))
            .merge(crate::api::catalog::router(
                self.catalog.clone(),
                self.usage.clone(),
            ))
            .merge(health::router(self.registry.clone()))
            .merge(crate::api::usage::router(self.usage.clone()))
            // The Swagger UI is a page in a browser like the portal's: same framing, sniffing
            // and script rules (it loads only its own files, so they hold).
            .merge(
                openapi::router().layer(axum::middleware::map_response(portal::security_headers)),
            )
            .route_layer(from_fn_with_state(guard.clone(), authorize));
        let portal_state = PortalState {
            registry: self.registry.clone(),
            catalog: self.catalog.clone(),
            access: self.access.clone(),
            allow_lists: self.allow_lists.clone(),
            usage: self.usage.clone(),
        };
        // The sign-in context wraps the guard: a denial may send the reader to sign in.
        let pages = portal::router(portal_state.clone())
            .merge(portal::catalog::router(
                self.catalog.clone(),
                self.usage.clone(),
            ))
            .route_layer(from_fn_with_state(
                guard.rendering(portal::denied),
                authorize,
            ))
            .route_layer(from_fn_with_state(
                portal_state,
                portal::sign_in::middleware,
            ));
        api.merge(pages)
    }

    /// The one front door: every request passes the same cross-cutting layers, in this
    /// order, before anything answers it — the fast lane included:
    ///
    /// 1. panic catching (a bug still answers in the Confluent shape, never drops the
    ///    connection);
    /// 2. tracing (a span per request, at debug level);
    /// 3. the Host and Origin allow-lists (DNS rebinding, cross-site writes), before
    ///    anything reads the request: a pass-through when both are empty;
    /// 4. authentication: the request's credentials become its `Caller`; bad ones are
    ///    answered 401 (429 past the sign-in limit) here;
    /// 5. trailing-slash trimming (the Java client POSTs `.../versions/`);
    /// 6. the Confluent fast lane for warm `GET /schemas/ids/{id}`, which answers from
    ///    the cache (to callers who read every subject) or passes the request on;
    /// 7. the body limit, read by every body extractor (so it wraps the router: a request
    ///    the fast lane answers has no body to limit);
    /// 8. the router, every route behind the authorization guard ([`App::routes`]).
    ///
    /// A layer that must see every request (metrics) goes between 2 and 6.
    pub fn front_door(
        &self,
    ) -> impl Service<
        Request<Incoming>,
        Response = Response<DoorBody>,
        Error = Infallible,
        Future: Send + 'static,
    > + Clone
    + Send
    + 'static {
        ServiceBuilder::new()
            .layer(door::CatchPanicLayer)
            .layer(door::TraceLayer)
            .layer(door::AllowListLayer::new(&self.allow_lists))
            .layer(door::AuthenticateLayer::new(self.access.clone()))
            .map_request(paths::trim_trailing_slash::<Incoming> as fn(_) -> _)
            .layer(FastLaneLayer::new(self.confluent_state()))
            .map_response(door::routed as fn(_) -> _)
            .map_request(into_axum_body as fn(_) -> _)
            .layer(DefaultBodyLimit::max(self.max_body_bytes))
            .service(self.routes())
    }
}

/// The router reads axum's body type; the layers before it take hyper's as it comes.
fn into_axum_body(request: Request<Incoming>) -> Request<Body> {
    request.map(Body::new)
}

/// Serves `app` on `listener` until `shutdown` resolves, every request through
/// [`App::front_door`], with the default [`ServerLimits`].
pub async fn serve(
    listener: TcpListener,
    app: &App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_limits(listener, app, ServerLimits::default(), shutdown).await
}

/// [`serve`] with the given connection limits (timeouts and the connection cap).
pub async fn serve_with_limits(
    listener: TcpListener,
    app: &App,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::serve(listener, app.front_door(), limits, shutdown).await
}

/// [`serve`] with every connection-loop option: limits and TLS (mutual TLS puts the
/// client's verified certificate into each request as a `server::PeerCertificate`).
pub async fn serve_with(
    listener: TcpListener,
    app: &App,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::serve_with(listener, app.front_door(), options, shutdown).await
}
