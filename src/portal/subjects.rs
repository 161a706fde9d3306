//! `/ui/subjects`: every subject with a live version, filtered by name, format and
//! compatibility level through a GET form, 50 to a page.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use super::extract::PortalQuery;
use super::layout::{Chrome, Section};
use super::{Page, PortalError, PortalState, links, ok};
use crate::registry::browse::{ListedSubject, SubjectQuery};
use crate::schema::SchemaType;
use crate::schema::compat::CompatibilityLevel;

pub const PAGE_SIZE: u32 = 50;

/// Longest name filter accepted.
const MAX_NAME: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    name: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    compatibility: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    page: Option<String>,
}

/// The list's filters, parsed.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub name: String,
    pub format: Option<SchemaType>,
    pub compatibility: Option<CompatibilityLevel>,
    /// A field-level or catalog tag, any case.
    pub tag: String,
    pub page: u32,
}

impl Filters {
    pub fn parse(params: &ListParams) -> Result<Self, PortalError> {
        let name = params.name.trim().to_string();
        if name.chars().count() > MAX_NAME {
            return Err(PortalError::BadRequest(format!(
                "The name filter is longer than {MAX_NAME} characters."
            )));
        }
        let tag = params.tag.trim().to_string();
        if tag.chars().count() > MAX_NAME {
            return Err(PortalError::BadRequest(format!(
                "The tag filter is longer than {MAX_NAME} characters."
            )));
        }
        let format = match params.format.trim() {
            "" => None,
            text => Some(
                SchemaType::parse(&text.to_ascii_uppercase()).ok_or_else(|| {
                    PortalError::BadRequest(format!(
                        "Unknown format \"{text}\": use AVRO, PROTOBUF or JSON."
                    ))
                })?,
            ),
        };
        let compatibility = match params.compatibility.trim() {
            "" => None,
            text => Some(text.parse().map_err(|_| {
                PortalError::BadRequest(format!(
                    "Unknown compatibility level \"{text}\": use one of {}.",
                    level_names().join(", ")
                ))
            })?),
        };
        let page = match params.page.as_deref().map(str::trim).unwrap_or("") {
            "" => 1,
            text => match text.parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(PortalError::BadRequest(format!(
                        "`page` must be a page number (1 or more), not \"{text}\"."
                    )));
                }
            },
        };
        Ok(Self {
            name,
            format,
            compatibility,
            tag,
            page,
        })
    }

    fn any(&self) -> bool {
        !self.name.is_empty()
            || self.format.is_some()
            || self.compatibility.is_some()
            || !self.tag.is_empty()
    }

    /// This list's URL at another page.
    fn href(&self, page: u32) -> String {
        let page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        format!(
            "{}{}",
            links::subjects(),
            links::query(&[
                ("name", &self.name),
                ("format", self.format.map_or("", SchemaType::as_str)),
                (
                    "compatibility",
                    self.compatibility.map_or("", CompatibilityLevel::as_str)
                ),
                ("tag", &self.tag),
                ("page", &page),
            ])
        )
    }
}

fn level_names() -> Vec<&'static str> {
    CompatibilityLevel::ALL.iter().map(|l| l.as_str()).collect()
}

pub struct SelectOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "subjects/list.html")]
pub struct SubjectsPage {
    chrome: Chrome,
    name: String,
    tag: String,
    formats: Vec<SelectOption>,
    levels: Vec<SelectOption>,
    filtered: bool,
    rows: Vec<SubjectRow>,
    total: String,
    total_is_one: bool,
    page: u32,
    pages: u32,
    first_href: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    clear_href: String,
}

pub struct SubjectRow {
    pub name: String,
    pub href: String,
    pub format_label: &'static str,
    pub format_class: &'static str,
    pub latest_version: i32,
    pub latest_href: String,
    pub versions: i64,
    pub compatibility: &'static str,
    /// Whether the level is the subject's own (not the global default).
    pub own_level: bool,
    pub updated_at: String,
    pub updated_display: String,
}

impl SubjectRow {
    pub fn of(listed: &ListedSubject) -> Self {
        let summary = &listed.summary;
        Self {
            href: links::subject(&summary.subject),
            latest_href: links::version(&summary.subject, summary.latest_version),
            name: summary.subject.clone(),
            format_label: links::format_label(summary.schema_type),
            format_class: links::format_class(summary.schema_type),
            latest_version: summary.latest_version,
            versions: summary.live_versions,
            compatibility: listed.compatibility.as_str(),
            own_level: summary.own_compatibility.is_some(),
            updated_display: links::display_time(&summary.updated_at),
            updated_at: summary.updated_at.clone(),
        }
    }
}

pub async fn list(
    State(state): State<PortalState>,
    PortalQuery(params): PortalQuery<ListParams>,
) -> Result<Page<SubjectsPage>, PortalError> {
    let filters = Filters::parse(&params)?;
    let viewer = super::sight::viewer()?;
    let tagged = if filters.tag.is_empty() {
        None
    } else {
        Some(
            state
                .catalog
                .subjects_tagged(&filters.tag)
                .await
                .map_err(super::catalog::failed)?,
        )
    };
    let only = super::sight::narrowed(
        tagged,
        super::sight::readable_subjects(&state.registry, &viewer).await?,
    );
    let listing = state
        .registry
        .browse_subjects(&SubjectQuery {
            name: filters.name.clone(),
            schema_type: filters.format,
            compatibility: filters.compatibility,
            only,
            page: filters.page,
            page_size: PAGE_SIZE,
        })
        .await?;
    Ok(ok(SubjectsPage {
        chrome: Chrome::new("Subjects", Section::Subjects)
            .crumb("Home", links::home())
            .here("Subjects"),
        formats: format_options(filters.format),
        levels: level_options(filters.compatibility),
        filtered: filters.any(),
        rows: listing.rows.iter().map(SubjectRow::of).collect(),
        total: links::thousands(listing.total),
        total_is_one: listing.total == 1,
        page: listing.page,
        pages: listing.pages,
        first_href: filters.href(1),
        prev_href: (listing.page > 1)
            .then(|| filters.href(listing.page.min(listing.pages + 1) - 1)),
        next_href: (listing.page < listing.pages).then(|| filters.href(listing.page + 1)),
        clear_href: links::subjects(),
        tag: filters.tag.clone(),
        name: filters.name,
    }))
}

fn format_options(selected: Option<SchemaType>) -> Vec<SelectOption> {
    let mut options = vec![SelectOption {
        value: "",
        label: "Any format",
        selected: selected.is_none(),
    }];
    options.extend(
        [SchemaType::Avro, SchemaType::Protobuf, SchemaType::Json].map(|t| SelectOption {
            value: t.as_str(),
            label: links::format_label(t),
            selected: selected == Some(t),
        }),
    );
    options
}

fn level_options(selected: Option<CompatibilityLevel>) -> Vec<SelectOption> {
    let mut options = vec![SelectOption {
        value: "",
        label: "Any level",
        selected: selected.is_none(),
    }];
    options.extend(CompatibilityLevel::ALL.map(|level| SelectOption {
        value: level.as_str(),
        label: level.as_str(),
        selected: selected == Some(level),
    }));
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(name: &str, format: &str, level: &str, page: Option<&str>) -> ListParams {
        ListParams {
            name: name.into(),
            format: format.into(),
            compatibility: level.into(),
            tag: String::new(),
            page: page.map(Into::into),
        }
    }

    #[test]
    fn filters_parse_leniently_but_refuse_nonsense() {
        let f =
            Filters::parse(&params(" ord ", "avro", "full_transitive", Some("3"))).expect("valid");
        assert_eq!(f.name, "ord");
        assert_eq!(f.format, Some(SchemaType::Avro));
        assert_eq!(f.compatibility, Some(CompatibilityLevel::FullTransitive));
        assert_eq!(f.page, 3);
        assert!(Filters::parse(&params("", "", "", None)).is_ok());
        for bad in [
            params("", "XML", "", None),
            params("", "", "SIDEWAYS", None),
            params("", "", "", Some("0")),
            params("", "", "", Some("two")),
        ] {
            assert!(matches!(
                Filters::parse(&bad),
                Err(PortalError::BadRequest(_))
            ));
        }
    }

    #[test]
    fn page_links_keep_the_filters() {
        let f = Filters::parse(&params("a b", "JSON", "", None)).expect("valid");
        assert_eq!(f.href(2), "/ui/subjects?name=a+b&format=JSON&page=2");
        assert_eq!(f.href(1), "/ui/subjects?name=a+b&format=JSON");
    }
}
