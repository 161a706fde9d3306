//! Compatibility checks: at registration and through `POST /compatibility/...`.

use std::sync::Arc;

use serde_json::Value;

use super::register::Candidate;
use super::{Registry, RegistryError, SchemaRequest};
use crate::model::{Config, Subject, VersionSpec, next_version};
use crate::schema::ParsedSchema;
use crate::schema::compat::{
    self, CompatReport, CompatibilityLevel, Finding, Policy, PreviousVersion,
};
use crate::storage::VersionRow;

/// What a compatibility request compares against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompatTarget {
    /// Exactly the register-time check (`/versions`).
    AllVersions,
    /// One version (`/versions/{v}`), in the level's direction(s) only.
    Version(VersionSpec),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompatibilityResult {
    pub is_compatible: bool,
    /// Confluent-style messages (shown with `verbose=true`).
    pub messages: Vec<String>,
    /// The structured findings the messages render.
    pub findings: Vec<Finding>,
}

impl Registry {
    /// `POST /compatibility/subjects/{s}/versions[/{v}]`.
    pub async fn check_compatibility(
        &self,
        subject: &Subject,
        target: CompatTarget,
        request: SchemaRequest,
        normalize: bool,
    ) -> Result<CompatibilityResult, RegistryError> {
        let config = self.effective_config(subject).await?;
        let versions = self.store().subject_versions(subject.as_str()).await?;
        let in_scope: Vec<VersionRow> = match target {
            CompatTarget::AllVersions => versions.iter().filter(|v| !v.deleted).copied().collect(),
            CompatTarget::Version(VersionSpec::Latest) => versions
                .iter()
                .rev()
                .find(|v| !v.deleted)
                .copied()
                .into_iter()
                .collect(),
            CompatTarget::Version(VersionSpec::Number(n)) => {
                let row = versions.iter().find(|v| v.version == n && !v.deleted);
                vec![*row.ok_or(RegistryError::VersionNotFound(n))?]
            }
        };
        let latest = self.latest_live_schema(&versions).await?;
        let normalize = normalize || config.normalize.unwrap_or(false);
        let candidate = self
            .candidate(&request, normalize, &config, latest.as_ref())
            .await?;
        let level = match target {
            CompatTarget::AllVersions => config.level(),
            // A single named version is compared with the level's direction, not its reach.
            CompatTarget::Version(_) => non_transitive(config.level()),
        };
        let group = CompatibilityGroup::of(&config, candidate.schema.metadata.as_ref());
        let report = self
            .report(
                &candidate.parsed,
                level,
                config.policy(),
                &in_scope,
                group.as_ref(),
            )
            .await?;
        Ok(CompatibilityResult {
            is_compatible: report.0.is_compatible(),
            messages: render_messages(&report.0, report.1.as_deref(), &config),
            findings: report.0.findings,
        })
    }

    /// Refuses a registration that breaks the subject's compatibility level (409).
    pub(super) async fn ensure_compatible(
        &self,
        subject: &Subject,
        candidate: &Candidate,
        config: &Config,
        versions: &[VersionRow],
    ) -> Result<(), RegistryError> {
        let live: Vec<VersionRow> = versions.iter().filter(|v| !v.deleted).copied().collect();
        let group = CompatibilityGroup::of(config, candidate.schema.metadata.as_ref());
        let (report, old_text) = self
            .report(
                &candidate.parsed,
                config.level(),
                config.policy(),
                &live,
                group.as_ref(),
            )
            .await?;
        if report.is_compatible() {
            return Ok(());
        }
        Err(RegistryError::Incompatible {
            subject: subject.to_string(),
            messages: render_messages(&report, old_text.as_deref(), config),
        })
    }

    /// Would registering `requests` in this order pass, each after the ones before it?
    /// Each must parse and be compatible with the subject's live versions plus the
    /// requests before it, under the subject's level (or `level`, when the caller is about
    /// to set one). Nothing is written. On refusal: the index of the first request refused
    /// and why.
    pub async fn check_sequence(
        &self,
        subject: &Subject,
        requests: &[SchemaRequest],
        level: Option<CompatibilityLevel>,
    ) -> Result<(), (usize, RegistryError)> {
        let mut config = self.effective_config(subject).await.map_err(|e| (0, e))?;
        if level.is_some() {
            config.compatibility = level;
        }
        let normalize = config.normalize.unwrap_or(false);
        let versions = self
            .store()
            .subject_versions(subject.as_str())
            .await
            .map_err(|e| (0, e.into()))?;
        // Newest first, as the engine wants them.
        let mut history: Vec<(i32, Arc<ParsedSchema>, String)> = Vec::new();
        for row in versions.iter().filter(|v| !v.deleted).rev() {
            let stored = self
                .store()
                .schema(row.schema_id)
                .await
                .map_err(|e| (0, e.into()))?;
            if let Some(stored) = stored {
                let parsed = self.parsed(&stored).await.map_err(|e| (0, e))?;
                history.push((row.version, parsed, stored.canonical_text));
            }
        }
        // The versions these requests would get, counted without overflow: a subject at the
        // last version refuses the request that needs one more.
        let mut next = next_version(versions.last().map(|v| v.version));
        for (index, request) in requests.iter().enumerate() {
            let version = next.map_err(|e| (index, e.into()))?;
            next = next_version(Some(version));
            let candidate = self
                .candidate(request, normalize, &config, None)
                .await
                .map_err(|e| (index, e))?;
            let views: Vec<PreviousVersion<'_>> = history
                .iter()
                .map(|(version, schema, _)| PreviousVersion {
                    version: *version,
                    schema,
                })
                .collect();
            let report =
                compat::check_with(config.level(), config.policy(), &candidate.parsed, &views);
            if !report.is_compatible() {
                let old_text = report.failed_version.and_then(|failed| {
                    history
                        .iter()
                        .find(|(v, _, _)| *v == failed)
                        .map(|(_, _, t)| t.clone())
                });
                let messages = render_messages(&report, old_text.as_deref(), &config);
                let refused = RegistryError::Incompatible {
                    subject: subject.to_string(),
                    messages,
                };
                return Err((index, refused));
            }
            history.insert(
                0,
                (
                    version,
                    Arc::new(candidate.parsed),
                    candidate.schema.canonical_text,
                ),
            );
        }
        Ok(())
    }

    /// Runs the engine against `versions` (ascending); returns the report and the text of
    /// the version that failed.
    async fn report(
        &self,
        candidate: &ParsedSchema,
        level: CompatibilityLevel,
        policy: Policy,
        versions: &[VersionRow],
        group: Option<&CompatibilityGroup>,
    ) -> Result<(CompatReport, Option<String>), RegistryError> {
        if level == CompatibilityLevel::None {
            return Ok((CompatReport::default(), None));
        }
        let mut previous: Vec<(i32, Arc<ParsedSchema>, String)> = Vec::new();
        for row in versions.iter().rev() {
            let Some(stored) = self.store().schema(row.schema_id).await? else {
                continue;
            };
            if group.is_some_and(|g| !g.contains(stored.metadata.as_ref())) {
                continue;
            }
            let parsed = self.parsed(&stored).await?;
            previous.push((row.version, parsed, stored.canonical_text));
        }
        let views: Vec<PreviousVersion<'_>> = previous
            .iter()
            .map(|(version, schema, _)| PreviousVersion {
                version: *version,
                schema,
            })
            .collect();
        let report = compat::check_with(level, policy, candidate, &views);
        let old_text = report.failed_version.and_then(|failed| {
            previous
                .iter()
                .find(|(v, _, _)| *v == failed)
                .map(|(_, _, text)| text.clone())
        });
        Ok((report, old_text))
    }
}

/// `compatibilityGroup`: only versions whose metadata property of that name has the
/// candidate's value are compared.
struct CompatibilityGroup {
    property: String,
    value: Option<Value>,
}

impl CompatibilityGroup {
    fn of(config: &Config, candidate_metadata: Option<&Value>) -> Option<Self> {
        let property = config
            .extra
            .get("compatibilityGroup")?
            .as_str()?
            .to_string();
        let value = property_of(candidate_metadata, &property).cloned();
        Some(Self { property, value })
    }

    fn contains(&self, metadata: Option<&Value>) -> bool {
        property_of(metadata, &self.property) == self.value.as_ref()
    }
}

fn property_of<'a>(metadata: Option<&'a Value>, property: &str) -> Option<&'a Value> {
    metadata?.get("properties")?.get(property)
}

fn non_transitive(level: CompatibilityLevel) -> CompatibilityLevel {
    match level {
        CompatibilityLevel::BackwardTransitive => CompatibilityLevel::Backward,
        CompatibilityLevel::ForwardTransitive => CompatibilityLevel::Forward,
        CompatibilityLevel::FullTransitive => CompatibilityLevel::Full,
        other => other,
    }
}

/// Confluent's message list: one entry per finding, then the old version, its schema and
/// the settings used.
fn render_messages(report: &CompatReport, old_text: Option<&str>, config: &Config) -> Vec<String> {
    if report.is_compatible() {
        return Vec::new();
    }
    let mut messages: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{{errorType:'{}', description:'{}'}}", f.kind, f.message))
        .collect();
    if let Some(version) = report.failed_version {
        messages.push(format!("{{oldSchemaVersion: {version}}}"));
    }
    if let Some(text) = old_text {
        messages.push(format!("{{oldSchema: '{text}'}}"));
    }
    let validate_fields = super::settings::validate_fields(config);
    messages.push(format!(
        "{{validateFields: '{validate_fields}', compatibility: '{}'}}",
        config.level()
    ));
    messages
}
