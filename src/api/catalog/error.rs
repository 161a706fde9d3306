//! How catalog failures answer: the same `{error_code, message}` body as the rest of the
//! API, plus `problems` (each naming the entity and, for files, the line) when rules broke.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::ApiError;
use crate::catalog::CatalogError;
use crate::catalog::file::FileError;
use crate::catalog::rules::Problem;

/// A catalog API error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogErrorBody {
    pub error_code: u32,
    pub message: String,
    /// Every broken rule, when the change broke the catalog's rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

#[derive(Debug)]
pub struct CatalogApiError {
    status: StatusCode,
    body: CatalogErrorBody,
}

impl CatalogApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            body: CatalogErrorBody {
                error_code: code,
                message: message.into(),
                problems: Vec::new(),
            },
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 40010, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, 40410, message)
    }

    fn with_problems(mut self, problems: Vec<Problem>) -> Self {
        self.body.problems = problems;
        self
    }
}

impl From<CatalogError> for CatalogApiError {
    fn from(error: CatalogError) -> Self {
        let message = error.to_string();
        match error {
            CatalogError::NotFound { .. } => Self::not_found(message),
            CatalogError::AlreadyExists { .. } => Self::new(StatusCode::CONFLICT, 40910, message),
            CatalogError::Invalid(problems) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, 42210, message).with_problems(problems)
            }
            CatalogError::File(FileError::Problems { problems, .. }) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, 42210, message).with_problems(problems)
            }
            CatalogError::File(FileError::Syntax { .. }) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, 42211, message)
            }
            CatalogError::BadRequest(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, 42212, message)
            }
            CatalogError::StillReferenced { .. } => Self::new(StatusCode::CONFLICT, 40912, message),
            CatalogError::Busy => Self::new(StatusCode::CONFLICT, 40911, message),
            CatalogError::Registry(registry) => ApiError::from(registry).into(),
            CatalogError::Store(store) => {
                // Details stay in the log.
                tracing::error!(error = %store, "storage failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    50001,
                    "Error in the backend data store",
                )
            }
        }
    }
}

impl From<ApiError> for CatalogApiError {
    fn from(error: ApiError) -> Self {
        Self::new(error.status, error.code, error.message)
    }
}

impl IntoResponse for CatalogApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body).unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
}
