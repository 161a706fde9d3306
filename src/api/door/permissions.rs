//! Authorization: what each route needs, in one table, and the middleware that applies it
//! after routing (so it reads the route's own template and its path parameters exactly
//! as the handler will). A route missing from the table needs admin on everything: a new
//! endpoint is closed until it is listed here and in the permission-matrix test.
//!
//! The middleware puts the request's [`Viewer`] in its extensions; handlers that list
//! things filter through it, and catalog writes check the entity they are about to store.

use std::sync::{Arc, Mutex};

use axum::extract::{MatchedPath, RawPathParams, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::access::owners::OwnerIndex;
use crate::access::{Access, Caller, Denial, Hidden, Role, Viewer};
use crate::api::error::ApiError;
use crate::catalog::model::EntityKind;
use crate::catalog::snapshot::Snapshot;
use crate::catalog::{Catalog, CatalogError};
use crate::registry::{Registry, RegistryError};

/// What a route needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, even without credentials (health, static files, documentation).
    Public,
    /// A caller who may read something; the handler shows only what it may read.
    Listing,
    /// The role on everything (global settings, whole-catalog writes).
    Everywhere(Role),
    /// The role on the `subject` path parameter.
    Subject(Role),
    /// Write on the `subject` parameter; admin when `permanent=true` (hard delete).
    SubjectDelete,
    /// Read on a subject that uses the schema `id` parameter.
    SchemaId,
    /// Read on a subject that uses a schema with the `guid` parameter.
    SchemaGuid,
    /// The role on the catalog entity of the `kind` (or this kind) and `name` parameters.
    Entity(Option<EntityKind>, Role),
    /// A catalog write: the handler checks the entity before and after.
    CatalogWrite,
}

/// One line of the table: a method (`*` for any) and a route template.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub method: &'static str,
    pub route: &'static str,
    pub need: Need,
}

const fn rule(method: &'static str, route: &'static str, need: Need) -> Rule {
    Rule {
        method,
        route,
        need,
    }
}

use Need::*;
use Role::{Admin, Read, Write};

/// Every route and what it needs.
pub const RULES: &[Rule] = &[
    // Confluent API.
    rule("*", "/", Public),
    rule("GET", "/schemas", Listing),
    rule("GET", "/schemas/types", Listing),
    rule("GET", "/schemas/ids/{id}", SchemaId),
    rule("GET", "/schemas/ids/{id}/schema", SchemaId),
    rule("GET", "/schemas/ids/{id}/subjects", SchemaId),
    rule("GET", "/schemas/ids/{id}/versions", SchemaId),
    rule("GET", "/schemas/guids/{guid}", SchemaGuid),
    rule("GET", "/schemas/guids/{guid}/ids", SchemaGuid),
    rule("GET", "/subjects", Listing),
    rule("POST", "/subjects/{subject}", Subject(Read)),
    rule("DELETE", "/subjects/{subject}", SubjectDelete),
    rule("GET", "/subjects/{subject}/versions", Subject(Read)),
    rule("POST", "/subjects/{subject}/versions", Subject(Write)),
    rule(
        "GET",
        "/subjects/{subject}/versions/{version}",
        Subject(Read),
    ),
    rule(
        "DELETE",
        "/subjects/{subject}/versions/{version}",
        SubjectDelete,
    ),
    rule(
        "GET",
        "/subjects/{subject}/versions/{version}/schema",
        Subject(Read),
    ),
    rule(
        "GET",
        "/subjects/{subject}/versions/{version}/referencedby",
        Subject(Read),
    ),
    rule("GET", "/subjects/{subject}/metadata", Subject(Read)),
    rule("GET", "/config", Listing),
    rule("PUT", "/config", Everywhere(Admin)),
    rule("DELETE", "/config", Everywhere(Admin)),
    rule("GET", "/config/{subject}", Subject(Read)),
    rule("PUT", "/config/{subject}", Subject(Admin)),
    rule("DELETE", "/config/{subject}", Subject(Admin)),
    rule("GET", "/mode", Listing),
    rule("PUT", "/mode", Everywhere(Admin)),
    rule("DELETE", "/mode", Everywhere(Admin)),
    rule("GET", "/mode/{subject}", Subject(Read)),
    rule("PUT", "/mode/{subject}", Subject(Admin)),
    rule("DELETE", "/mode/{subject}", Subject(Admin)),
    rule(
        "POST",
        "/compatibility/subjects/{subject}/versions",
        Subject(Write),
    ),
    rule(
        "POST",
        "/compatibility/subjects/{subject}/versions/{version}",
        Subject(Write),
    ),
    rule("GET", "/contexts", Listing),
    rule("GET", "/v1/metadata/id", Listing),
    rule("GET", "/v1/metadata/version", Listing),
    rule("GET", "/v1/metadata/deployment", Listing),
    rule("GET", "/associations", Listing),
    rule("GET", "/associations/{*rest}", Listing),
    // Validation.
    rule(
        "POST",
        "/validate/subjects/{subject}/versions/{version}",
        Subject(Read),
    ),
    rule("POST", "/validate/schemas/ids/{id}", SchemaId),
    rule("POST", "/validate/wire", Listing),
    // Catalog REST and search.
    rule("POST", "/catalog/apply", Everywhere(Write)),
    rule("GET", "/catalog/export", Listing),
    rule("GET", "/catalog/schema.json", Public),
    rule("GET", "/catalog/fields", Listing),
    rule("GET", "/catalog/asyncapi", Listing),
    rule("POST", "/catalog/asyncapi/import", Everywhere(Write)),
    rule(
        "GET",
        "/catalog/applications/{name}/asyncapi",
        Entity(Some(EntityKind::Application), Read),
    ),
    rule("GET", "/catalog/subjects/{subject}", Subject(Read)),
    rule("GET", "/catalog/{kind}", Listing),
    rule("POST", "/catalog/{kind}", CatalogWrite),
    rule("GET", "/catalog/{kind}/{name}", Entity(None, Read)),
    rule("PUT", "/catalog/{kind}/{name}", CatalogWrite),
    rule("DELETE", "/catalog/{kind}/{name}", CatalogWrite),
    rule(
        "GET",
        "/catalog/{kind}/{name}/{relation}",
        Entity(None, Read),
    ),
    rule("GET", "/search", Listing),
    // The audit trail: every change, of every subject and entity.
    rule("GET", "/audit", Everywhere(Admin)),
    // Health and documentation.
    rule("GET", "/health/live", Public),
    rule("GET", "/health/ready", Public),
    rule("GET", "/openapi.json", Public),
    rule("GET", "/api-docs", Public),
    rule("GET", "/api-docs/", Public),
    rule("GET", "/api-docs/{*rest}", Public),
    // Portal.
    rule("GET", "/ui", Listing),
    rule("GET", "/ui/subjects", Listing),
    rule("GET", "/ui/subjects/{subject}", Subject(Read)),
    rule(
        "GET",
        "/ui/subjects/{subject}/versions/{version}",
        Subject(Read),
    ),
    rule(
        "GET",
        "/ui/subjects/{subject}/versions/{version}/download",
        Subject(Read),
    ),
    rule("GET", "/ui/subjects/{subject}/diff", Subject(Read)),
    rule("GET", "/ui/schemas/{id}", SchemaId),
    rule("GET", "/ui/search", Listing),
    rule("GET", "/ui/drift", Listing),
    rule("GET", "/ui/deprecations", Listing),
    rule("GET", "/ui/audit", Everywhere(Admin)),
    rule("GET", "/ui/static/{file}", Public),
    // Signing in must work when nothing else does; the forms check their CSRF tokens.
    rule("GET", "/ui/sign-in", Public),
    rule("POST", "/ui/sign-in", Public),
    rule("GET", "/ui/sign-in/sso", Public),
    rule("GET", "/ui/auth/callback", Public),
    rule("POST", "/ui/sign-out", Public),
    rule("GET", "/ui/{*rest}", Public),
    rule("GET", "/ui/topics", Listing),
    rule(
        "GET",
        "/ui/topics/{name}",
        Entity(Some(EntityKind::Topic), Read),
    ),
    rule("GET", "/ui/applications", Listing),
    rule(
        "GET",
        "/ui/applications/{name}",
        Entity(Some(EntityKind::Application), Read),
    ),
    rule("GET", "/ui/events", Listing),
    rule(
        "GET",
        "/ui/events/{name}",
        Entity(Some(EntityKind::Event), Read),
    ),
    rule("GET", "/ui/domains", Listing),
    rule(
        "GET",
        "/ui/domains/{name}",
        Entity(Some(EntityKind::Domain), Read),
    ),
    rule("GET", "/ui/teams", Listing),
    rule(
        "GET",
        "/ui/teams/{name}",
        Entity(Some(EntityKind::Team), Read),
    ),
    rule("GET", "/ui/catalog", Listing),
    rule("GET", "/ui/catalog/fields", Listing),
    // Observed usage and drift: a partial reader sees only the subjects it may read.
    rule("GET", "/usage", Listing),
    rule("POST", "/usage/flush", Everywhere(Admin)),
    rule("GET", "/usage/subjects/{subject}", Subject(Read)),
    rule("GET", "/usage/ids/{id}", SchemaId),
    rule("GET", "/usage/principals/{principal}", Listing),
    rule(
        "GET",
        "/usage/applications/{name}",
        Entity(Some(EntityKind::Application), Read),
    ),
    rule("GET", "/drift", Listing),
    rule("GET", "/drift/subjects/{subject}", Subject(Read)),
    rule(
        "GET",
        "/drift/applications/{name}",
        Entity(Some(EntityKind::Application), Read),
    ),
];

/// What a route needs: its line in [`RULES`], else admin on everything.
pub fn need_of(method: &Method, route: &str) -> Need {
    RULES
        .iter()
        .find(|r| r.route == route && (r.method == "*" || r.method == method.as_str()))
        .map_or(Everywhere(Admin), |r| r.need)
}

/// How an area answers a denial in its own shape.
pub type Renderer = fn(&Denial, &Request) -> Response;

/// A catalog snapshot and the owner index built from it.
type IndexedSnapshot = (Arc<Snapshot>, Arc<OwnerIndex>);

/// What the authorization middleware holds.
#[derive(Clone)]
pub struct Guard {
    access: Arc<Access>,
    registry: Arc<Registry>,
    catalog: Arc<Catalog>,
    owners: Arc<Mutex<Option<IndexedSnapshot>>>,
    render: Renderer,
}

impl Guard {
    pub fn new(access: Arc<Access>, registry: Arc<Registry>, catalog: Arc<Catalog>) -> Self {
        Self {
            access,
            registry,
            catalog,
            owners: Arc::default(),
            render: api_denial,
        }
    }

    /// The same guard, answering denials with `render` (the portal's pages).
    #[must_use]
    pub fn rendering(mut self, render: Renderer) -> Self {
        self.render = render;
        self
    }

    /// The catalog's owner index, rebuilt when the catalog changed.
    async fn owner_index(&self) -> Option<Arc<OwnerIndex>> {
        let snapshot = self.catalog.snapshot().await.ok()?;
        let mut cached = self.owners.lock().ok()?;
        if let Some((seen, index)) = cached.as_ref()
            && Arc::ptr_eq(seen, &snapshot)
        {
            return Some(index.clone());
        }
        let index = Arc::new(OwnerIndex::of(&snapshot));
        *cached = Some((snapshot, index.clone()));
        Some(index)
    }

    async fn viewer(&self, caller: Caller) -> Viewer {
        let policy = self.access.policy();
        // A caller who may not read everything reads catalog entities through the subjects
        // they carry, so it needs the index even when no grant names an owner.
        let owners = if policy.needs_owners() || !policy.allows_everything(&caller, Read) {
            self.owner_index().await
        } else {
            None
        };
        Viewer::new(caller, policy, owners)
    }
}

/// The middleware: finds the route's need, decides, and lets the request on with its
/// viewer, or answers the denial.
pub async fn authorize(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let need = need_of(request.method(), &route);
    let viewer = guard.viewer(super::caller_of(&request)).await;
    let (mut parts, body) = request.into_parts();
    let params = path_params(&mut parts).await;
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    let permanent = parts
        .uri
        .query()
        .is_some_and(|q| crate::api::extract::Params::parse(Some(q)).flag("permanent"));
    let mut request = Request::from_parts(parts, body);
    let verdict = decide(&guard, &viewer, need, &param, permanent).await;
    match verdict {
        Ok(()) => {
            request.extensions_mut().insert(viewer.clone());
            viewer.scope(next.run(request)).await
        }
        Err(denial) => (guard.render)(&denial, &request),
    }
}

/// Path parameters as the handler will see them (percent-decoded).
async fn path_params(parts: &mut axum::http::request::Parts) -> Vec<(String, String)> {
    use axum::extract::FromRequestParts;
    match RawPathParams::from_request_parts(parts, &()).await {
        Ok(params) => params
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn decide(
    guard: &Guard,
    viewer: &Viewer,
    need: Need,
    param: &impl Fn(&str) -> Option<String>,
    permanent: bool,
) -> Result<(), Denial> {
    match need {
        Public => Ok(()),
        Listing | CatalogWrite => {
            if viewer.may_read_something() {
                Ok(())
            } else {
                Err(Denial::Unauthenticated)
            }
        }
        // What needs a role on everything names no one resource, so refusing it hides
        // nothing: 403 (401 without credentials), whatever the role.
        Everywhere(role) => {
            if viewer.holds_everywhere(role) {
                Ok(())
            } else if viewer.caller().is_anonymous() {
                Err(Denial::Unauthenticated)
            } else {
                Err(Denial::Forbidden {
                    role,
                    what: "everything".into(),
                })
            }
        }
        Subject(role) => subject(viewer, role, param("subject")),
        SubjectDelete => subject(
            viewer,
            if permanent { Admin } else { Write },
            param("subject"),
        ),
        SchemaId => {
            let Some(id) = param("id").and_then(|id| id.parse::<i64>().ok()) else {
                return listing(viewer);
            };
            schema_id(guard, viewer, id).await
        }
        SchemaGuid => {
            let Some(guid) = param("guid") else {
                return listing(viewer);
            };
            if viewer.holds_everywhere(Read) {
                return Ok(());
            }
            let schemas = guard
                .registry
                .schemas_by_guid(&guid)
                .await
                .unwrap_or_default();
            for schema in schemas {
                if schema_id(guard, viewer, schema.id).await.is_ok() {
                    return Ok(());
                }
            }
            Err(viewer.denial(Read, format!("schema {guid}"), Hidden::Schema))
        }
        Entity(kind, role) => {
            let kind = kind.or_else(|| param("kind").and_then(|k| EntityKind::parse(&k)));
            let (Some(kind), Some(name)) = (kind, param("name")) else {
                return listing(viewer);
            };
            if viewer.may_entity(role, kind, &name) {
                Ok(())
            } else {
                Err(viewer.denial(
                    role,
                    format!("{} {name}", kind.as_str()),
                    Hidden::Entity { kind, name },
                ))
            }
        }
    }
}

fn listing(viewer: &Viewer) -> Result<(), Denial> {
    if viewer.may_read_something() {
        Ok(())
    } else {
        Err(Denial::Unauthenticated)
    }
}

fn subject(viewer: &Viewer, role: Role, subject: Option<String>) -> Result<(), Denial> {
    let Some(subject) = subject else {
        return listing(viewer);
    };
    if viewer.may(role, &subject) {
        Ok(())
    } else {
        Err(viewer.denial(role, format!("subject {subject}"), Hidden::Subject(subject)))
    }
}

/// Read on a subject that uses schema `id`. A schema no subject uses (or no schema at all)
/// is left to the route, which answers 404 the same way for both.
async fn schema_id(guard: &Guard, viewer: &Viewer, id: i64) -> Result<(), Denial> {
    if viewer.holds_everywhere(Read) {
        return Ok(());
    }
    let users = guard
        .registry
        .versions_of_schema(id, None, true)
        .await
        .unwrap_or_default();
    if users.iter().any(|v| viewer.may_read(&v.subject)) {
        Ok(())
    } else {
        Err(viewer.denial(Read, format!("schema {id}"), Hidden::SchemaId(id)))
    }
}

/// Denials on the JSON APIs: Confluent's codes and words; hidden reads exactly as the
/// registry's own "not found".
pub fn api_denial(denial: &Denial, _request: &Request) -> Response {
    match denial {
        Denial::Unauthenticated => super::unauthenticated().into_response(),
        Denial::Forbidden { role, what } => ApiError::new(
            StatusCode::FORBIDDEN,
            40301,
            format!("Forbidden: this principal may not {} {what}", verb(*role)),
        )
        .into_response(),
        Denial::Hidden(Hidden::Entity { kind, name }) => {
            crate::api::catalog::error::CatalogApiError::from(CatalogError::NotFound {
                kind: *kind,
                name: name.clone(),
            })
            .into_response()
        }
        Denial::Hidden(hidden) => ApiError::from(match hidden {
            Hidden::Subject(subject) => RegistryError::SubjectNotFound(subject.clone()),
            Hidden::SchemaId(id) => RegistryError::SchemaIdNotFound(*id),
            Hidden::Schema | Hidden::Entity { .. } => RegistryError::SchemaNotFound,
        })
        .into_response(),
    }
}

fn verb(role: Role) -> &'static str {
    match role {
        Read => "read",
        Write => "change",
        Admin => "administer",
    }
}
