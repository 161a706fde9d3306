//! Registering a schema under a subject (`POST /subjects/{s}/versions`).

use super::references::invalid_schema;
use super::{Registry, RegistryError, SchemaRequest, SchemaVersion, merge, settings};
use crate::model::{
    Config, Mode, Reference, Subject, next_version, schema_id_in_range, version_in_range,
};
use crate::schema::identity::{IdentityInput, ReferenceKey, identity_digest};
use crate::schema::{ParseOptions, ParsedSchema};
use crate::storage::{NewSchema, NewVersion, Registered, StoreError, StoredSchema, VersionRow};

/// How often a registration is retried when another writer changed the subject between
/// our checks and our write.
const MAX_ATTEMPTS: usize = 16;

#[derive(Debug, Clone, Copy, Default)]
pub struct RegisterOptions {
    pub normalize: bool,
    /// Skip the compatibility check.
    pub force: bool,
}

/// A request that parsed, with everything storage needs.
pub(super) struct Candidate {
    pub parsed: ParsedSchema,
    pub schema: NewSchema,
}

impl Registry {
    pub async fn register(
        &self,
        subject: &Subject,
        request: SchemaRequest,
        options: RegisterOptions,
        actor: &str,
    ) -> Result<SchemaVersion, RegistryError> {
        if !subject.is_writable() {
            return Err(RegistryError::InvalidSubject(subject.to_string()));
        }
        check_explicit_range(&request)?;
        let config = self.effective_config(subject).await?;
        let normalize = options.normalize || config.normalize.unwrap_or(false);
        let _turn = self.lock_subject(subject).await;
        for _ in 0..MAX_ATTEMPTS {
            let versions = self.store().subject_versions(subject.as_str()).await?;
            let latest_live = self.latest_live_schema(&versions).await?;
            let request = with_previous_schema(request.clone(), latest_live.as_ref())?;
            let candidate = self
                .candidate(&request, normalize, &config, latest_live.as_ref())
                .await?;
            if let Some(existing) = self.live_version_of(&candidate, &versions).await? {
                return Ok(registered_version(subject, existing, candidate.schema));
            }
            let mode = self.effective_mode(subject).await?;
            check_mode(mode, &request)?;
            let max_version = versions.last().map(|v| v.version);
            let fills_a_gap = mode == Mode::Import && request.version.is_some_and(|v| v != 0);
            if !fills_a_gap {
                // Nothing can be numbered after the last version: say so before checking.
                next_version(max_version)?;
            }
            if mode != Mode::Import && !options.force {
                self.ensure_compatible(subject, &candidate, &config, &versions)
                    .await?;
            }
            let explicit_version = explicit_version(mode, request.version, max_version)?;
            let new = NewVersion {
                subject: subject.as_str(),
                expected_max_version: max_version,
                schema: candidate.schema.clone(),
                explicit_id: request.id,
                explicit_version,
                actor,
            };
            match self.store().insert_version(new).await {
                Ok(committed) => {
                    let registered = self.announce(committed);
                    return Ok(registered_version(subject, registered, candidate.schema));
                }
                Err(StoreError::Conflict) => continue,
                Err(StoreError::IdTaken(id)) => {
                    return Err(RegistryError::OperationNotPermitted(format!(
                        "Overwrite new schema with id {id} is not permitted."
                    )));
                }
                Err(StoreError::VersionTaken(version)) => {
                    return Err(RegistryError::OperationNotPermitted(format!(
                        "Version {version} already exists in subject {subject}."
                    )));
                }
                Err(other) => return Err(other.into()),
            }
        }
        Err(RegistryError::Store(StoreError::Conflict))
    }

    /// Parses a request into a candidate: references resolved, text canonical (or
    /// normalized), metadata and rule set layered with the config, identity computed.
    pub(super) async fn candidate(
        &self,
        request: &SchemaRequest,
        normalize: bool,
        config: &Config,
        previous: Option<&StoredSchema>,
    ) -> Result<Candidate, RegistryError> {
        let text = request
            .schema
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| RegistryError::InvalidSchema("Empty schema".into()))?;
        let (mut references, dependencies) = self
            .resolve_references(request.schema_type, &request.references)
            .await?;
        let options = ParseOptions {
            validate_fields: settings::validate_fields(config),
        };
        let parsed = ParsedSchema::parse_with(request.schema_type, text, &dependencies, options)
            .map_err(|e| invalid_schema(request.schema_type, e))?;
        let canonical_text = if normalize {
            references.sort_by(|a, b| {
                (&a.name, &a.subject, a.version).cmp(&(&b.name, &b.subject, b.version))
            });
            references.dedup();
            parsed.normalized_text()
        } else {
            parsed.canonical_text()
        };
        let metadata = merge::layered(
            config.metadata_defaults(),
            request
                .metadata
                .as_ref()
                .or(previous.and_then(|p| p.metadata.as_ref())),
            config.metadata_overrides(),
        );
        let rule_set = merge::layered(
            config.rule_set_defaults(),
            request
                .rule_set
                .as_ref()
                .or(previous.and_then(|p| p.rule_set.as_ref())),
            config.rule_set_overrides(),
        );
        let identity = identity_of(
            &canonical_text,
            &references,
            metadata.as_ref(),
            rule_set.as_ref(),
        );
        Ok(Candidate {
            parsed,
            schema: NewSchema {
                schema_type: request.schema_type,
                identity,
                canonical_text,
                references,
                metadata,
                rule_set,
            },
        })
    }

    /// The schema of the highest live version, if any.
    pub(super) async fn latest_live_schema(
        &self,
        versions: &[VersionRow],
    ) -> Result<Option<StoredSchema>, RegistryError> {
        match versions.iter().rev().find(|v| !v.deleted) {
            Some(row) => Ok(self.store().schema(row.schema_id).await?),
            None => Ok(None),
        }
    }

    /// The live version that already holds this exact schema.
    async fn live_version_of(
        &self,
        candidate: &Candidate,
        versions: &[VersionRow],
    ) -> Result<Option<Registered>, RegistryError> {
        let schema = &candidate.schema;
        let Some(id) = self
            .store()
            .schema_id_by_identity(&schema.identity, schema.schema_type)
            .await?
        else {
            return Ok(None);
        };
        Ok(versions
            .iter()
            .rev()
            .find(|v| !v.deleted && v.schema_id == id)
            .map(|v| Registered {
                id,
                version: v.version,
            }))
    }
}

/// What a registration answers with: the version as it is now stored.
fn registered_version(
    subject: &Subject,
    registered: Registered,
    schema: NewSchema,
) -> SchemaVersion {
    SchemaVersion {
        subject: subject.to_string(),
        version: registered.version,
        deleted: false,
        schema: StoredSchema {
            id: registered.id,
            schema_type: schema.schema_type,
            canonical_text: schema.canonical_text,
            references: schema.references,
            metadata: schema.metadata,
            rule_set: schema.rule_set,
        },
    }
}

/// The identity digest of a candidate.
pub(super) fn identity_of(
    canonical_text: &str,
    references: &[Reference],
    metadata: Option<&serde_json::Value>,
    rule_set: Option<&serde_json::Value>,
) -> [u8; 16] {
    let keys: Vec<ReferenceKey<'_>> = references
        .iter()
        .map(|r| ReferenceKey {
            name: &r.name,
            subject: &r.subject,
            version: r.version,
        })
        .collect();
    identity_digest(IdentityInput {
        canonical_text,
        references: &keys,
        metadata,
        rule_set,
    })
}

/// An empty `schema` re-registers the latest version's schema with new metadata.
fn with_previous_schema(
    mut request: SchemaRequest,
    latest: Option<&StoredSchema>,
) -> Result<SchemaRequest, RegistryError> {
    let empty = request
        .schema
        .as_deref()
        .is_none_or(|s| s.trim().is_empty());
    if !empty {
        return Ok(request);
    }
    let latest = latest.ok_or_else(|| RegistryError::InvalidSchema("Empty schema".into()))?;
    request.schema = Some(latest.canonical_text.clone());
    request.schema_type = latest.schema_type;
    request.references = latest
        .references
        .iter()
        .map(|r| super::ReferenceRequest {
            name: r.name.clone(),
            subject: r.subject.clone(),
            version: r.version,
        })
        .collect();
    Ok(request)
}

/// READONLY refuses writes; an explicit id needs IMPORT and IMPORT needs one.
fn check_mode(mode: Mode, request: &SchemaRequest) -> Result<(), RegistryError> {
    let refusal = match (mode, request.id) {
        (Mode::ReadOnly | Mode::ReadOnlyOverride, _) => Some("Subject is in read-only mode"),
        (Mode::Import, None) => {
            Some("Subject is in import mode: a schema id must be given when registering")
        }
        (Mode::Import, Some(_)) => None,
        (_, Some(_)) => {
            Some("Overwrite new schema is not permitted: registering with an id needs IMPORT mode")
        }
        (_, None) => None,
    };
    match refusal {
        Some(message) => Err(RegistryError::OperationNotPermitted(message.into())),
        None => Ok(()),
    }
}

/// An explicit id or version outside 1..=2^31-1 is refused before anything is read or
/// written; version 0 is Confluent's "not given".
fn check_explicit_range(request: &SchemaRequest) -> Result<(), RegistryError> {
    if let Some(id) = request.id {
        schema_id_in_range(id)?;
    }
    if let Some(version) = request.version.filter(|v| *v != 0) {
        version_in_range(version)?;
    }
    Ok(())
}

/// Outside IMPORT an explicit version must be the next one; in IMPORT it is taken as is.
fn explicit_version(
    mode: Mode,
    requested: Option<i32>,
    max_version: Option<i32>,
) -> Result<Option<i32>, RegistryError> {
    let Some(requested) = requested.filter(|v| *v != 0) else {
        return Ok(None);
    };
    let requested = version_in_range(requested)?;
    if mode != Mode::Import && requested != next_version(max_version)? {
        return Err(RegistryError::InvalidSchema(format!(
            "Version {requested} is not one more than the latest version {}",
            max_version.unwrap_or(0)
        )));
    }
    Ok(Some(requested))
}
