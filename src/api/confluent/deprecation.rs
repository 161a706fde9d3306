//! The deprecation headers of the Confluent API: an answer about a deprecated event's
//! subject (or a schema id only such subjects use) carries `Deprecation` (RFC 9745, the
//! date it was deprecated), `Sunset` (RFC 8594, when it goes away) and `Link`s to the
//! replacement's latest version (`rel="successor-version"`) and to the event's portal page
//! (`rel="deprecation"`). The headers are built once per catalog or registry change, so
//! adding them costs a map lookup; the fast lane uses them only while they are fresh.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::http::header::{HeaderName, HeaderValue};
use axum::http::{HeaderMap, header};

use crate::catalog::Catalog;
use crate::catalog::notices::{DeprecationNotice, Notices};
use crate::portal::links::segment;
use crate::registry::audit::time::civil_from_days;

pub const DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
pub const SUNSET: HeaderName = HeaderName::from_static("sunset");

/// Ready header values of one deprecated event.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeHeaders(Vec<(HeaderName, HeaderValue)>);

impl NoticeHeaders {
    fn of(notice: &DeprecationNotice) -> Self {
        let mut headers = Vec::with_capacity(3);
        let value = |text: String| HeaderValue::try_from(text).ok();
        if let Some(v) = value(format!("@{}", notice.deprecated_at)) {
            headers.push((DEPRECATION, v));
        }
        if let Some(v) = notice.sunset_day.map(http_date).and_then(value) {
            headers.push((SUNSET, v));
        }
        let mut links = Vec::with_capacity(2);
        if let Some(successor) = &notice.successor_subject {
            links.push(format!(
                "</subjects/{}/versions/latest>; rel=\"successor-version\"",
                segment(successor)
            ));
        }
        links.push(format!(
            "</ui/events/{}>; rel=\"deprecation\"; type=\"text/html\"",
            segment(notice.event.as_str())
        ));
        if let Some(v) = value(links.join(", ")) {
            headers.push((header::LINK, v));
        }
        Self(headers)
    }

    /// Adds the headers to an answer (after what it carries already).
    pub fn add_to(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.0 {
            headers.append(name.clone(), value.clone());
        }
    }
}

/// Midnight UTC of `day` (days since the epoch) as an IMF-fixdate
/// (`Wed, 31 Mar 2027 00:00:00 GMT`), the form `Sunset` takes.
pub fn http_date(day: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, month, day_of_month) = civil_from_days(day);
    let month_index = usize::try_from(month - 1).unwrap_or(0) % 12;
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[usize::try_from(day.rem_euclid(7)).unwrap_or(0)];
    format!(
        "{weekday}, {day_of_month:02} {} {year:04} 00:00:00 GMT",
        MONTHS[month_index]
    )
}

/// The headers of every deprecated subject and id.
#[derive(Debug, Default)]
pub struct Table {
    by_subject: HashMap<String, Arc<NoticeHeaders>>,
    by_id: HashMap<i64, Arc<NoticeHeaders>>,
}

impl Table {
    fn of(notices: &Notices) -> Self {
        let mut built: HashMap<*const DeprecationNotice, Arc<NoticeHeaders>> = HashMap::new();
        let mut headers_of = |notice: &Arc<DeprecationNotice>| {
            built
                .entry(Arc::as_ptr(notice))
                .or_insert_with(|| Arc::new(NoticeHeaders::of(notice)))
                .clone()
        };
        let by_subject = notices
            .by_subject
            .iter()
            .map(|(subject, notice)| (subject.clone(), headers_of(notice)))
            .collect();
        let by_id = notices
            .by_id
            .iter()
            .map(|(id, notice)| (*id, headers_of(notice)))
            .collect();
        Self { by_subject, by_id }
    }

    pub fn is_empty(&self) -> bool {
        self.by_subject.is_empty()
    }

    pub fn for_subject(&self, subject: &str) -> Option<&NoticeHeaders> {
        self.by_subject.get(subject).map(Arc::as_ref)
    }

    pub fn for_id(&self, id: i64) -> Option<&NoticeHeaders> {
        if self.by_id.is_empty() {
            return None;
        }
        self.by_id.get(&id).map(Arc::as_ref)
    }
}

/// The table, rebuilt when the registry generation (which every catalog and registry
/// change moves on) differs from the one it was built at.
#[derive(Default)]
pub struct Deprecations {
    current: RwLock<Option<(u64, Arc<Table>)>>,
}

impl Deprecations {
    /// Runs `f` on the table if it was built at `generation`; `None` when it is stale.
    pub fn with_fresh<R>(&self, generation: u64, f: impl FnOnce(&Table) -> R) -> Option<R> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        match current.as_ref() {
            Some((built_at, table)) if *built_at == generation => Some(f(table)),
            _ => None,
        }
    }

    /// The table as of `generation`, rebuilt from the catalog when stale. A failure to
    /// read the catalog is logged and answers no headers (never a failed answer).
    pub async fn current(&self, catalog: &Catalog, generation: u64) -> Arc<Table> {
        let fresh = {
            let current = self.current.read().unwrap_or_else(|e| e.into_inner());
            current
                .as_ref()
                .filter(|(built_at, _)| *built_at == generation)
                .map(|(_, table)| table.clone())
        };
        if let Some(table) = fresh {
            return table;
        }
        match catalog.deprecation_notices().await {
            Ok(notices) => {
                let table = Arc::new(Table::of(&notices));
                *self.current.write().unwrap_or_else(|e| e.into_inner()) =
                    Some((generation, table.clone()));
                table
            }
            Err(error) => {
                tracing::warn!(%error, "could not read the deprecations: answering without their headers");
                Arc::new(Table::default())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::calendar::days_from_date;

    #[test]
    fn sunsets_are_imf_fixdates() {
        let day = |d: &str| days_from_date(d).unwrap_or(0);
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            http_date(day("2027-03-31")),
            "Wed, 31 Mar 2027 00:00:00 GMT"
        );
        assert_eq!(
            http_date(day("2026-12-08")),
            "Tue, 08 Dec 2026 00:00:00 GMT"
        );
    }
}
