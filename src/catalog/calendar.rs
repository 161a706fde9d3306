//! Days: the catalog's dates (`YYYY-MM-DD` sunsets) as days since 1970-01-01, and today
//! (UTC), so "days to sunset" is one subtraction.

use std::time::{SystemTime, UNIX_EPOCH};

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
    // Years start in March, so the leap day is the last day of the year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

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
