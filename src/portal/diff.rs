//! `/ui/subjects/{subject}/diff?from=V1&to=V2`: two versions side by side with a line diff,
//! and the compatibility engine's findings with their verdict under the subject's level.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use super::extract::{PortalPath, PortalQuery, version_param};
use super::highlight::{self, Highlighted};
use super::layout::{Chrome, Section};
use super::linediff;
use super::{Page, PortalError, PortalState, links, ok};
use crate::model::Subject;
use crate::registry::SchemaVersion;
use crate::registry::browse::{Direction, VersionDiff};

#[derive(Debug, Default, Deserialize)]
pub struct DiffParams {
    from: Option<String>,
    to: Option<String>,
    /// `1`: every line, not only the changes and their context.
    full: Option<String>,
}

/// Unchanged lines shown around each change (unless the full text is asked for).
const CONTEXT: usize = 3;

#[derive(Template)]
#[template(path = "subjects/diff.html")]
pub struct DiffPage {
    chrome: Chrome,
    subject: String,
    subject_href: String,
    form_action: String,
    from: Side,
    to: Side,
    from_options: Vec<VersionOption>,
    to_options: Vec<VersionOption>,
    level: &'static str,
    identical: bool,
    breaking: usize,
    changes: Vec<ChangeRow>,
    rows: Vec<DiffRow>,
    added: usize,
    removed: usize,
    full: bool,
    /// The same comparison with the other amount of context.
    toggle_href: String,
    /// Whether some unchanged lines are folded away.
    folded: bool,
}

pub struct Side {
    pub version: i32,
    pub href: String,
    pub schema_id: i64,
    pub schema_href: String,
    pub deleted: bool,
}

impl Side {
    fn of(version: &SchemaVersion) -> Self {
        Self {
            version: version.version,
            href: links::version(&version.subject, version.version),
            schema_id: version.schema.id,
            schema_href: links::schema(version.schema.id),
            deleted: version.deleted,
        }
    }
}

pub struct VersionOption {
    pub version: i32,
    pub selected: bool,
    pub deleted: bool,
}

pub struct ChangeRow {
    pub breaking: bool,
    pub direction: &'static str,
    pub kind: String,
    pub path: String,
    pub message: String,
}

/// One row of the side-by-side view; a side is `None` where the other has a line the
/// first lacks. A row with `folded > 0` stands for that many unchanged lines left out.
pub struct DiffRow {
    pub old: Option<DiffCell>,
    pub new: Option<DiffCell>,
    pub same: bool,
    pub folded: usize,
}

pub struct DiffCell {
    pub number: usize,
    pub html: Highlighted,
}

pub async fn page(
    State(state): State<PortalState>,
    PortalPath(subject): PortalPath<String>,
    PortalQuery(params): PortalQuery<DiffParams>,
) -> Result<Page<DiffPage>, PortalError> {
    let from = version_param("from", params.from.as_deref())?;
    let to = version_param("to", params.to.as_deref())?;
    let full = !matches!(params.full.as_deref(), None | Some("" | "0" | "false"));
    let diff = state
        .registry
        .version_diff(&Subject::new(subject), from, to)
        .await?;
    Ok(ok(DiffPage::of(&diff, full)))
}

/// Which rows to show: all of them, or the changed ones with [`CONTEXT`] rows around.
fn visible(rows: &[linediff::Row], full: bool) -> Vec<bool> {
    let mut keep = vec![full; rows.len()];
    if !full {
        for (i, _) in rows.iter().enumerate().filter(|(_, row)| !row.same) {
            let end = (i + CONTEXT + 1).min(rows.len());
            for k in keep.iter_mut().take(end).skip(i.saturating_sub(CONTEXT)) {
                *k = true;
            }
        }
    }
    keep
}

impl DiffPage {
    fn of(diff: &VersionDiff, full: bool) -> Self {
        // Nothing to fold when a version is compared with itself.
        let full = full || diff.from.version == diff.to.version;
        let subject = diff.to.subject.as_str();
        let (old, new) = (&diff.from.schema, &diff.to.schema);
        let old_text = highlight::display_text(old.schema_type, &old.canonical_text);
        let new_text = highlight::display_text(new.schema_type, &new.canonical_text);
        let old_html = highlight::highlight_lines(old.schema_type, &old_text);
        let new_html = highlight::highlight_lines(new.schema_type, &new_text);
        let ops = linediff::diff(
            &highlight::raw_lines(&old_text),
            &highlight::raw_lines(&new_text),
        );
        let cell = |lines: &[Highlighted], index: Option<usize>| {
            index.map(|i| DiffCell {
                number: i + 1,
                html: lines.get(i).cloned().unwrap_or_default(),
            })
        };
        let layout = linediff::side_by_side(&ops);
        let keep = visible(&layout, full);
        let mut rows: Vec<DiffRow> = Vec::new();
        for (row, shown) in layout.iter().zip(&keep) {
            if *shown {
                rows.push(DiffRow {
                    old: cell(&old_html, row.old),
                    new: cell(&new_html, row.new),
                    same: row.same,
                    folded: 0,
                });
            } else if let Some(last) = rows.last_mut().filter(|r| r.folded > 0) {
                last.folded += 1;
            } else {
                rows.push(DiffRow {
                    old: None,
                    new: None,
                    same: true,
                    folded: 1,
                });
            }
        }
        let folded = rows.iter().any(|r| r.folded > 0);
        let count = |pick: fn(&linediff::Op) -> bool| ops.iter().filter(|op| pick(op)).count();
        let options = |selected: i32| {
            diff.versions
                .iter()
                .rev()
                .map(|v| VersionOption {
                    version: v.version,
                    selected: v.version == selected,
                    deleted: v.deleted,
                })
                .collect()
        };
        let changes: Vec<ChangeRow> = diff
            .changes
            .iter()
            .map(|change| ChangeRow {
                breaking: change.breaking,
                direction: match change.direction {
                    Direction::NewReadsOld => "new reads old",
                    Direction::OldReadsNew => "old reads new",
                },
                kind: change.finding.kind.clone(),
                path: change.finding.path.clone(),
                message: change.finding.message.clone(),
            })
            .collect();
        Self {
            chrome: Chrome::new(
                format!("{subject}: v{} → v{}", diff.from.version, diff.to.version),
                Section::Subjects,
            )
            .crumb("Home", links::home())
            .crumb("Subjects", links::subjects())
            .crumb(subject, links::subject(subject))
            .here("Compare versions"),
            subject: subject.to_string(),
            subject_href: links::subject(subject),
            form_action: links::diff(subject, None, None),
            from: Side::of(&diff.from),
            to: Side::of(&diff.to),
            from_options: options(diff.from.version),
            to_options: options(diff.to.version),
            level: diff.compatibility.as_str(),
            identical: diff.from.version == diff.to.version,
            breaking: changes.iter().filter(|c| c.breaking).count(),
            changes,
            rows,
            added: count(|op| matches!(op, linediff::Op::Added(_))),
            removed: count(|op| matches!(op, linediff::Op::Removed(_))),
            full,
            toggle_href: {
                let base = links::diff(subject, Some(diff.from.version), Some(diff.to.version));
                if full { base } else { format!("{base}&full=1") }
            },
            folded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(same: bool) -> linediff::Row {
        linediff::Row {
            old: Some(0),
            new: Some(0),
            same,
        }
    }

    #[test]
    fn unchanged_lines_far_from_changes_fold() {
        let mut rows = vec![row(true); 20];
        rows[10] = row(false);
        let keep = visible(&rows, false);
        let shown: Vec<usize> = (0..20).filter(|i| keep[*i]).collect();
        assert_eq!(shown, (7..=13).collect::<Vec<_>>());
        assert!(visible(&rows, true).iter().all(|k| *k));
        assert!(visible(&[row(true); 5], false).iter().all(|k| !*k));
    }
}
