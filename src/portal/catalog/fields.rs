//! `/ui/catalog/fields?tag=PII`: which fields carry a tag, and who writes and reads them.
//! Without a tag: every field tag in use, with how many fields carry it.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use crate::catalog::Catalog;
use crate::catalog::model::{EntityKind, EntityName};
use crate::catalog::snapshot::Snapshot;
use crate::portal::extract::PortalQuery;
use crate::portal::layout::{Chrome, Section};
use crate::portal::{Page, PortalError, links, ok};

use super::filters::{MAX_ROWS, Tally};
use super::view::{self, EntityLink, SelectOption, TagLink};
use super::{failed, snapshot};

/// Longest tag accepted.
const MAX_TAG: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct FieldParams {
    #[serde(default)]
    tag: String,
}

#[derive(Template)]
#[template(path = "catalog/fields.html")]
pub struct FieldsPage {
    chrome: Chrome,
    tag: String,
    options: Vec<SelectOption>,
    /// Every field tag with its count (shown when no tag is chosen).
    tags: Vec<(TagLink, usize)>,
    groups: Vec<SubjectGroup>,
    /// "39 fields in 12 subjects".
    summary: String,
    tally: Tally,
    action: String,
}

/// The tagged fields of one subject's latest version, with who writes and reads it.
pub struct SubjectGroup {
    subject: String,
    subject_href: String,
    version: i32,
    version_href: String,
    fields: Vec<FieldItem>,
    writers: Vec<EntityLink>,
    readers: Vec<EntityLink>,
}

pub struct FieldItem {
    path: String,
    type_name: String,
    /// Every tag of the field (the chosen one included).
    tags: Vec<TagLink>,
}

pub async fn page(
    State(catalog): State<Arc<Catalog>>,
    PortalQuery(params): PortalQuery<FieldParams>,
) -> Result<Page<FieldsPage>, PortalError> {
    let tag = params.tag.trim().to_owned();
    if tag.chars().count() > MAX_TAG {
        return Err(PortalError::BadRequest(format!(
            "The tag is longer than {MAX_TAG} characters."
        )));
    }
    let index = catalog.field_index().await.map_err(failed)?;
    let snapshot = snapshot(&catalog).await?;

    // Tag counts, case-insensitively, spelled as first seen.
    let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for field in index.iter() {
        for t in &field.tags {
            counts
                .entry(t.to_lowercase())
                .or_insert_with(|| (t.clone(), 0))
                .1 += 1;
        }
    }
    let current = counts
        .get(&tag.to_lowercase())
        .map(|(spelled, _)| spelled.clone())
        .unwrap_or_else(|| tag.clone());
    let mut options_list: Vec<(String, String)> = counts
        .values()
        .map(|(spelled, n)| (spelled.clone(), format!("{spelled} ({n})")))
        .collect();
    if !tag.is_empty() && !counts.contains_key(&tag.to_lowercase()) {
        options_list.push((tag.clone(), format!("{tag} (0)")));
    }

    let mut groups: Vec<SubjectGroup> = Vec::new();
    let mut total = 0;
    let mut shown = 0;
    if !tag.is_empty() {
        // The index lists fields subject by subject, so a group ends where its subject does.
        for field in index
            .iter()
            .filter(|f| f.tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)))
        {
            total += 1;
            if shown >= MAX_ROWS {
                continue;
            }
            shown += 1;
            let item = FieldItem {
                path: field.path.clone(),
                type_name: field.type_name.clone(),
                tags: TagLink::for_fields(&field.tags),
            };
            match groups.last_mut() {
                Some(group) if group.subject == field.subject => group.fields.push(item),
                _ => {
                    let (writers, readers) = writers_and_readers(&snapshot, &field.subject);
                    groups.push(SubjectGroup {
                        subject_href: links::subject(&field.subject),
                        version_href: links::version(&field.subject, field.version),
                        subject: field.subject.clone(),
                        version: field.version,
                        fields: vec![item],
                        writers,
                        readers,
                    });
                }
            }
        }
    }
    let title = if tag.is_empty() {
        "Tagged fields".to_owned()
    } else {
        format!("Fields tagged {tag}")
    };
    Ok(ok(FieldsPage {
        chrome: Chrome::new(title.clone(), Section::None)
            .crumb("Catalog", view::overview_href())
            .here(title),
        options: view::options("Choose a tag", options_list, &current),
        tags: counts
            .into_values()
            .map(|(spelled, n)| {
                let link = TagLink {
                    href: view::fields_href(&spelled),
                    label: spelled,
                };
                (link, n)
            })
            .collect(),
        summary: format!(
            "{} in {}",
            view::count(total, "field", "fields"),
            view::count(groups.len(), "subject", "subjects")
        ),
        tally: Tally::new(total, shown, "field", "fields", false),
        groups,
        tag: current,
        action: format!("{}/catalog/fields", links::PREFIX),
    }))
}

/// The applications writing and reading a subject, as links.
fn writers_and_readers(snapshot: &Snapshot, subject: &str) -> (Vec<EntityLink>, Vec<EntityLink>) {
    let (writers, readers) = snapshot.writers_and_readers(subject);
    let links = |apps: Vec<EntityName>| -> Vec<EntityLink> {
        apps.iter()
            .map(|name| EntityLink::of(snapshot, EntityKind::Application, name))
            .collect()
    };
    (links(writers), links(readers))
}
