//! The OpenAPI document of Herald's own API, generated from the handlers' annotations, and
//! the interactive API page (Swagger UI, served from the binary: works offline).

use utoipa::OpenApi;
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::validate;

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
    ),
    components(schemas(validate::VerdictBody, validate::ErrorBody, validate::ErrorResponse)),
    tags((name = "validation", description = "Check payloads against registered schemas"))
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
