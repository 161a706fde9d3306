//! The Confluent error body `{"error_code", "message"}` and how every failure maps to it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::registry::RegistryError;

/// An error as the Confluent API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// A framework-level error: the status doubles as the code (`HTTP 404 Not Found`).
    pub fn http(status: StatusCode) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        Self::new(
            status,
            u32::from(status.as_u16()),
            format!("HTTP {} {reason}", status.as_u16()),
        )
    }

    pub fn not_found() -> Self {
        Self::http(StatusCode::NOT_FOUND)
    }

    /// 42201.
    pub fn invalid_schema(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, 42201, message)
    }

    pub fn body(&self) -> Bytes {
        let body = serde_json::json!({"error_code": self.code, "message": self.message});
        Bytes::from(body.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body();
        (
            self.status,
            [(axum::http::header::CONTENT_TYPE, super::negotiate::V1_JSON)],
            body,
        )
            .into_response()
    }
}

impl From<RegistryError> for ApiError {
    fn from(error: RegistryError) -> Self {
        use RegistryError as E;
        let (status, code) = match &error {
            E::SubjectNotFound(_) => (StatusCode::NOT_FOUND, 40401),
            E::VersionNotFound(_) => (StatusCode::NOT_FOUND, 40402),
            E::SchemaNotFound | E::SchemaIdNotFound(_) => (StatusCode::NOT_FOUND, 40403),
            E::SubjectSoftDeleted(_) => (StatusCode::NOT_FOUND, 40404),
            E::SubjectNotSoftDeleted(_) => (StatusCode::NOT_FOUND, 40405),
            E::VersionSoftDeleted(..) => (StatusCode::NOT_FOUND, 40406),
            E::VersionNotSoftDeleted(..) => (StatusCode::NOT_FOUND, 40407),
            E::SubjectConfigNotFound(_) => (StatusCode::NOT_FOUND, 40408),
            E::SubjectModeNotFound(_) => (StatusCode::NOT_FOUND, 40409),
            // CP7, Karapace and the Python client's tests use 409; clients read the status.
            E::Incompatible { .. } => (StatusCode::CONFLICT, 409),
            E::InvalidSchema(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42201),
            E::InvalidVersion(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42202),
            E::InvalidCompatibilityLevel => (StatusCode::UNPROCESSABLE_ENTITY, 42203),
            E::InvalidMode => (StatusCode::UNPROCESSABLE_ENTITY, 42204),
            E::OperationNotPermitted(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42205),
            E::ReferenceExists(..) => (StatusCode::UNPROCESSABLE_ENTITY, 42206),
            E::InvalidSubject(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42208),
            E::Store(store) => {
                // The details stay in the log; the client gets Confluent's generic text.
                tracing::error!(error = %store, "storage failure");
                (StatusCode::INTERNAL_SERVER_ERROR, 50001)
            }
        };
        Self::new(status, code, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_errors_use_the_status_as_code() {
        let error = ApiError::http(StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(error.code, 405);
        assert_eq!(error.message, "HTTP 405 Method Not Allowed");
    }

    #[test]
    fn store_errors_do_not_leak_details() {
        let error = ApiError::from(RegistryError::Store(crate::registry::StoreError::Corrupt(
            "/var/lib/secret.db".into(),
        )));
        assert_eq!(error.code, 50001);
        assert!(!error.message.contains("secret"));
    }
}
