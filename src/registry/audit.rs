//! The audit trail as a use case: who changed what and when, filtered and paged newest
//! first. The filter is parsed once, at the edge ([`AuditFilter::parse`]), from the query
//! parameters the portal page and the JSON API share; a bad value is an
//! [`InvalidAuditFilter`] (a 400), never a storage error.

pub mod time;

use super::{Registry, RegistryError};
use crate::model::AuditRecord;
use crate::storage::browse::{ActionMatch, AuditQuery};

pub use time::AuditTime;

/// Entries a page holds when the request does not say.
pub const DEFAULT_LIMIT: u32 = 50;

/// Entries a page holds at most; a larger `limit` is capped to this.
pub const MAX_LIMIT: u32 = 500;

/// Longest actor, subject or action filter accepted (subject names are at most 1,000
/// characters, so no longer text can match one).
const MAX_TEXT: usize = 1_000;

/// The audit trail's query parameters as they arrive: text, absent or empty when not given.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditParams<'a> {
    pub actor: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub action: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub before: Option<&'a str>,
    pub limit: Option<&'a str>,
}

/// How the action filter matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionFilter {
    /// `schema.registered`: exactly this action.
    Exact(String),
    /// `catalog.` (kept with its dot) or `catalog*` (the star dropped): every action
    /// starting with the text.
    Prefix(String),
}

impl ActionFilter {
    /// A value ending in `.` or `*` is a prefix; anything else is exact.
    fn parse(text: &str) -> Self {
        if let Some(prefix) = text.strip_suffix('*') {
            Self::Prefix(prefix.to_owned())
        } else if text.ends_with('.') {
            Self::Prefix(text.to_owned())
        } else {
            Self::Exact(text.to_owned())
        }
    }

    /// As the user writes it (and the page's links carry it).
    pub fn as_text(&self) -> String {
        match self {
            Self::Exact(action) => action.clone(),
            Self::Prefix(prefix) if prefix.ends_with('.') => prefix.clone(),
            Self::Prefix(prefix) => format!("{prefix}*"),
        }
    }
}

/// Which audit entries to list: every filter given must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// Registry changes (registrations, deletes, config and mode) to this subject.
    pub subject: Option<String>,
    pub action: Option<ActionFilter>,
    /// Entries at or after the start of this time.
    pub from: Option<AuditTime>,
    /// Entries up to the end of this time (a date takes in the whole day).
    pub to: Option<AuditTime>,
    /// The cursor: only entries older than the one with this id (`seq`).
    pub before: Option<i64>,
    /// 1..=[`MAX_LIMIT`].
    pub limit: u32,
}

impl Default for AuditFilter {
    fn default() -> Self {
        Self {
            actor: None,
            subject: None,
            action: None,
            from: None,
            to: None,
            before: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// A query parameter of the audit trail that cannot be read; the message says which and
/// how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidAuditFilter(pub String);

impl AuditFilter {
    /// Reads the query parameters; empty values count as absent.
    pub fn parse(params: &AuditParams<'_>) -> Result<Self, InvalidAuditFilter> {
        let from = time_param("from", params.from)?;
        let to = time_param("to", params.to)?;
        if let (Some(from), Some(to)) = (&from, &to)
            && from.start_millis() >= to.end_millis()
        {
            return Err(InvalidAuditFilter(format!(
                "`from` ({}) is after `to` ({}).",
                from.as_text(),
                to.as_text()
            )));
        }
        Ok(Self {
            actor: text_param("actor", params.actor)?,
            subject: text_param("subject", params.subject)?,
            action: text_param("action", params.action)?.map(|a| ActionFilter::parse(&a)),
            from,
            to,
            before: before_param(params.before)?,
            limit: limit_param(params.limit)?,
        })
    }

    /// The newest `limit` entries about one subject.
    pub fn for_subject(subject: &str, limit: u32) -> Self {
        Self {
            subject: Some(subject.to_owned()),
            limit: limit.clamp(1, MAX_LIMIT),
            ..Self::default()
        }
    }

    /// Whether any filter (not the cursor or the limit) is set.
    pub fn narrows(&self) -> bool {
        self.actor.is_some()
            || self.subject.is_some()
            || self.action.is_some()
            || self.from.is_some()
            || self.to.is_some()
    }

    /// The filters as query parameters, as the user wrote them (empty when not set), in a
    /// fixed order: what the next page's link and the form carry.
    pub fn filter_params(&self) -> [(&'static str, String); 5] {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let time = |value: &Option<AuditTime>| {
            value
                .as_ref()
                .map(|t| t.as_text().to_owned())
                .unwrap_or_default()
        };
        [
            ("actor", text(&self.actor)),
            ("subject", text(&self.subject)),
            (
                "action",
                self.action
                    .as_ref()
                    .map(ActionFilter::as_text)
                    .unwrap_or_default(),
            ),
            ("from", time(&self.from)),
            ("to", time(&self.to)),
        ]
    }
}

/// A trimmed text parameter; empty is absent.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn text_param(name: &str, value: Option<&str>) -> Result<Option<String>, InvalidAuditFilter> {
    match present(value) {
        Some(text) if text.chars().count() > MAX_TEXT => Err(InvalidAuditFilter(format!(
            "`{name}` is longer than {MAX_TEXT} characters."
        ))),
        other => Ok(other.map(str::to_owned)),
    }
}

fn time_param(name: &str, value: Option<&str>) -> Result<Option<AuditTime>, InvalidAuditFilter> {
    present(value)
        .map(|text| {
            AuditTime::parse(text).ok_or_else(|| {
                InvalidAuditFilter(format!(
                    "`{name}` must be an RFC 3339 time such as 2026-01-31T12:00:00Z (UTC unless \
                     it carries an offset) or a date such as 2026-01-31, not \"{}\".",
                    shorten(text)
                ))
            })
        })
        .transpose()
}

fn before_param(value: Option<&str>) -> Result<Option<i64>, InvalidAuditFilter> {
    present(value)
        .map(|text| match text.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(InvalidAuditFilter(format!(
                "`before` must be an audit entry id (1 or more), as the previous page's `next` \
                 gives it, not \"{}\".",
                shorten(text)
            ))),
        })
        .transpose()
}

fn limit_param(value: Option<&str>) -> Result<u32, InvalidAuditFilter> {
    match present(value) {
        None => Ok(DEFAULT_LIMIT),
        // A larger number is capped rather than refused: asking for "all" is fair.
        Some(text) if text.bytes().all(|b| b.is_ascii_digit()) => {
            match text.trim_start_matches('0') {
                "" => Err(bad_limit(text)),
                digits => Ok(digits
                    .parse::<u32>()
                    .map_or(MAX_LIMIT, |n| n.min(MAX_LIMIT))),
            }
        }
        Some(text) => Err(bad_limit(text)),
    }
}

fn bad_limit(text: &str) -> InvalidAuditFilter {
    InvalidAuditFilter(format!(
        "`limit` must be a number from 1 to {MAX_LIMIT}, not \"{}\".",
        shorten(text)
    ))
}

/// What an error message may quote of a value: its first 100 characters.
fn shorten(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(100).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// One page of the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditRecord>,
    /// The `before` cursor of the next (older) page; `None` when this page is the last.
    pub next_before: Option<i64>,
}

impl Registry {
    /// The audit entries matching `filter`, newest first, one page at a time.
    pub async fn audit_trail(&self, filter: &AuditFilter) -> Result<AuditPage, RegistryError> {
        let limit = filter.limit.clamp(1, MAX_LIMIT);
        let from = filter.from.as_ref().map(AuditTime::start_text);
        let until = filter.to.as_ref().map(AuditTime::end_text);
        let query = AuditQuery {
            actor: filter.actor.as_deref(),
            subject: filter.subject.as_deref(),
            action: filter.action.as_ref().map(|action| match action {
                ActionFilter::Exact(text) => ActionMatch::Exact(text),
                ActionFilter::Prefix(text) => ActionMatch::Prefix(text),
            }),
            from: from.as_deref(),
            until: until.as_deref(),
            before: filter.before,
            // One more than the page: whether it comes back says if there is a next page.
            limit: i64::from(limit) + 1,
        };
        let mut entries = self.store().audit_page(&query).await?;
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        let next_before = if more {
            entries.last().map(|entry| entry.seq)
        } else {
            None
        };
        Ok(AuditPage {
            entries,
            next_before,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params<'a>(pairs: &[(&str, &'a str)]) -> AuditParams<'a> {
        let get = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        AuditParams {
            actor: get("actor"),
            subject: get("subject"),
            action: get("action"),
            from: get("from"),
            to: get("to"),
            before: get("before"),
            limit: get("limit"),
        }
    }

    fn refused(pairs: &[(&str, &str)]) -> String {
        match AuditFilter::parse(&params(pairs)) {
            Err(InvalidAuditFilter(message)) => message,
            Ok(filter) => panic!("{pairs:?} was accepted as {filter:?}"),
        }
    }

    #[test]
    fn nothing_given_lists_everything_a_page_at_a_time() {
        let filter = AuditFilter::parse(&params(&[("actor", " "), ("from", "")])).expect("ok");
        assert_eq!(filter, AuditFilter::default());
        assert!(!filter.narrows());
    }

    #[test]
    fn actions_are_exact_unless_they_end_in_a_dot_or_star() {
        let action = |text| {
            AuditFilter::parse(&params(&[("action", text)]))
                .expect("ok")
                .action
        };
        assert_eq!(
            action("schema.registered"),
            Some(ActionFilter::Exact("schema.registered".into()))
        );
        assert_eq!(
            action("catalog."),
            Some(ActionFilter::Prefix("catalog.".into()))
        );
        assert_eq!(
            action("versions.deleted*"),
            Some(ActionFilter::Prefix("versions.deleted".into()))
        );
        for text in ["catalog.", "versions.deleted*", "mode.set"] {
            let parsed = action(text).expect("set");
            assert_eq!(parsed.as_text(), text, "round trip");
        }
    }

    #[test]
    fn limits_default_cap_and_refuse_nonsense() {
        let limit = |text| {
            AuditFilter::parse(&params(&[("limit", text)]))
                .map(|f| f.limit)
                .ok()
        };
        assert_eq!(limit(""), Some(DEFAULT_LIMIT));
        assert_eq!(limit("7"), Some(7));
        assert_eq!(limit("501"), Some(MAX_LIMIT));
        assert_eq!(limit("99999999999999999999999"), Some(MAX_LIMIT));
        for bad in ["0", "-1", "ten", "1.5"] {
            assert_eq!(limit(bad), None, "{bad}");
        }
    }

    #[test]
    fn cursors_are_positive_ids() {
        let before = AuditFilter::parse(&params(&[("before", "42")])).expect("ok");
        assert_eq!(before.before, Some(42));
        for bad in ["0", "-3", "abc", "1e3"] {
            assert!(refused(&[("before", bad)]).contains("`before`"), "{bad}");
        }
    }

    #[test]
    fn bad_times_say_what_is_expected() {
        let message = refused(&[("from", "last tuesday")]);
        assert!(message.contains("`from`"), "{message}");
        assert!(message.contains("last tuesday"), "{message}");
        assert!(refused(&[("to", "2026-02-30")]).contains("`to`"));
        let message = refused(&[("from", "2026-02-01"), ("to", "2026-01-31")]);
        assert!(message.contains("after"), "{message}");
    }

    #[test]
    fn one_day_is_a_valid_range() {
        let filter = AuditFilter::parse(&params(&[("from", "2026-01-31"), ("to", "2026-01-31")]))
            .expect("a day from its start to its end");
        let [.., (_, from), (_, to)] = filter.filter_params();
        assert_eq!((from.as_str(), to.as_str()), ("2026-01-31", "2026-01-31"));
    }

    #[test]
    fn overlong_text_is_refused() {
        let long = "x".repeat(MAX_TEXT + 1);
        assert!(refused(&[("subject", &long)]).contains("`subject`"));
        let message = refused(&[("from", &long)]);
        assert!(message.len() < 400, "the value is shortened: {message}");
    }
}
