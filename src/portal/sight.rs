//! What the reader of a page may see. The front door's guard sets the request's viewer;
//! pages list only what it may read, through the catalog's [`Sight`] and the readable
//! subjects below.

use crate::access::{Role, Viewer};
use crate::catalog::model::EntityKind;
use crate::registry::{AuditRecord, DeletedFilter, Registry};

use super::PortalError;

/// The viewer of the page being rendered. The guard sets one on every portal route; a page
/// rendered without one is a wiring mistake, and it fails closed.
pub fn viewer() -> Result<Viewer, PortalError> {
    Viewer::current().ok_or_else(|| {
        tracing::error!("a portal page was rendered without a viewer");
        PortalError::Internal
    })
}

/// `href` when the page's reader may open the audit trail (an administrator of
/// everything), else None: pages offer only links that open.
pub fn audit_link(href: String) -> Option<String> {
    Viewer::current()
        .is_some_and(|viewer| viewer.holds_everywhere(Role::Admin))
        .then_some(href)
}

/// Whether the page's reader may read `subject` (no reader: no).
pub fn may_read_subject(subject: &str) -> bool {
    Viewer::current().is_some_and(|viewer| viewer.may_read(subject))
}

/// The live subjects `viewer` may read, or None when it may read every subject (the
/// listings then need no filter).
pub async fn readable_subjects(
    registry: &Registry,
    viewer: &Viewer,
) -> Result<Option<Vec<String>>, PortalError> {
    if viewer.holds_everywhere(Role::Read) {
        return Ok(None);
    }
    let subjects = registry.subjects("", DeletedFilter::default()).await?;
    Ok(Some(
        subjects
            .into_iter()
            .filter(|s| viewer.may_read(s))
            .collect(),
    ))
}

/// `only` narrowed to what `readable` allows (either may be "no limit").
pub fn narrowed(only: Option<Vec<String>>, readable: Option<Vec<String>>) -> Option<Vec<String>> {
    match (only, readable) {
        (Some(only), Some(readable)) => {
            Some(only.into_iter().filter(|s| readable.contains(s)).collect())
        }
        (only, None) => only,
        (None, readable) => readable,
    }
}

/// Whether an audit entry is about something `viewer` may read: a subject, a catalog
/// entity, or (for global settings and anything else) everything.
pub fn may_see_change(viewer: &Viewer, entry: &AuditRecord) -> bool {
    if viewer.holds_everywhere(Role::Read) {
        return true;
    }
    match entry.action.split('.').next() {
        _ if entry.target == crate::model::GLOBAL_SCOPE => false,
        Some("schema" | "versions" | "config" | "mode") => viewer.may_read(&entry.target),
        Some("catalog") => entry
            .target
            .split_once('/')
            .and_then(|(kind, name)| Some((EntityKind::parse(kind)?, name)))
            .is_some_and(|(kind, name)| viewer.may_entity(Role::Read, kind, name)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Option<Vec<String>> {
        Some(items.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn narrowing_keeps_only_what_both_allow() {
        assert_eq!(narrowed(list(&["a", "b"]), list(&["b", "c"])), list(&["b"]));
        assert_eq!(narrowed(None, list(&["c"])), list(&["c"]));
        assert_eq!(narrowed(list(&["a"]), None), list(&["a"]));
        assert_eq!(narrowed(None, None), None);
    }
}
