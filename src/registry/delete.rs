//! Soft and permanent deletes of subjects and versions.

use super::read::find_version;
use super::{Registry, RegistryError};
use crate::model::{Subject, VersionSpec};
use crate::storage::VersionRow;

impl Registry {
    /// `DELETE /subjects/{s}`: returns the versions deleted.
    pub async fn delete_subject(
        &self,
        subject: &Subject,
        permanent: bool,
        actor: &str,
    ) -> Result<Vec<i32>, RegistryError> {
        let versions = self.store().subject_versions(subject.as_str()).await?;
        if versions.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.to_string()));
        }
        self.refuse_if_read_only(subject).await?;
        let live: Vec<i32> = live_versions(&versions);
        let targets = if permanent {
            if !live.is_empty() {
                return Err(RegistryError::SubjectNotSoftDeleted(subject.to_string()));
            }
            versions.iter().map(|v| v.version).collect()
        } else {
            if live.is_empty() {
                return Err(RegistryError::SubjectSoftDeleted(subject.to_string()));
            }
            live
        };
        for version in &targets {
            self.refuse_if_referenced(subject, *version, permanent)
                .await?;
        }
        let committed = if permanent {
            self.store()
                .hard_delete(subject.as_str(), &targets, actor)
                .await?
        } else {
            self.store()
                .soft_delete(subject.as_str(), &targets, actor)
                .await?
        };
        self.announce(committed);
        Ok(targets)
    }

    /// `DELETE /subjects/{s}/versions/{v}`: returns the version deleted.
    pub async fn delete_version(
        &self,
        subject: &Subject,
        spec: VersionSpec,
        permanent: bool,
        actor: &str,
    ) -> Result<i32, RegistryError> {
        let versions = self.store().subject_versions(subject.as_str()).await?;
        if versions.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.to_string()));
        }
        // `latest` means the latest live version; a number may name a soft-deleted one.
        let row = find_version(subject, &versions, spec, spec != VersionSpec::Latest)
            .map_err(|_| RegistryError::VersionNotFound(spec.display_number()))?;
        self.refuse_if_read_only(subject).await?;
        match (permanent, row.deleted) {
            (false, true) => {
                return Err(RegistryError::VersionSoftDeleted(
                    subject.to_string(),
                    row.version,
                ));
            }
            (true, false) => {
                return Err(RegistryError::VersionNotSoftDeleted(
                    subject.to_string(),
                    row.version,
                ));
            }
            _ => {}
        }
        self.refuse_if_referenced(subject, row.version, permanent)
            .await?;
        let committed = if permanent {
            self.store()
                .hard_delete(subject.as_str(), &[row.version], actor)
                .await?
        } else {
            self.store()
                .soft_delete(subject.as_str(), &[row.version], actor)
                .await?
        };
        self.announce(committed);
        Ok(row.version)
    }

    /// Live referrers block a soft delete; any referrer blocks a permanent one (42206).
    async fn refuse_if_referenced(
        &self,
        subject: &Subject,
        version: i32,
        permanent: bool,
    ) -> Result<(), RegistryError> {
        let referrers = self
            .store()
            .referenced_by(subject.as_str(), version)
            .await?;
        if referrers.iter().any(|(_, live)| permanent || *live) {
            return Err(RegistryError::ReferenceExists(subject.to_string(), version));
        }
        Ok(())
    }
}

fn live_versions(versions: &[VersionRow]) -> Vec<i32> {
    versions
        .iter()
        .filter(|v| !v.deleted)
        .map(|v| v.version)
        .collect()
}
