//! Observed usage in the portal: the "declared vs observed" panel of subject, topic, event
//! and application pages, the landscape's drift page (`/ui/drift`) and the burn-down of
//! every deprecation (`/ui/deprecations`): who still reads what is going away.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;

use super::error::PortalError;
use super::layout::{Chrome, Section};
use super::{Page, PortalState, links, ok};
use crate::catalog::calendar::{date_from_days, today};
use crate::catalog::model::EntityName;
use crate::model::Subject;
use crate::usage::drift::{self, DeclaredReader, READING, SILENT, SubjectDrift, UndeclaredReader};
use crate::usage::{Usage, UsageError};

/// A usage failure as a page: logged, the generic 500.
pub(crate) fn failed(error: UsageError) -> PortalError {
    match error {
        UsageError::NotFound(message) => PortalError::NotFound(message),
        UsageError::Registry(error) => PortalError::from(error),
        other => {
            tracing::error!(error = %other, "usage page failed");
            PortalError::Internal
        }
    }
}

/// A declared consumer as the panel lists it.
pub struct DeclaredRow {
    pub application: String,
    pub href: String,
    pub versions: String,
    pub status: &'static str,
    /// `ok`, `warning` or `danger`.
    pub tone: &'static str,
    pub last_seen: String,
    pub count: String,
    pub clients: String,
    pub outside: String,
}

impl DeclaredRow {
    fn of(reader: &DeclaredReader) -> Self {
        let (status, tone) = match reader.status.as_str() {
            READING => ("reading", "ok"),
            SILENT => ("silent", "warning"),
            _ => ("reads outside its range", "danger"),
        };
        Self {
            href: format!("/ui/applications/{}", links::segment(&reader.application)),
            application: reader.application.clone(),
            versions: reader.versions.clone(),
            status,
            tone,
            last_seen: reader
                .last_seen
                .as_deref()
                .map_or_else(|| "never".to_owned(), links::display_time),
            count: links::thousands(reader.count),
            clients: reader.clients.join(", "),
            outside: join_versions(&reader.outside_range),
        }
    }
}

/// An undeclared reader or writer.
pub struct ReaderRow {
    pub reader: String,
    /// The catalog application it runs as, when the page's reader may see it.
    pub application: Option<String>,
    pub href: Option<String>,
    pub clients: String,
    pub last_seen: String,
    pub count: String,
    pub versions: String,
}

impl ReaderRow {
    fn of(reader: &UndeclaredReader) -> Self {
        Self {
            href: reader
                .application
                .as_deref()
                .map(|app| format!("/ui/applications/{}", links::segment(app))),
            reader: reader.reader.clone(),
            application: reader.application.clone(),
            clients: reader.clients.join(", "),
            last_seen: links::display_time(&reader.last_seen),
            count: links::thousands(reader.count),
            versions: join_versions(&reader.versions_read),
        }
    }
}

fn join_versions(versions: &[i32]) -> String {
    versions
        .iter()
        .map(|v| format!("v{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One subject's declared against observed readers.
pub struct ObservedPanel {
    pub subject: String,
    pub subject_href: String,
    pub days: u32,
    pub recent_days: u32,
    pub declared: Vec<DeclaredRow>,
    pub undeclared: Vec<ReaderRow>,
    pub writers: Vec<ReaderRow>,
    pub api_href: String,
    pub drifts: bool,
}

impl ObservedPanel {
    pub fn of(drift: &SubjectDrift) -> Self {
        Self {
            subject_href: links::subject(&drift.subject),
            api_href: format!("/usage/subjects/{}", links::segment(&drift.subject)),
            subject: drift.subject.clone(),
            days: drift.days,
            recent_days: drift.recent_days,
            declared: drift.declared.iter().map(DeclaredRow::of).collect(),
            undeclared: drift.undeclared_readers.iter().map(ReaderRow::of).collect(),
            writers: drift.undeclared_writers.iter().map(ReaderRow::of).collect(),
            drifts: drift.drifts(),
        }
    }
}

/// `drifts` as the page's reader may see them: subjects it may read, applications it may
/// see (others are not named, so every link opens).
fn seen(drifts: Vec<SubjectDrift>) -> Result<Vec<SubjectDrift>, PortalError> {
    Ok(drift::seen_by(drifts, &super::sight::viewer()?))
}

/// The panels of `subjects` the page's reader may read, over the recent window.
pub async fn panels(usage: &Usage, subjects: &[String]) -> Result<Vec<ObservedPanel>, PortalError> {
    let days = usage.settings().recent_days;
    let mut drifts = Vec::new();
    for subject in subjects {
        if !super::sight::may_read_subject(subject) {
            continue;
        }
        let drift = usage
            .subject_drift(&Subject::new(subject.clone()), days)
            .await
            .map_err(failed)?;
        drifts.push(drift);
    }
    Ok(seen(drifts)?.iter().map(ObservedPanel::of).collect())
}

/// The panels of one application: its side of each subject it declares or was seen using.
pub async fn application_panels(
    usage: &Usage,
    application: &EntityName,
) -> Result<Vec<ObservedPanel>, PortalError> {
    let days = usage.settings().recent_days;
    let drifts = usage
        .application_drift(application, days)
        .await
        .map_err(failed)?;
    Ok(seen(drifts)?.iter().map(ObservedPanel::of).collect())
}

#[derive(Template)]
#[template(path = "usage/drift.html")]
pub struct DriftPage {
    chrome: Chrome,
    days: u32,
    drifting: Vec<ObservedPanel>,
    /// Subjects where both agree, with their page.
    in_step: Vec<(String, String)>,
}

/// `/ui/drift`: every subject where the catalog and the observed readers disagree.
pub async fn drift_page(State(state): State<PortalState>) -> Result<Page<DriftPage>, PortalError> {
    let days = state.usage.settings().recent_days;
    let drifts = state.usage.landscape_drift(days).await.map_err(failed)?;
    let drifts = seen(drifts)?;
    let (drifting, in_step): (Vec<&SubjectDrift>, Vec<&SubjectDrift>) =
        drifts.iter().partition(|d| d.drifts());
    Ok(ok(DriftPage {
        chrome: Chrome::new("Declared vs observed", Section::Usage)
            .crumb("Home", links::home())
            .here("Declared vs observed"),
        days,
        drifting: drifting.into_iter().map(ObservedPanel::of).collect(),
        in_step: in_step
            .into_iter()
            .map(|d| (d.subject.clone(), links::subject(&d.subject)))
            .collect(),
    }))
}

/// A day's reads in the burn-down chart.
pub struct Bar {
    pub x: usize,
    pub y: usize,
    pub height: usize,
    pub label: String,
}

/// One deprecated event's burn-down.
pub struct BurnDown {
    pub event: String,
    pub event_href: String,
    pub subject: Option<String>,
    pub subject_href: Option<String>,
    pub sunset: Option<String>,
    /// "12 days left", "3 days past its sunset".
    pub days_note: Option<String>,
    pub successor: Option<String>,
    pub successor_href: Option<String>,
    pub panel: Option<ObservedPanel>,
    pub bars: Vec<Bar>,
    pub chart_label: String,
    pub total: String,
}

/// Days in the burn-down chart, and its drawing's size.
const CHART_DAYS: i64 = 30;
const CHART_HEIGHT: usize = 48;
const BAR_WIDTH: usize = 8;

fn bars(daily: &[(i64, i64)], first_day: i64) -> (Vec<Bar>, i64) {
    let max = daily.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let mut bars = Vec::new();
    let mut total = 0;
    for (day, count) in daily {
        total += count;
        let offset = usize::try_from(day - first_day).unwrap_or(0);
        let scaled = usize::try_from(count * 46 / max).unwrap_or(0);
        let height = scaled.max(usize::from(*count > 0) * 2);
        bars.push(Bar {
            x: offset * BAR_WIDTH,
            y: CHART_HEIGHT - height,
            height,
            label: format!(
                "{}: {} reads",
                date_from_days(*day),
                links::thousands(*count)
            ),
        });
    }
    (bars, total)
}

#[derive(Template)]
#[template(path = "usage/deprecations.html")]
pub struct DeprecationsPage {
    chrome: Chrome,
    days: u32,
    chart_days: i64,
    chart_width: usize,
    chart_height: usize,
    bar_width: usize,
    events: Vec<BurnDown>,
}

/// `/ui/deprecations`: every deprecated event, who still reads it and how much.
pub async fn deprecations_page(
    State(state): State<PortalState>,
) -> Result<Page<DeprecationsPage>, PortalError> {
    let snapshot = super::catalog::snapshot(&state.catalog).await?;
    let usage: &Arc<Usage> = &state.usage;
    let days = usage.settings().recent_days;
    let today = today();
    let first_day = today - CHART_DAYS + 1;
    let mut events = Vec::new();
    for deprecation in snapshot.deprecations(today) {
        let event = deprecation.event;
        let subject = event
            .subject
            .clone()
            .filter(|s| super::sight::may_read_subject(s));
        let (panel, bars, total) = match &subject {
            Some(subject) => {
                let subject = Subject::new(subject.clone());
                let drift = usage.subject_drift(&subject, days).await.map_err(failed)?;
                let drift = drift.seen_by(&super::sight::viewer()?);
                let daily = usage
                    .daily_reads(&subject, first_day)
                    .await
                    .map_err(failed)?;
                let (bars, total) = bars(&daily, first_day);
                (Some(ObservedPanel::of(&drift)), bars, total)
            }
            None => (None, Vec::new(), 0),
        };
        let successor = event.replaced_by.as_ref().map(ToString::to_string);
        events.push(BurnDown {
            event_href: format!("/ui/events/{}", links::segment(event.name.as_str())),
            event: event.name.to_string(),
            subject_href: subject.as_deref().map(links::subject),
            subject,
            sunset: event.sunset.as_ref().map(|d| d.as_str().to_owned()),
            days_note: deprecation.days_left.map(|left| {
                if left >= 0 {
                    format!("{left} days left")
                } else {
                    format!("{} days past its sunset", -left)
                }
            }),
            // Only a successor the reader may see is linked.
            successor_href: event
                .replaced_by
                .as_ref()
                .filter(|name| snapshot.events.contains_key(*name))
                .map(|name| format!("/ui/events/{}", links::segment(name.as_str()))),
            successor,
            panel,
            chart_label: format!(
                "Reads per day over the last {CHART_DAYS} days: {} in all",
                links::thousands(total)
            ),
            total: links::thousands(total),
            bars,
        });
    }
    Ok(ok(DeprecationsPage {
        chrome: Chrome::new("Deprecations", Section::Usage)
            .crumb("Home", links::home())
            .here("Deprecations"),
        days,
        chart_days: CHART_DAYS,
        chart_width: usize::try_from(CHART_DAYS).unwrap_or(30) * BAR_WIDTH,
        chart_height: CHART_HEIGHT,
        bar_width: BAR_WIDTH - 2,
        events,
    }))
}
