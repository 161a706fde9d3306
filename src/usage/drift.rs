//! Drift between the catalog and reality, per subject: declared readers never (or not
//! recently) seen, readers seen that the catalog does not declare, and declared readers
//! fetching versions outside their declared range. The comparison itself is a pure
//! function of the catalog's edges and the observed reads ([`compare`]); the use cases
//! around it gather both.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::report::{ObservedRead, ReportScope};
use super::{Usage, UsageError, now_millis};
use crate::catalog::calendar::rfc3339_from_millis;
use crate::catalog::model::{EntityKind, EntityName, VersionRange};
use crate::catalog::sight::Sight;
use crate::catalog::snapshot::{Role, Snapshot};
use crate::model::Subject;

/// A declared consumer of a subject, as observed.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeclaredReader {
    pub application: String,
    /// The declared version range (`latest`, `N`, `N-M`, `>=N`).
    pub versions: String,
    /// `reading` (seen within the recent window), `silent` (not seen within it) or
    /// `version-drift` (seen reading a version outside its range).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// Reads within the report's days.
    pub count: i64,
    /// The versions it was seen reading.
    pub versions_read: Vec<i32>,
    /// Those outside its declared range (today's live versions that range selects).
    pub outside_range: Vec<i32>,
    /// The clients it was seen with (library and version).
    pub clients: Vec<String>,
}

/// A reader (or writer) the catalog does not declare for the subject.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UndeclaredReader {
    /// The application when the catalog knows who this is, else the principal, else the
    /// address and client.
    pub reader: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    pub clients: Vec<String>,
    pub addresses: Vec<String>,
    pub last_seen: String,
    pub count: i64,
    pub versions_read: Vec<i32>,
}

/// Declared against observed readers of one subject.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubjectDrift {
    pub subject: String,
    /// Observed reads of the last `days` days were compared.
    pub days: u32,
    /// A declared reader unseen for this many days is silent.
    pub recent_days: u32,
    pub declared: Vec<DeclaredReader>,
    /// Readers seen that the catalog does not declare as producing or consuming it.
    pub undeclared_readers: Vec<UndeclaredReader>,
    /// Registrations and lookups by applications not declared as its producers.
    pub undeclared_writers: Vec<UndeclaredReader>,
}

impl SubjectDrift {
    /// What `sight` is shown: declared consumers it may not see are left out, and a reader
    /// running as one is named by its principal (or address) instead.
    pub fn seen_by(mut self, sight: &dyn Sight) -> Self {
        if sight.sees_everything() {
            return self;
        }
        let sees = |app: &str| sight.sees_entity(EntityKind::Application, app);
        self.declared.retain(|d| sees(&d.application));
        for reader in self
            .undeclared_readers
            .iter_mut()
            .chain(self.undeclared_writers.iter_mut())
        {
            if reader.application.as_deref().is_some_and(|app| !sees(app)) {
                reader.application = None;
                reader.reader = reader
                    .principal
                    .clone()
                    .or_else(|| reader.addresses.first().cloned())
                    .unwrap_or_else(|| "another application".to_owned());
            }
        }
        self
    }

    /// Whether anything disagrees.
    pub fn drifts(&self) -> bool {
        !self.undeclared_readers.is_empty()
            || !self.undeclared_writers.is_empty()
            || self.declared.iter().any(|d| d.status != READING)
    }
}

/// The drifts of subjects `sight` may read, each as it is shown to it (the API's and the
/// portal's one rule).
pub fn seen_by(drifts: Vec<SubjectDrift>, sight: &dyn Sight) -> Vec<SubjectDrift> {
    drifts
        .into_iter()
        .filter(|d| sight.sees_subject(&d.subject))
        .map(|d| d.seen_by(sight))
        .collect()
}

pub const READING: &str = "reading";
pub const SILENT: &str = "silent";
pub const VERSION_DRIFT: &str = "version-drift";

/// What the comparison needs besides the reads.
pub struct Window {
    pub now: i64,
    pub days: u32,
    pub recent_days: u32,
}

/// Compares the catalog's edges on `subject` with `reads` (the subject's observed reads in
/// the window, versions resolved) and `history` (over the whole retention: when a silent
/// reader was last seen), given its `live` versions in ascending order.
pub fn compare(
    subject: &str,
    snapshot: &Snapshot,
    reads: &[ObservedRead],
    history: &[ObservedRead],
    live: &[i32],
    window: &Window,
) -> SubjectDrift {
    let usage = snapshot.subject_usage(subject);
    let declared_for = |role: Role| -> BTreeSet<&EntityName> {
        usage
            .edges
            .iter()
            .filter(|e| e.role == role)
            .map(|e| &e.application)
            .collect()
    };
    let (producers, consumers) = (declared_for(Role::Produces), declared_for(Role::Consumes));
    let recent_from = window.now - i64::from(window.recent_days) * 86_400_000;
    // An application may consume the subject through several edges (its topic and its
    // event): one row, every range it declares.
    let mut ranges: BTreeMap<&EntityName, Vec<VersionRange>> = BTreeMap::new();
    for edge in usage.edges.iter().filter(|e| e.role == Role::Consumes) {
        let declared = ranges.entry(&edge.application).or_default();
        if !declared.contains(&edge.versions) {
            declared.push(edge.versions);
        }
    }
    let mut declared = Vec::new();
    for (application, declared_ranges) in ranges {
        let of_app = |r: &&ObservedRead| {
            !r.writes() && r.application.as_deref() == Some(application.as_str())
        };
        let own: Vec<&ObservedRead> = reads.iter().filter(of_app).collect();
        let mut allowed: Vec<i32> = declared_ranges
            .iter()
            .flat_map(|r| r.select(live))
            .collect();
        allowed.sort_unstable();
        let versions_read = distinct_versions(&own);
        let outside_range: Vec<i32> = versions_read
            .iter()
            .copied()
            .filter(|v| !allowed.contains(v))
            .collect();
        // Last seen over the whole retention, so a silent reader says since when.
        let last_seen = history
            .iter()
            .filter(of_app)
            .map(|r| r.last_seen_millis)
            .max();
        let status = match last_seen {
            Some(at) if at >= recent_from && outside_range.is_empty() => READING,
            Some(at) if at >= recent_from => VERSION_DRIFT,
            _ => SILENT,
        };
        declared.push(DeclaredReader {
            application: application.to_string(),
            versions: declared_ranges
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            status: status.to_owned(),
            last_seen: last_seen.map(rfc3339_from_millis),
            count: own.iter().map(|r| r.count).sum(),
            versions_read,
            outside_range,
            clients: distinct(own.iter().filter_map(|r| r.client.clone())),
        });
    }
    let known = |read: &ObservedRead, declared: &BTreeSet<&EntityName>| {
        read.application
            .as_deref()
            .is_some_and(|app| declared.iter().any(|d| d.as_str() == app))
    };
    let everyone: BTreeSet<&EntityName> = producers.union(&consumers).copied().collect();
    let undeclared_readers =
        group_readers(reads.iter().filter(|r| !r.writes() && !known(r, &everyone)));
    let undeclared_writers =
        group_readers(reads.iter().filter(|r| r.writes() && !known(r, &producers)));
    SubjectDrift {
        subject: subject.to_owned(),
        days: window.days,
        recent_days: window.recent_days,
        declared,
        undeclared_readers,
        undeclared_writers,
    }
}

fn distinct_versions(reads: &[&ObservedRead]) -> Vec<i32> {
    let versions: BTreeSet<i32> = reads.iter().filter_map(|r| r.version).collect();
    versions.into_iter().collect()
}

fn distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<String> = items.collect();
    set.into_iter().collect()
}

/// Reads grouped by who read, most recently seen first.
fn group_readers<'a>(reads: impl Iterator<Item = &'a ObservedRead>) -> Vec<UndeclaredReader> {
    let mut by_reader: BTreeMap<String, Vec<&ObservedRead>> = BTreeMap::new();
    for read in reads {
        by_reader.entry(read.reader_label()).or_default().push(read);
    }
    let mut readers: Vec<UndeclaredReader> = by_reader
        .into_iter()
        .map(|(reader, reads)| {
            let last = reads.iter().map(|r| r.last_seen_millis).max().unwrap_or(0);
            UndeclaredReader {
                reader,
                application: reads.iter().find_map(|r| r.application.clone()),
                principal: reads.iter().find_map(|r| r.principal.clone()),
                clients: distinct(reads.iter().filter_map(|r| r.client.clone())),
                addresses: distinct(reads.iter().filter_map(|r| r.address.clone())),
                last_seen: rfc3339_from_millis(last),
                count: reads.iter().map(|r| r.count).sum(),
                versions_read: distinct_versions(&reads),
            }
        })
        .collect();
    readers.sort_by(|a, b| b.last_seen.cmp(&a.last_seen).then(a.reader.cmp(&b.reader)));
    readers
}

impl Usage {
    /// Declared against observed readers of `subject` over the last `days` days.
    pub async fn subject_drift(
        &self,
        subject: &Subject,
        days: u32,
    ) -> Result<SubjectDrift, UsageError> {
        let snapshot = self.catalog.snapshot().await?;
        let live = self.live(subject.as_str()).await?;
        self.drift_of(subject, &snapshot, &live, days).await
    }

    /// A subject's live version numbers, ascending.
    async fn live(&self, subject: &str) -> Result<Vec<i32>, UsageError> {
        let rows = self.registry.live_versions(subject).await?;
        Ok(rows.iter().map(|row| row.version).collect())
    }

    /// [`Usage::subject_drift`] with the catalog and live versions already read.
    async fn drift_of(
        &self,
        subject: &Subject,
        snapshot: &Snapshot,
        live: &[i32],
        days: u32,
    ) -> Result<SubjectDrift, UsageError> {
        let scope = ReportScope::Subject(subject.clone());
        let reads = self.report(&scope, days).await?;
        let retention = self.settings.retention_days;
        let history = if retention > days {
            self.report(&scope, retention).await?
        } else {
            reads.clone()
        };
        Ok(compare(
            subject.as_str(),
            snapshot,
            &reads,
            &history,
            live,
            &self.window(days),
        ))
    }

    /// The drift of every subject the catalog declares or anyone was seen using, in name
    /// order.
    pub async fn landscape_drift(&self, days: u32) -> Result<Vec<SubjectDrift>, UsageError> {
        let snapshot = self.catalog.snapshot().await?;
        let mut subjects: BTreeSet<String> = snapshot
            .edges()
            .flat_map(|edge| snapshot.edge_subjects(edge.target))
            .collect();
        for read in self.report(&ReportScope::Everything, days).await? {
            subjects.extend(read.subject);
        }
        let mut drifts = Vec::with_capacity(subjects.len());
        for subject in subjects {
            // A subject the registry holds no live version of (a topic's value subject
            // nobody registered yet, one deleted) has nothing to read.
            let live = self.live(&subject).await?;
            if live.is_empty() {
                continue;
            }
            let subject = Subject::new(subject);
            drifts.push(self.drift_of(&subject, &snapshot, &live, days).await?);
        }
        Ok(drifts)
    }

    /// The drift of the subjects an application declares or was seen using.
    pub async fn application_drift(
        &self,
        application: &EntityName,
        days: u32,
    ) -> Result<Vec<SubjectDrift>, UsageError> {
        let snapshot = self.catalog.snapshot().await?;
        if !snapshot.applications.contains_key(application) {
            return Err(UsageError::NotFound(format!(
                "application {application} not found"
            )));
        }
        let mut subjects: BTreeSet<String> = snapshot
            .application_edges(application)
            .iter()
            .flat_map(|edge| snapshot.edge_subjects(edge.target))
            .collect();
        for read in self
            .report(&ReportScope::Application(application.clone()), days)
            .await?
        {
            subjects.extend(read.subject);
        }
        let mut drifts = Vec::with_capacity(subjects.len());
        for subject in subjects {
            let mut drift = self.subject_drift(&Subject::new(subject), days).await?;
            // Only this application's side of each subject.
            drift
                .declared
                .retain(|d| d.application == application.as_str());
            let mine =
                |r: &UndeclaredReader| r.application.as_deref() == Some(application.as_str());
            drift.undeclared_readers.retain(mine);
            drift.undeclared_writers.retain(mine);
            drifts.push(drift);
        }
        Ok(drifts)
    }

    fn window(&self, days: u32) -> Window {
        Window {
            now: now_millis(),
            days,
            recent_days: self.settings.recent_days,
        }
    }
}
