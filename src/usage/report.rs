//! Usage reports: the tallies of a subject, a schema id, a principal or an application,
//! each row with the catalog application its reader runs as, and reads by id placed under
//! their subject and version where the id says which.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::{Usage, UsageError, now_millis};
use crate::catalog::calendar::rfc3339_from_millis;
use crate::catalog::model::{EntityKind, EntityName};
use crate::catalog::sight::Sight;
use crate::catalog::snapshot::Snapshot;
use crate::model::Subject;
use crate::registry::RegistryError;
use crate::storage::usage::{UsageQuery, UsageRow, UsageScope};

/// Rows one report returns at most (the most recently seen first).
pub const REPORT_LIMIT: i64 = 10_000;

/// Whose usage a report shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportScope {
    Everything,
    Subject(Subject),
    SchemaId(i64),
    Principal(String),
    Application(EntityName),
}

/// One reader's reads of one schema, summed over the report's days.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObservedRead {
    /// The authenticated principal; absent for a client that did not authenticate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The catalog application this reader runs as (it names the principal or address).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// The client library and version (`Confluent-Client-Version`, else `User-Agent`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// How the schema was reached: id, guid, version, latest, lookup or register.
    pub access: String,
    pub schema_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// RFC 3339, UTC.
    pub first_seen: String,
    pub last_seen: String,
    pub count: i64,
    #[serde(skip)]
    pub last_seen_millis: i64,
}

impl ObservedRead {
    /// The row as `sight` is shown it: an application it may not see is not named.
    pub fn seen_by(mut self, sight: &dyn Sight) -> Self {
        let hidden = |app: &str| !sight.sees_entity(EntityKind::Application, app);
        if self.application.as_deref().is_some_and(hidden) {
            self.application = None;
        }
        self
    }

    /// Who read: the application if the catalog names one, else the principal, else the
    /// address and client (for an unnamed anonymous reader).
    pub fn reader_label(&self) -> String {
        if let Some(app) = &self.application {
            return app.clone();
        }
        if let Some(principal) = &self.principal {
            return principal.clone();
        }
        let address = self.address.as_deref().unwrap_or("unknown address");
        match &self.client {
            Some(client) => format!("{address} ({client})"),
            None => address.to_owned(),
        }
    }

    /// Whether a producer's serializer made the call (lookup, register).
    pub fn writes(&self) -> bool {
        super::Access::parse(&self.access).is_some_and(super::Access::writes)
    }
}

/// Which application each principal name or client address runs as.
pub struct RunsAs<'a> {
    by_name: HashMap<&'a str, &'a EntityName>,
}

impl<'a> RunsAs<'a> {
    pub fn of(snapshot: &'a Snapshot) -> Self {
        let by_name = snapshot
            .applications
            .values()
            .flat_map(|app| app.principals.iter().map(move |p| (p.as_str(), &app.name)))
            .collect();
        Self { by_name }
    }

    /// The application of a reader: by principal, or by address for an anonymous one.
    pub fn application(&self, principal: &str, address: &str) -> Option<&'a EntityName> {
        if principal.is_empty() {
            self.by_name.get(address).copied()
        } else {
            self.by_name.get(principal).copied()
        }
    }
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

impl Usage {
    /// The usage in `scope` over the last `days` days, most recently seen first.
    pub async fn report(
        &self,
        scope: &ReportScope,
        days: u32,
    ) -> Result<Vec<ObservedRead>, UsageError> {
        let snapshot = self.catalog.snapshot().await?;
        let (storage_scope, subject_versions) = self.storage_scope(scope, &snapshot).await?;
        let query = UsageQuery {
            scope: storage_scope,
            since: now_millis() - i64::from(days) * 86_400_000,
            limit: REPORT_LIMIT,
        };
        let rows = self.store.usage(&query).await?;
        let runs_as = RunsAs::of(&snapshot);
        let mut places = Places::new(scope, subject_versions);
        let mut reads = Vec::with_capacity(rows.len());
        for row in rows {
            let place = places.of(self, &row).await?;
            reads.push(observed(row, place, &runs_as));
        }
        Ok(reads)
    }

    /// The storage scope of a report, and for a subject its versions' schema ids.
    async fn storage_scope(
        &self,
        scope: &ReportScope,
        snapshot: &Snapshot,
    ) -> Result<(UsageScope, HashMap<i64, i32>), UsageError> {
        Ok(match scope {
            ReportScope::Everything => (UsageScope::Everything, HashMap::new()),
            ReportScope::Subject(subject) => {
                let versions = self.subject_versions(subject).await?;
                let scope = UsageScope::Subject {
                    subject: subject.as_str().to_owned(),
                    schema_ids: versions.keys().copied().collect(),
                };
                (scope, versions)
            }
            ReportScope::SchemaId(id) => (UsageScope::SchemaId(*id), HashMap::new()),
            ReportScope::Principal(name) => (
                UsageScope::Readers {
                    principals: vec![name.clone()],
                    addresses: Vec::new(),
                },
                HashMap::new(),
            ),
            ReportScope::Application(name) => {
                let app = snapshot
                    .applications
                    .get(name)
                    .ok_or_else(|| UsageError::NotFound(format!("application {name} not found")))?;
                // An entry is a principal name or an address: match it as either.
                let scope = UsageScope::Readers {
                    principals: app.principals.clone(),
                    addresses: app.principals.clone(),
                };
                (scope, HashMap::new())
            }
        })
    }

    /// Reads of `subject` (by subject, and by id of its schemas) per day from `first_day`.
    pub async fn daily_reads(
        &self,
        subject: &Subject,
        first_day: i64,
    ) -> Result<Vec<(i64, i64)>, UsageError> {
        let versions = self.subject_versions(subject).await?;
        let scope = UsageScope::Subject {
            subject: subject.as_str().to_owned(),
            schema_ids: versions.keys().copied().collect(),
        };
        Ok(self.store.usage_daily(&scope, first_day).await?)
    }

    /// Schema id -> the newest version of `subject` using it (soft-deleted included).
    pub(super) async fn subject_versions(
        &self,
        subject: &Subject,
    ) -> Result<HashMap<i64, i32>, UsageError> {
        let rows = self.registry.every_version(subject.as_str()).await?;
        Ok(rows
            .iter()
            .map(|row| (row.schema_id, row.version))
            .collect())
    }
}

/// Where a row's schema sits: its subject and version.
struct Places {
    /// The report's subject, when it is one.
    subject: Option<String>,
    subject_versions: HashMap<i64, i32>,
    /// For other reports: an id's only subject version, if it has exactly one.
    only_version: HashMap<i64, Option<(String, i32)>>,
}

impl Places {
    fn new(scope: &ReportScope, subject_versions: HashMap<i64, i32>) -> Self {
        let subject = match scope {
            ReportScope::Subject(subject) => Some(subject.as_str().to_owned()),
            _ => None,
        };
        Self {
            subject,
            subject_versions,
            only_version: HashMap::new(),
        }
    }

    async fn of(
        &mut self,
        usage: &Usage,
        row: &UsageRow,
    ) -> Result<Option<(String, i32)>, UsageError> {
        if !row.subject.is_empty() {
            let version = (row.version > 0)
                .then_some(row.version)
                .or_else(|| self.subject_versions.get(&row.schema_id).copied());
            return Ok(Some((row.subject.clone(), version.unwrap_or(0))));
        }
        if let Some(subject) = &self.subject {
            let version = self.subject_versions.get(&row.schema_id).copied();
            return Ok(Some((subject.clone(), version.unwrap_or(0))));
        }
        if let Some(known) = self.only_version.get(&row.schema_id) {
            return Ok(known.clone());
        }
        let versions = usage
            .registry
            .versions_of_schema(row.schema_id, None, true)
            .await
            .or_else(|e| match e {
                RegistryError::SchemaNotFound => Ok(Vec::new()),
                other => Err(other),
            })?;
        let only = match versions.as_slice() {
            [one] => Some((one.subject.clone(), one.version)),
            _ => None,
        };
        self.only_version.insert(row.schema_id, only.clone());
        Ok(only)
    }
}

fn observed(row: UsageRow, place: Option<(String, i32)>, runs_as: &RunsAs<'_>) -> ObservedRead {
    let application = runs_as
        .application(&row.principal, &row.address)
        .map(ToString::to_string);
    let (subject, version) = match place {
        Some((subject, version)) => (Some(subject), (version > 0).then_some(version)),
        None => (None, None),
    };
    ObservedRead {
        application,
        principal: non_empty(row.principal),
        client: non_empty(row.client),
        address: non_empty(row.address),
        access: row.access,
        schema_id: row.schema_id,
        subject,
        version,
        first_seen: rfc3339_from_millis(row.first_seen),
        last_seen: rfc3339_from_millis(row.last_seen),
        count: row.count,
        last_seen_millis: row.last_seen,
    }
}
