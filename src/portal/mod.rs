//! The HTML portal under `/ui`: server-rendered pages (askama), usable with JavaScript off,
//! every asset served from the binary.
//!
//! Handlers stay thin: parse the path and query into typed values, call one registry use
//! case, build a view struct (a template) from its answer. Errors render as HTML pages
//! ([`error::PortalError`]); nothing under `/ui` answers JSON.

mod assets;
mod audit;
pub mod catalog;
mod diff;
mod error;
mod extract;
pub mod graph;
mod highlight;
mod home;
mod layout;
mod linediff;
pub(crate) mod links;
mod schemas;
mod search;
pub(crate) mod sight;
pub mod sign_in;
mod subject;
mod subjects;
pub(crate) mod usage;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use error::{PortalError, denied};

use crate::registry::Registry;

/// What the portal's handlers need.
#[derive(Clone)]
pub struct PortalState {
    pub registry: Arc<Registry>,
    pub catalog: Arc<crate::catalog::Catalog>,
    /// The access policy: sign-in checks passwords and seals sessions with it.
    pub access: Arc<crate::access::Access>,
    /// The Origins the front door takes writes from: the sign-in forms take none else.
    pub allow_lists: crate::api::door::AllowLists,
    /// Observed usage: the declared-vs-observed panels, drift and deprecation pages.
    pub usage: Arc<crate::usage::Usage>,
}

/// Every portal route, all under `/ui` (the root namespace belongs to the Confluent API).
pub fn router(state: PortalState) -> Router {
    Router::new()
        .route("/ui", get(home::page))
        .route("/ui/subjects", get(subjects::list))
        .route("/ui/subjects/{subject}", get(subject::latest))
        .route(
            "/ui/subjects/{subject}/versions/{version}",
            get(subject::version),
        )
        .route(
            "/ui/subjects/{subject}/versions/{version}/download",
            get(subject::download),
        )
        .route("/ui/subjects/{subject}/diff", get(diff::page))
        .route("/ui/schemas/{id}", get(schemas::page))
        .route("/ui/search", get(search::page))
        .route("/ui/audit", get(audit::page))
        .route("/ui/drift", get(usage::drift_page))
        .route("/ui/deprecations", get(usage::deprecations_page))
        .route("/ui/static/{file}", get(assets::serve))
        .route("/ui/sign-in", get(sign_in::page).post(sign_in::submit))
        .route("/ui/sign-in/sso", get(sign_in::start_sso))
        .route("/ui/auth/callback", get(sign_in::callback))
        .route("/ui/sign-out", post(sign_in::sign_out))
        // Anything else under /ui is an HTML 404, never the Confluent JSON one.
        .route("/ui/{*rest}", get(not_found))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

async fn not_found() -> PortalError {
    PortalError::NotFound("There is no page at this address.".into())
}

/// A rendered template, answered as an HTML page with the given status.
pub struct Page<T>(pub StatusCode, pub T);

impl<T: Template> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        match self.1.render() {
            Ok(html) => (
                self.0,
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    // Pages change with every registration: always revalidate.
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                html,
            )
                .into_response(),
            Err(error) => {
                tracing::error!(%error, "portal template failed to render");
                error::last_resort()
            }
        }
    }
}

/// A `200 OK` page.
fn ok<T: Template>(page: T) -> Page<T> {
    Page(StatusCode::OK, page)
}

/// Headers every portal answer carries: no inline scripts or styles, no framing, no
/// content sniffing. The interactive API page (`/api-docs/`) carries them too (`app.rs`).
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}
