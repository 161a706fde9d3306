//! Resolving schema references into the dependency texts the parsers need.

use std::collections::HashSet;

use super::{ReferenceRequest, Registry, RegistryError};
use crate::model::Reference;
use crate::schema::{Dependency, SchemaType};

/// How deep reference chains may go before we call them unreasonable.
const MAX_REFERENCE_DEPTH: usize = 32;

/// What the walk has gathered so far.
#[derive(Default)]
struct Walk {
    /// Dependencies-first, each (subject, version) once.
    dependencies: Vec<Dependency>,
    done: HashSet<(String, i32)>,
    /// The chain being followed, to spot cycles.
    path: Vec<(String, i32)>,
}

impl Registry {
    /// Turns the references of a request into concrete ones (`-1` becomes the latest live
    /// version) plus every schema they pull in, transitively.
    pub(super) async fn resolve_references(
        &self,
        schema_type: SchemaType,
        requested: &[ReferenceRequest],
    ) -> Result<(Vec<Reference>, Vec<Dependency>), RegistryError> {
        let mut concrete = Vec::with_capacity(requested.len());
        for reference in requested {
            let version = self
                .concrete_reference_version(schema_type, reference)
                .await?;
            concrete.push(Reference {
                name: reference.name.clone(),
                subject: reference.subject.clone(),
                version,
            });
        }
        let dependencies = self.dependencies_of(schema_type, &concrete).await?;
        Ok((concrete, dependencies))
    }

    /// Every schema that concrete `references` pull in, dependencies-first, each once.
    pub(super) async fn dependencies_of(
        &self,
        schema_type: SchemaType,
        references: &[Reference],
    ) -> Result<Vec<Dependency>, RegistryError> {
        let mut walk = Walk::default();
        for reference in references {
            self.visit(schema_type, reference, &mut walk).await?;
        }
        Ok(walk.dependencies)
    }

    /// Depth-first: a reference's own references go before it.
    async fn visit(
        &self,
        schema_type: SchemaType,
        reference: &Reference,
        walk: &mut Walk,
    ) -> Result<(), RegistryError> {
        let key = (reference.subject.clone(), reference.version);
        if walk.done.contains(&key) {
            return Ok(());
        }
        if walk.path.contains(&key) {
            return Err(invalid_reference(
                schema_type,
                format!(
                    "circular reference through subject '{}' version {}",
                    reference.subject, reference.version
                ),
            ));
        }
        if walk.path.len() >= MAX_REFERENCE_DEPTH {
            return Err(invalid_reference(
                schema_type,
                format!("references nested deeper than {MAX_REFERENCE_DEPTH} levels"),
            ));
        }
        let stored = self
            .referenced_schema(&reference.subject, reference.version)
            .await?
            .ok_or_else(|| {
                invalid_reference(
                    schema_type,
                    format!(
                        "reference '{}' to subject '{}' version {} not found",
                        reference.name, reference.subject, reference.version
                    ),
                )
            })?;
        walk.path.push(key.clone());
        for inner in &stored.references {
            Box::pin(self.visit(schema_type, inner, walk)).await?;
        }
        walk.path.pop();
        walk.done.insert(key);
        walk.dependencies.push(Dependency {
            name: reference.name.clone(),
            text: stored.canonical_text,
        });
        Ok(())
    }

    async fn concrete_reference_version(
        &self,
        schema_type: SchemaType,
        reference: &ReferenceRequest,
    ) -> Result<i32, RegistryError> {
        if reference.version == -1 {
            let versions = self.store().subject_versions(&reference.subject).await?;
            return versions
                .iter()
                .rev()
                .find(|v| !v.deleted)
                .map(|v| v.version)
                .ok_or_else(|| {
                    invalid_reference(
                        schema_type,
                        format!(
                            "reference '{}' to subject '{}': the subject has no live version",
                            reference.name, reference.subject
                        ),
                    )
                });
        }
        if reference.version < 1 {
            return Err(invalid_reference(
                schema_type,
                format!(
                    "reference '{}' has invalid version {}",
                    reference.name, reference.version
                ),
            ));
        }
        Ok(reference.version)
    }

    /// The schema at (subject, version), soft-deleted versions included.
    async fn referenced_schema(
        &self,
        subject: &str,
        version: i32,
    ) -> Result<Option<crate::storage::StoredSchema>, RegistryError> {
        let versions = self.store().subject_versions(subject).await?;
        let Some(row) = versions.iter().find(|v| v.version == version) else {
            return Ok(None);
        };
        Ok(self.store().schema(row.schema_id).await?)
    }
}

pub(super) fn invalid_schema(
    schema_type: SchemaType,
    details: impl std::fmt::Display,
) -> RegistryError {
    RegistryError::InvalidSchema(format!(
        "Invalid schema of type {schema_type}, details: {details}"
    ))
}

fn invalid_reference(schema_type: SchemaType, details: String) -> RegistryError {
    invalid_schema(schema_type, details)
}
