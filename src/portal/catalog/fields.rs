//! `/ui/catalog/fields?tag=PII`: which fields carry a tag, and who writes and reads them.
//! Without a tag: every field tag in use, with how many fields carry it.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use crate::catalog::Catalog;
use crate::catalog::model::{EntityKind, EntityName};
use crate::catalog::snapshot::Snapshot;
use crate::catalog::tally::{self, TagCount, TaggedGroup};
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
    let viewer = crate::portal::sight::viewer()?;
    let index = catalog.field_index_for(&viewer).await.map_err(failed)?;
    let snapshot = snapshot(&catalog).await?;
    let counts = tally::tag_counts(&index);
    let (groups, total) = if tag.is_empty() {
        (Vec::new(), 0)
    } else {
        tally::tagged_groups(&index, &tag, MAX_ROWS)
    };
    Ok(ok(FieldsPage::new(&snapshot, tag, counts, &groups, total)))
}

impl FieldsPage {
    fn new(
        snapshot: &Snapshot,
        tag: String,
        counts: Vec<TagCount>,
        groups: &[TaggedGroup<'_>],
        total: usize,
    ) -> Self {
        let known = counts
            .iter()
            .find(|c| c.tag.to_lowercase() == tag.to_lowercase());
        let current = known.map_or_else(|| tag.clone(), |c| c.tag.clone());
        let mut options_list: Vec<(String, String)> = counts
            .iter()
            .map(|c| (c.tag.clone(), format!("{} ({})", c.tag, c.fields)))
            .collect();
        if !tag.is_empty() && known.is_none() {
            options_list.push((tag.clone(), format!("{tag} (0)")));
        }
        let groups: Vec<SubjectGroup> = groups
            .iter()
            .map(|group| SubjectGroup::of(snapshot, group))
            .collect();
        let shown = groups.iter().map(|g| g.fields.len()).sum();
        let title = if tag.is_empty() {
            "Tagged fields".to_owned()
        } else {
            format!("Fields tagged {tag}")
        };
        Self {
            chrome: Chrome::new(title.clone(), Section::None)
                .crumb("Catalog", view::overview_href())
                .here(title),
            options: view::options("Choose a tag", options_list, &current),
            tags: counts
                .into_iter()
                .map(|c| {
                    let link = TagLink {
                        href: view::fields_href(&c.tag),
                        label: c.tag,
                    };
                    (link, c.fields)
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
        }
    }
}

impl SubjectGroup {
    fn of(snapshot: &Snapshot, group: &TaggedGroup<'_>) -> Self {
        let (writers, readers) = writers_and_readers(snapshot, group.subject);
        Self {
            subject: group.subject.to_owned(),
            subject_href: links::subject(group.subject),
            version: group.version,
            version_href: links::version(group.subject, group.version),
            fields: group
                .fields
                .iter()
                .map(|field| FieldItem {
                    path: field.path.clone(),
                    type_name: field.type_name.clone(),
                    tags: TagLink::for_fields(&field.tags),
                })
                .collect(),
            writers,
            readers,
        }
    }
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
