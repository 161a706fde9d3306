//! `/ui/schemas/{id}`: a schema by global id and the subject versions that use it.

use askama::Template;
use axum::extract::State;

use super::extract::PortalPath;
use super::highlight::{self, Highlighted};
use super::layout::{Chrome, Section};
use super::subject::{ReferenceLink, VersionRef};
use super::{Page, PortalError, PortalState, links, ok};

#[derive(Template)]
#[template(path = "schemas/schema.html")]
pub struct SchemaPage {
    chrome: Chrome,
    id: i64,
    format_label: &'static str,
    format_class: &'static str,
    code: Highlighted,
    line_count: usize,
    usages: Vec<VersionRef>,
    references: Vec<ReferenceLink>,
    download_href: Option<String>,
    api_href: String,
}

pub async fn page(
    State(state): State<PortalState>,
    PortalPath(id): PortalPath<String>,
) -> Result<Page<SchemaPage>, PortalError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| PortalError::NotFound(format!("There is no schema \"{id}\".")))?;
    let usage = state.registry.schema_usage(id).await?;
    let schema = &usage.schema;
    let (code, line_count) = highlight::schema_block(schema.schema_type, &schema.canonical_text);
    Ok(ok(SchemaPage {
        chrome: Chrome::new(format!("Schema {id}"), Section::Subjects)
            .crumb("Home", links::home())
            .crumb("Subjects", links::subjects())
            .here(format!("Schema {id}")),
        id,
        format_label: links::format_label(schema.schema_type),
        format_class: links::format_class(schema.schema_type),
        code,
        line_count,
        download_href: usage
            .versions
            .iter()
            .find(|v| super::sight::may_read_subject(&v.subject))
            .map(|v| links::download(&v.subject, v.version)),
        usages: VersionRef::readable(&usage.versions),
        references: schema.references.iter().map(ReferenceLink::of).collect(),
        api_href: links::api_schema(id),
    }))
}
