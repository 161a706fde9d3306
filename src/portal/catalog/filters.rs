//! The GET forms of the catalog lists: a text query and a few exact filters, parsed once;
//! the lists keep the entities that pass.

use serde::Deserialize;

use crate::catalog::model::{EventKind, Lifecycle};
use crate::portal::PortalError;

use super::view::{self, SelectOption};

/// Longest text query accepted.
const MAX_QUERY: usize = 200;

/// Most rows one list shows; narrower filters find the rest.
pub const MAX_ROWS: usize = 1_000;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    lifecycle: String,
    #[serde(default)]
    kind: String,
}

/// A list's filters, parsed. Empty strings filter nothing.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// As typed (trimmed), for the form.
    pub q: String,
    /// Lowercase, for matching.
    needle: String,
    pub tag: String,
    pub domain: String,
    pub owner: String,
    pub lifecycle: Option<Lifecycle>,
    pub kind: Option<EventKind>,
}

const LIFECYCLES: [Lifecycle; 4] = [
    Lifecycle::Draft,
    Lifecycle::Released,
    Lifecycle::Deprecated,
    Lifecycle::Retired,
];

const KINDS: [EventKind; 3] = [EventKind::Event, EventKind::Command, EventKind::Query];

impl Filters {
    pub fn parse(params: &ListParams) -> Result<Self, PortalError> {
        let q = params.q.trim().to_owned();
        if q.chars().count() > MAX_QUERY {
            return Err(PortalError::BadRequest(format!(
                "The search text is longer than {MAX_QUERY} characters."
            )));
        }
        let lifecycle = match params.lifecycle.trim() {
            "" => None,
            text => Some(
                LIFECYCLES
                    .into_iter()
                    .find(|l| l.as_str().eq_ignore_ascii_case(text))
                    .ok_or_else(|| {
                        PortalError::BadRequest(format!(
                            "Unknown lifecycle \"{text}\": use draft, released, deprecated or retired."
                        ))
                    })?,
            ),
        };
        let kind = match params.kind.trim() {
            "" => None,
            text => Some(
                KINDS
                    .into_iter()
                    .find(|k| k.as_str().eq_ignore_ascii_case(text))
                    .ok_or_else(|| {
                        PortalError::BadRequest(format!(
                            "Unknown kind \"{text}\": use event, command or query."
                        ))
                    })?,
            ),
        };
        Ok(Self {
            needle: q.to_lowercase(),
            q,
            tag: params.tag.trim().to_owned(),
            domain: params.domain.trim().to_owned(),
            owner: params.owner.trim().to_owned(),
            lifecycle,
            kind,
        })
    }

    /// Whether any filter is set.
    pub fn any(&self) -> bool {
        !self.q.is_empty()
            || !self.tag.is_empty()
            || !self.domain.is_empty()
            || !self.owner.is_empty()
            || self.lifecycle.is_some()
            || self.kind.is_some()
    }

    /// Whether the text query matches one of `texts` (all match an empty query).
    pub fn matches_text(&self, texts: &[Option<&str>]) -> bool {
        self.needle.is_empty()
            || texts
                .iter()
                .flatten()
                .any(|text| view::contains_ci(text, &self.needle))
    }

    pub fn matches_tags(&self, tags: &[String]) -> bool {
        view::has_tag(tags, &self.tag)
    }

    /// Whether an entity's domain (or owner) is the one asked for.
    pub fn matches_domain(&self, domain: Option<&str>) -> bool {
        self.domain.is_empty() || domain == Some(self.domain.as_str())
    }

    pub fn matches_owner(&self, owner: Option<&str>) -> bool {
        self.owner.is_empty() || owner == Some(self.owner.as_str())
    }

    pub fn matches_lifecycle(&self, lifecycle: Lifecycle) -> bool {
        self.lifecycle.is_none_or(|l| l == lifecycle)
    }

    pub fn matches_kind(&self, kind: EventKind) -> bool {
        self.kind.is_none_or(|k| k == kind)
    }

    pub fn lifecycle_options(&self) -> Vec<SelectOption> {
        let current = self.lifecycle.map_or("", Lifecycle::as_str);
        view::options(
            "Any lifecycle",
            LIFECYCLES
                .iter()
                .map(|l| (l.as_str().to_owned(), capitalized(l.as_str()))),
            current,
        )
    }

    pub fn kind_options(&self) -> Vec<SelectOption> {
        let current = self.kind.map_or("", EventKind::as_str);
        view::options(
            "Any kind",
            KINDS
                .iter()
                .map(|k| (k.as_str().to_owned(), capitalized(k.as_str()))),
            current,
        )
    }
}

/// "deprecated" as "Deprecated".
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What a list page says above its table: how many match, and whether rows were cut.
pub struct Tally {
    pub total: usize,
    pub shown: usize,
    pub summary: String,
}

impl Tally {
    pub fn new(total: usize, shown: usize, one: &str, many: &str, filtered: bool) -> Self {
        let mut summary = view::count(total, one, many);
        if filtered {
            summary.push_str(if total == 1 {
                " matches the filters"
            } else {
                " match the filters"
            });
        }
        Self {
            total,
            shown,
            summary,
        }
    }

    pub fn cut(&self) -> bool {
        self.shown < self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::links;

    fn params(pairs: &[(&str, &str)]) -> ListParams {
        let query = links::query(pairs);
        serde_urlencoded_like(&query)
    }

    /// Reads a query string the way axum's `Query` does (form encoding).
    fn serde_urlencoded_like(query: &str) -> ListParams {
        let mut params = ListParams::default();
        for (key, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let value = value.into_owned();
            match key.as_ref() {
                "q" => params.q = value,
                "tag" => params.tag = value,
                "domain" => params.domain = value,
                "owner" => params.owner = value,
                "lifecycle" => params.lifecycle = value,
                "kind" => params.kind = value,
                _ => {}
            }
        }
        params
    }

    #[test]
    fn filters_parse_and_round_trip() {
        let filters = Filters::parse(&params(&[
            ("q", " Order "),
            ("lifecycle", "Deprecated"),
            ("kind", "command"),
        ]))
        .expect("valid");
        assert_eq!(filters.q, "Order");
        assert_eq!(filters.lifecycle, Some(Lifecycle::Deprecated));
        assert_eq!(filters.kind, Some(EventKind::Command));
        assert!(filters.any());
        assert!(filters.matches_text(&[None, Some("the ORDER service")]));
        assert!(!filters.matches_text(&[Some("payments")]));
    }

    #[test]
    fn bad_values_are_bad_requests() {
        assert!(matches!(
            Filters::parse(&params(&[("lifecycle", "sunset")])),
            Err(PortalError::BadRequest(_))
        ));
        assert!(matches!(
            Filters::parse(&params(&[("kind", "signal")])),
            Err(PortalError::BadRequest(_))
        ));
        let long = "x".repeat(201);
        assert!(matches!(
            Filters::parse(&params(&[("q", &long)])),
            Err(PortalError::BadRequest(_))
        ));
    }

    #[test]
    fn empty_filters_match_everything() {
        let filters = Filters::parse(&ListParams::default()).expect("valid");
        assert!(!filters.any());
        assert!(filters.matches_text(&[]));
        assert!(filters.matches_tags(&[]));
        assert!(filters.matches_domain(None));
        assert!(filters.matches_owner(Some("x")));
        assert!(filters.matches_lifecycle(Lifecycle::Retired));
    }

    #[test]
    fn tallies_read_well() {
        assert_eq!(
            Tally::new(1, 1, "topic", "topics", true).summary,
            "1 topic matches the filters"
        );
        assert_eq!(
            Tally::new(3, 3, "topic", "topics", false).summary,
            "3 topics"
        );
        assert!(Tally::new(1_200, 1_000, "topic", "topics", false).cut());
    }
}
