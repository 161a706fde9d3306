//! `/ui/subjects/{subject}` (latest) and `/ui/subjects/{subject}/versions/{version}`: one
//! version in full; and its `.../download`.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::audit::AuditRow;
use super::extract::PortalPath;
use super::highlight::{self, Highlighted};
use super::layout::{Chrome, Section};
use super::{Page, PortalError, PortalState, links, ok};
use crate::model::{Subject, VersionSpec};
use crate::registry::SubjectVersion;
use crate::registry::audit::AuditFilter;
use crate::registry::browse::VersionDetail;
use crate::schema::SchemaType;
use crate::schema::fields::FieldInfo;

/// Most field rows one page lists.
const MAX_FIELD_ROWS: usize = 2_000;

/// How many audit entries the History section lists.
const HISTORY_ROWS: u32 = 20;

#[derive(Template)]
#[template(path = "subjects/version.html")]
pub struct VersionPage {
    chrome: Chrome,
    subject: String,
    subject_href: String,
    version: i32,
    is_latest: bool,
    deleted: bool,
    schema_id: i64,
    schema_href: String,
    format_label: &'static str,
    format_class: &'static str,
    compatibility: &'static str,
    versions: Vec<VersionLink>,
    code: Highlighted,
    line_count: usize,
    fields: Vec<FieldRow>,
    /// Fields left out of the table beyond [`MAX_FIELD_ROWS`].
    fields_hidden: usize,
    references: Vec<ReferenceLink>,
    referenced_by: Vec<VersionRef>,
    properties: Vec<(String, String)>,
    download_href: String,
    download_name: String,
    /// The diff with the previous version, if there is one.
    diff_href: Option<String>,
    previous_version: i32,
    api_href: String,
    catalog: CatalogPanel,
    /// The subject's newest audit entries.
    history: Vec<AuditRow>,
    /// The whole audit trail of the subject.
    /// The subject's whole history in the audit trail, for readers who may open it.
    history_href: Option<String>,
    /// Declared against observed readers of the subject.
    observed: Vec<super::usage::ObservedPanel>,
}

/// The event catalog's view of this subject; empty until the catalog fills it.
#[derive(Debug, Default)]
pub struct CatalogPanel {
    /// Applications producing or consuming this subject.
    pub clients: Vec<CatalogClient>,
    /// Topics and events bound to this subject: (kind, name, page).
    pub bound: Vec<(&'static str, String, String)>,
    /// Shown as a banner above the schema (e.g. deprecated, sunset on a date).
    pub lifecycle: Option<LifecycleBanner>,
}

#[derive(Debug)]
pub struct CatalogClient {
    pub application: String,
    pub href: String,
    /// `produces` or `consumes`.
    pub role: String,
    /// The versions the application works with, e.g. `>=3` or `latest`.
    pub version_spec: String,
    /// Whether that range takes in the version on the page.
    pub uses_this: bool,
}

#[derive(Debug)]
pub struct LifecycleBanner {
    /// A CSS modifier chosen by the catalog from a fixed set: `info`, `warning`, `danger`.
    pub tone: &'static str,
    pub title: String,
    pub message: String,
}

pub struct VersionLink {
    pub version: i32,
    pub href: String,
    pub current: bool,
    pub deleted: bool,
}

pub struct FieldRow {
    pub name: String,
    pub path: String,
    /// `d0`..`d8`: indentation by depth.
    pub depth_class: String,
    pub type_name: String,
    pub doc: Option<String>,
    pub default: Option<String>,
    pub required: bool,
    pub tags: Vec<String>,
}

impl FieldRow {
    fn of(field: &FieldInfo) -> Self {
        Self {
            name: field.name.clone(),
            path: field.path.clone(),
            depth_class: format!("d{}", field.depth.min(8)),
            type_name: field.type_name.clone(),
            doc: field.doc.clone(),
            default: field.default.clone(),
            required: field.required,
            tags: field.tags.clone(),
        }
    }
}

pub struct ReferenceLink {
    pub name: String,
    pub subject: String,
    pub version: i32,
    /// The referenced version's page, when the reader may read its subject (the schema
    /// names it either way).
    pub href: Option<String>,
}

impl ReferenceLink {
    pub fn of(reference: &crate::model::Reference) -> Self {
        Self {
            name: reference.name.clone(),
            subject: reference.subject.clone(),
            version: reference.version,
            href: super::sight::may_read_subject(&reference.subject)
                .then(|| links::version(&reference.subject, reference.version)),
        }
    }
}

/// A link to a subject version.
pub struct VersionRef {
    pub subject: String,
    pub version: i32,
    pub href: String,
    pub deleted: bool,
}

impl VersionRef {
    /// The versions whose subjects the page's reader may read; the others stay unnamed.
    pub fn readable(versions: &[SubjectVersion]) -> Vec<Self> {
        versions
            .iter()
            .filter(|v| super::sight::may_read_subject(&v.subject))
            .map(Self::of)
            .collect()
    }

    pub fn of(version: &SubjectVersion) -> Self {
        Self {
            href: links::version(&version.subject, version.version),
            subject: version.subject.clone(),
            version: version.version,
            deleted: version.deleted,
        }
    }
}

/// Needs read on the subject (its History section included).
pub async fn latest(
    State(state): State<PortalState>,
    PortalPath(subject): PortalPath<String>,
) -> Result<Page<VersionPage>, PortalError> {
    let subject = Subject::new(subject);
    let detail = state
        .registry
        .version_detail(&subject, VersionSpec::Latest)
        .await?;
    full_page(&state, &detail).await
}

/// Needs read on the subject (its History section included).
pub async fn version(
    State(state): State<PortalState>,
    PortalPath((subject, version)): PortalPath<(String, String)>,
) -> Result<Page<VersionPage>, PortalError> {
    let spec = path_version(&version)?;
    let detail = state
        .registry
        .version_detail(&Subject::new(subject), spec)
        .await?;
    full_page(&state, &detail).await
}

/// The version page with what the catalog says of the subject and its recent history.
async fn full_page(
    state: &PortalState,
    detail: &VersionDetail,
) -> Result<Page<VersionPage>, PortalError> {
    let catalog = catalog_panel(state, detail).await?;
    let filter = AuditFilter::for_subject(detail.version.subject.as_str(), HISTORY_ROWS);
    let history = state.registry.audit_trail(&filter).await?;
    let mut page = VersionPage::of(detail).with_catalog(catalog);
    page.history = history.entries.iter().map(AuditRow::of).collect();
    let subject = detail.version.subject.as_str().to_owned();
    page.observed = super::usage::panels(&state.usage, &[subject]).await?;
    Ok(ok(page))
}

/// What the event catalog says about the subject: who writes and reads it (and whether
/// their version range takes in this version), the topics and events bound to it, and a
/// banner when an event bound to it is being retired.
async fn catalog_panel(
    state: &PortalState,
    detail: &VersionDetail,
) -> Result<CatalogPanel, PortalError> {
    use crate::catalog::model::Lifecycle;
    let snapshot = super::catalog::snapshot(&state.catalog).await?;
    let subject = detail.version.subject.as_str();
    let usage = snapshot.subject_usage(subject);
    let live: Vec<i32> = detail
        .versions
        .iter()
        .filter(|v| !v.deleted)
        .map(|v| v.version)
        .collect();
    let clients = usage
        .edges
        .iter()
        .map(|edge| CatalogClient {
            application: edge.application.to_string(),
            href: format!("/ui/applications/{}", edge.application),
            role: edge.role.as_str().to_owned(),
            version_spec: edge.versions.to_string(),
            uses_this: edge
                .versions
                .select(&live)
                .contains(&detail.version.version),
        })
        .collect();
    let bound = usage
        .topics
        .iter()
        .map(|t| ("topic", t.to_string(), format!("/ui/topics/{t}")))
        .chain(
            usage
                .events
                .iter()
                .map(|e| ("event", e.to_string(), format!("/ui/events/{e}"))),
        )
        .collect();
    let lifecycle = usage
        .events
        .iter()
        .filter_map(|name| snapshot.events.get(name))
        .filter(|event| event.lifecycle != Lifecycle::Released)
        .max_by_key(|event| event.lifecycle)
        .map(|event| {
            let (tone, title) = match event.lifecycle {
                Lifecycle::Draft => ("info", "Draft."),
                Lifecycle::Deprecated => ("warning", "Deprecated."),
                _ => ("danger", "Retired."),
            };
            let mut message = format!(
                "The event {} bound to this subject is {}",
                event.name,
                event.lifecycle.as_str()
            );
            if let Some(sunset) = &event.sunset {
                message.push_str(&format!("; sunset on {}", sunset.as_str()));
            }
            if let Some(next) = &event.replaced_by {
                message.push_str(&format!("; use {next} instead"));
            }
            message.push('.');
            if event.lifecycle == Lifecycle::Deprecated {
                message.push_str(
                    " Clients reading it get Deprecation and Sunset headers; see who still reads it under Deprecations.",
                );
            }
            LifecycleBanner {
                tone,
                title: title.to_owned(),
                message,
            }
        });
    Ok(CatalogPanel {
        clients,
        bound,
        lifecycle,
    })
}

/// A version in a path: a number or `latest`; anything else names no page.
pub fn path_version(text: &str) -> Result<VersionSpec, PortalError> {
    VersionSpec::parse(text)
        .map_err(|_| PortalError::NotFound(format!("There is no version \"{text}\".")))
}

impl VersionPage {
    fn with_catalog(mut self, catalog: CatalogPanel) -> Self {
        self.catalog = catalog;
        self
    }

    fn of(detail: &VersionDetail) -> Self {
        let current = &detail.version;
        let subject = current.subject.as_str();
        let schema = &current.schema;
        let latest_live = detail.versions.iter().rev().find(|v| !v.deleted);
        let previous = detail
            .versions
            .iter()
            .rev()
            .find(|v| v.version < current.version && (current.deleted || !v.deleted));
        let (code, line_count) =
            highlight::schema_block(schema.schema_type, &schema.canonical_text);
        let properties = schema
            .metadata
            .as_ref()
            .and_then(|m| m.get("properties"))
            .and_then(serde_json::Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str().map_or_else(|| v.to_string(), Into::into),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let label = format!("Version {}", current.version);
        Self {
            chrome: Chrome::new(format!("{subject} v{}", current.version), Section::Subjects)
                .crumb("Home", links::home())
                .crumb("Subjects", links::subjects())
                .crumb(subject, links::subject(subject))
                .here(label),
            subject: subject.to_string(),
            subject_href: links::subject(subject),
            version: current.version,
            is_latest: latest_live.is_some_and(|v| v.version == current.version),
            deleted: current.deleted,
            schema_id: schema.id,
            schema_href: links::schema(schema.id),
            format_label: links::format_label(schema.schema_type),
            format_class: links::format_class(schema.schema_type),
            compatibility: detail.compatibility.as_str(),
            versions: detail
                .versions
                .iter()
                .rev()
                .map(|v| VersionLink {
                    version: v.version,
                    href: links::version(subject, v.version),
                    current: v.version == current.version,
                    deleted: v.deleted,
                })
                .collect(),
            code,
            line_count,
            fields: detail
                .fields
                .iter()
                .take(MAX_FIELD_ROWS)
                .map(FieldRow::of)
                .collect(),
            fields_hidden: detail.fields.len().saturating_sub(MAX_FIELD_ROWS),
            references: schema.references.iter().map(ReferenceLink::of).collect(),
            referenced_by: VersionRef::readable(&detail.referenced_by),
            properties,
            download_href: links::download(subject, current.version),
            download_name: download_name(subject, current.version, schema.schema_type),
            diff_href: previous
                .map(|p| links::diff(subject, Some(p.version), Some(current.version))),
            previous_version: previous.map_or(0, |p| p.version),
            api_href: links::api_version(subject, current.version),
            catalog: CatalogPanel::default(),
            history: Vec::new(),
            history_href: super::sight::audit_link(links::audit(&[("subject", subject)])),
            observed: Vec::new(),
        }
    }
}

/// `GET .../versions/{version}/download`: the schema text as stored, as a file.
pub async fn download(
    State(state): State<PortalState>,
    PortalPath((subject, version)): PortalPath<(String, String)>,
) -> Result<Response, PortalError> {
    let spec = path_version(&version)?;
    let subject = Subject::new(subject);
    let found = state
        .registry
        .version(&subject, spec, matches!(spec, VersionSpec::Number(_)))
        .await?;
    let schema_type = found.schema.schema_type;
    let name = download_name(subject.as_str(), found.version, schema_type);
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|_| PortalError::Internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(media_type(schema_type)),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        found.schema.canonical_text,
    )
        .into_response())
}

fn media_type(schema_type: SchemaType) -> &'static str {
    match schema_type {
        SchemaType::Avro => "application/json; charset=utf-8",
        SchemaType::Json => "application/schema+json; charset=utf-8",
        SchemaType::Protobuf => "text/plain; charset=utf-8",
    }
}

/// `<subject>-v<version>.avsc|.proto|.json`, the subject reduced to characters safe in a
/// file name and a header (`A-Z a-z 0-9 . _ -`; anything else becomes `_`).
pub fn download_name(subject: &str, version: i32, schema_type: SchemaType) -> String {
    let safe = crate::catalog::model::with_name_chars(subject);
    let safe = safe.trim_start_matches('.');
    let extension = match schema_type {
        SchemaType::Avro => "avsc",
        SchemaType::Protobuf => "proto",
        SchemaType::Json => "json",
    };
    format!("{safe}-v{version}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_are_safe_and_typed() {
        assert_eq!(
            download_name("orders-value", 3, SchemaType::Avro),
            "orders-value-v3.avsc"
        );
        assert_eq!(
            download_name("a/b:\"c\" d", 1, SchemaType::Protobuf),
            "a_b__c__d-v1.proto"
        );
        assert_eq!(download_name("..x", 2, SchemaType::Json), "x-v2.json");
    }
}
