//! Days: the catalog's dates (`YYYY-MM-DD` sunsets) as days since 1970-01-01, and today
//! (UTC), so "days to sunset" is one subtraction.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::registry::audit::time::{civil_from_days, days_from_civil, format_millis};

/// Today, in days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(seconds / 86_400).unwrap_or(0)
}

/// `YYYY-MM-DD` in days since 1970-01-01 (proleptic Gregorian calendar).
pub fn days_from_date(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Days since 1970-01-01 as `YYYY-MM-DD`.
pub fn date_from_days(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Milliseconds since the epoch as RFC 3339 UTC (`2026-12-08T09:30:05.120Z`).
pub fn rfc3339_from_millis(ms: i64) -> String {
    format_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_turn_back_into_the_dates_they_came_from() {
        for date in [
            "1970-01-01",
            "2000-02-29",
            "2000-03-01",
            "2024-12-31",
            "2027-03-31",
        ] {
            let days = days_from_date(date).unwrap_or(i64::MIN);
            assert_eq!(date_from_days(days), date);
        }
        // 2026-12-08T09:30:05.999Z
        let ms = (days_from_date("2026-12-08").unwrap_or(0) * 86_400 + 9 * 3600 + 30 * 60 + 5)
            * 1000
            + 999;
        assert_eq!(rfc3339_from_millis(ms), "2026-12-08T09:30:05.999Z");
    }

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(days_from_date("1970-01-01"), Some(0));
        assert_eq!(days_from_date("1970-01-02"), Some(1));
        assert_eq!(days_from_date("2000-03-01"), Some(11_017));
        assert_eq!(days_from_date("2024-02-29"), Some(19_782));
        assert_eq!(
            days_from_date("2027-03-31")
                .zip(days_from_date("2026-11-24"))
                .map(|(a, b)| a - b),
            Some(127)
        );
        assert_eq!(days_from_date("2027-13-01"), None);
        assert_eq!(days_from_date("soon"), None);
    }

    #[test]
    fn today_is_after_this_code_was_written() {
        assert!(today() > days_from_date("2026-11-24").unwrap_or(i64::MAX));
    }
}
