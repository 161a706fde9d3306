//! What a registry use case can refuse, with Confluent's own wording. The API layer maps
//! each variant to a status and an `error_code`.

use crate::model::{InvalidVersion, OutOfRange};
use crate::storage::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("Subject '{0}' not found.")]
    SubjectNotFound(String),
    #[error("Version {0} not found.")]
    VersionNotFound(i32),
    #[error("Schema not found")]
    SchemaNotFound,
    #[error("Schema {0} not found")]
    SchemaIdNotFound(i64),
    #[error("Subject '{0}' was soft deleted.Set permanent=true to delete permanently")]
    SubjectSoftDeleted(String),
    #[error("Subject '{0}' was not deleted first before being permanently deleted")]
    SubjectNotSoftDeleted(String),
    #[error("Subject '{0}' Version {1} was soft deleted.Set permanent=true to delete permanently")]
    VersionSoftDeleted(String, i32),
    #[error("Subject '{0}' Version {1} was not deleted first before being permanently deleted")]
    VersionNotSoftDeleted(String, i32),
    #[error("Subject '{0}' does not have subject-level compatibility configured")]
    SubjectConfigNotFound(String),
    #[error("Subject '{0}' does not have subject-level mode configured")]
    SubjectModeNotFound(String),
    #[error(
        "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
        messages.join(", ")
    )]
    Incompatible {
        subject: String,
        messages: Vec<String>,
    },
    /// 42201: the full message (`Invalid schema ...`, `Empty schema`, ...).
    #[error("{0}")]
    InvalidSchema(String),
    #[error(transparent)]
    InvalidVersion(#[from] InvalidVersion),
    #[error(
        "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"
    )]
    InvalidCompatibilityLevel,
    #[error("Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.")]
    InvalidMode,
    /// 42205: the full message.
    #[error("{0}")]
    OperationNotPermitted(String),
    #[error(
        "One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={0},version={1}}}."
    )]
    ReferenceExists(String, i32),
    #[error("The specified subject '{0}' is not a valid.")]
    InvalidSubject(String),
    /// 50001: details are logged, never shown.
    #[error("Error in the backend data store")]
    Store(StoreError),
}

/// A storage refusal that is the caller's to fix (an id or version out of range) keeps its
/// meaning; every other storage failure is the generic 50001.
impl From<StoreError> for RegistryError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::OutOfRange(range) => range.into(),
            other => Self::Store(other),
        }
    }
}

/// An explicit version out of range is Confluent's invalid version (42202); an explicit id
/// out of range breaks an import rule and an exhausted range forbids the registration
/// (both 42205: the request is well formed, the operation is not permitted).
impl From<OutOfRange> for RegistryError {
    fn from(range: OutOfRange) -> Self {
        match range {
            OutOfRange::Version(version) => {
                Self::InvalidVersion(InvalidVersion(version.to_string()))
            }
            OutOfRange::Id(_) | OutOfRange::IdsExhausted | OutOfRange::VersionsExhausted => {
                Self::OperationNotPermitted(range.to_string())
            }
        }
    }
}
