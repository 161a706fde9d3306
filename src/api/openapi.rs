//! The OpenAPI document of Herald's own API, generated from the handlers' annotations, and
//! the interactive API page (Swagger UI, served from the binary: works offline).

use utoipa::OpenApi;
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::{audit, catalog, usage, validate};
use crate::catalog::file::{CatalogFile, ReferenceEntry, SchemaEntry, SchemaVersionEntry};
use crate::catalog::model::{Application, Domain, EdgeTarget, Event, Team, Topic};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Herald",
        description = "Herald's own REST API. The Confluent Schema Registry API is served at the root as documented by Confluent."
    ),
    paths(
        validate::validate_against_version,
        validate::validate_against_id,
        validate::validate_wire,
        catalog::list,
        catalog::create,
        catalog::get_one,
        catalog::put,
        catalog::delete,
        catalog::related,
        catalog::apply,
        catalog::export,
        catalog::catalog_schema,
        catalog::search,
        catalog::fields,
        catalog::subject_usage,
        catalog::whole_catalog,
        catalog::application,
        catalog::import,
        audit::audit_trail,
        usage::status,
        usage::flush,
        usage::by_subject,
        usage::by_schema_id,
        usage::by_principal,
        usage::by_application,
        usage::landscape_drift,
        usage::subject_drift,
        usage::application_drift,
    ),
    components(schemas(
        validate::VerdictBody,
        validate::ErrorBody,
        validate::ErrorResponse,
        audit::AuditPageBody,
        audit::AuditEntryBody,
        usage::UsageBody,
        usage::DriftBody,
        crate::usage::ObservedRead,
        crate::usage::UsageStatus,
        crate::usage::Flushed,
        crate::usage::drift::SubjectDrift,
        crate::usage::drift::DeclaredReader,
        crate::usage::drift::UndeclaredReader,
        Domain,
        Team,
        Application,
        EdgeTarget,
        Topic,
        Event,
        CatalogFile,
        SchemaEntry,
        SchemaVersionEntry,
        ReferenceEntry,
    )),
    tags(
        (name = "validation", description = "Check payloads against registered schemas"),
        (name = "catalog", description = "The event landscape: domains, teams, applications, topics, events and who produces and consumes what"),
        (name = "asyncapi", description = "AsyncAPI 3.0 export of the catalog and of each application; import of AsyncAPI 2.x and 3.x"),
        (name = "discovery", description = "Search entities, subjects and schema fields; field-level tags and who reads them"),
        (name = "usage", description = "Observed usage: who really reads and writes which schema (principal, client library, address), per subject, id, principal and application, as JSON or CSV; drift between the catalog's declared readers and the observed ones"),
        (name = "audit", description = "The audit trail: every registration, delete, config or mode change and catalog edit, who made it and when"),
    )
)]
pub struct ApiDoc;

/// `/openapi.json` and the interactive page at `/api-docs/`.
pub fn router() -> axum::Router {
    let config = Config::from("/openapi.json").validator_url("none");
    axum::Router::new().merge(
        SwaggerUi::new("/api-docs")
            .url("/openapi.json", ApiDoc::openapi())
            .config(config),
    )
}
