//! The times of the audit trail's range: RFC 3339 as people type it, read to milliseconds
//! in UTC, and written back in the stored format (`2026-01-02T03:04:05.678Z`).
//!
//! A time stands for the whole of the unit it is written to: `2026-01-31` is that day,
//! `2026-01-31T12:00` that minute, `…T12:00:05` that second, `…T12:00:05.1` those 100 ms.
//! So `to=2026-01-31` takes in all of the 31st, and `from`/`to` can both be one day.

const MS_PER_DAY: i64 = 86_400_000;

/// A point in time as the user wrote it, with the span it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditTime {
    /// As written (trimmed), for links and the form.
    text: String,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    start: i64,
    /// Milliseconds the written unit lasts (a day, minute, second or fraction).
    span: i64,
}

impl AuditTime {
    /// `YYYY-MM-DD`, or that followed by `T` (or a space) and `HH:MM[:SS[.fraction]]` and
    /// an optional `Z` or `±HH:MM` (without one, UTC). Anything else, or a date or time
    /// that does not exist, is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let days = date(text.get(..10)?)?;
        let (start, span) = match text.get(10..)? {
            "" => (days * MS_PER_DAY, MS_PER_DAY),
            rest => {
                let rest = rest.strip_prefix(['T', 't', ' '])?;
                let (of_day, span, offset) = time_of_day(rest)?;
                (days * MS_PER_DAY + of_day - offset, span)
            }
        };
        Some(Self {
            text: text.to_owned(),
            start,
            span,
        })
    }

    /// As the user wrote it.
    pub fn as_text(&self) -> &str {
        &self.text
    }

    /// The first millisecond the time stands for.
    pub fn start_millis(&self) -> i64 {
        self.start
    }

    /// The millisecond after the last one it stands for.
    pub fn end_millis(&self) -> i64 {
        self.start + self.span
    }

    /// [`start_millis`](Self::start_millis) in the stored format.
    pub fn start_text(&self) -> String {
        format_millis(self.start)
    }

    /// [`end_millis`](Self::end_millis) in the stored format.
    pub fn end_text(&self) -> String {
        format_millis(self.end_millis())
    }
}

/// `YYYY-MM-DD` (a day that exists) as days since 1970-01-01.
fn date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = digits(&text[..4])?;
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// `HH:MM[:SS[.fraction]][Z|±HH:MM]` as (milliseconds into the day, span, offset in ms).
fn time_of_day(text: &str) -> Option<(i64, i64, i64)> {
    let (clock, offset) = split_offset(text)?;
    let (whole, fraction) = match clock.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (clock, None),
    };
    let mut parts = whole.split(':');
    let hour = two_digits(parts.next()?)?;
    let minute = two_digits(parts.next()?)?;
    let second = parts.next().map(two_digits);
    if parts.next().is_some() || hour > 23 || minute > 59 {
        return None;
    }
    let (second, mut span) = match second {
        None if fraction.is_none() => (0, 60_000),
        None => return None,
        Some(second) => (second?, 1_000),
    };
    // A leap second (:60) is refused: the stored times never hold one.
    if second > 59 {
        return None;
    }
    let mut millis = ((hour * 60 + minute) * 60 + second) * 1_000;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Milliseconds are what is stored; finer digits narrow nothing further.
        let shown = &fraction[..fraction.len().min(3)];
        let scale = 10_i64.pow(3 - u32::try_from(shown.len()).ok()?);
        millis += digits(shown)? * scale;
        span = scale;
    }
    Some((millis, span, offset))
}

/// Splits `Z`, `±HH:MM` or nothing off the end; the offset in milliseconds east of UTC.
fn split_offset(text: &str) -> Option<(&str, i64)> {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let sign_at = text.rfind(['+', '-']);
    let Some(at) = sign_at else {
        return Some((text, 0));
    };
    let (clock, zone) = text.split_at(at);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let (hours, minutes) = zone.get(1..)?.split_once(':')?;
    let (hours, minutes) = (two_digits(hours)?, two_digits(minutes)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((clock, sign * (hours * 60 + minutes) * 60_000))
}

fn two_digits(text: &str) -> Option<i64> {
    if text.len() == 2 { digits(text) } else { None }
}

/// ASCII digits only (no sign, no spaces) as a number.
fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date. Counting years from March puts the
/// leap day last, so each 400-year era has the same shape.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let march_month = (month + 9) % 12;
    let day_of_year = (153 * march_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The earliest and latest times written: four-digit years (text order is time order) and
/// none before year 1 (PostgreSQL has no year 0).
const MIN_MILLIS: i64 = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
const MAX_MILLIS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/// Milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`, within years 1 to 9999.
pub fn format_millis(millis: i64) -> String {
    let millis = millis.clamp(MIN_MILLIS, MAX_MILLIS);
    let (year, month, day) = civil_from_days(millis.div_euclid(MS_PER_DAY));
    let of_day = millis.rem_euclid(MS_PER_DAY);
    let (seconds, ms) = (of_day / 1_000, of_day % 1_000);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        seconds / 3_600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> Option<(String, String)> {
        AuditTime::parse(text).map(|t| (t.start_text(), t.end_text()))
    }

    fn pair(start: &str, end: &str) -> Option<(String, String)> {
        Some((start.to_owned(), end.to_owned()))
    }

    #[test]
    fn a_date_is_the_whole_day() {
        assert_eq!(
            range("2026-01-31"),
            pair("2026-01-31T00:00:00.000Z", "2026-02-01T00:00:00.000Z")
        );
        assert_eq!(
            range("2024-02-29"),
            pair("2024-02-29T00:00:00.000Z", "2024-03-01T00:00:00.000Z")
        );
        assert_eq!(
            range("1999-12-31"),
            pair("1999-12-31T00:00:00.000Z", "2000-01-01T00:00:00.000Z")
        );
    }

    #[test]
    fn a_time_is_the_unit_it_is_written_to() {
        assert_eq!(
            range("2026-01-31T12:00"),
            pair("2026-01-31T12:00:00.000Z", "2026-01-31T12:01:00.000Z")
        );
        assert_eq!(
            range("2026-01-31 23:59:59Z"),
            pair("2026-01-31T23:59:59.000Z", "2026-02-01T00:00:00.000Z")
        );
        assert_eq!(
            range("2026-01-31T12:00:05.1Z"),
            pair("2026-01-31T12:00:05.100Z", "2026-01-31T12:00:05.200Z")
        );
        assert_eq!(
            range("2026-01-31T12:00:05.123456Z"),
            pair("2026-01-31T12:00:05.123Z", "2026-01-31T12:00:05.124Z")
        );
    }

    #[test]
    fn offsets_move_the_time_to_utc() {
        assert_eq!(
            range("2026-03-01T01:30:00+02:00").map(|r| r.0),
            Some("2026-02-28T23:30:00.000Z".to_owned())
        );
        assert_eq!(
            range("2026-12-31T22:00:00-05:30").map(|r| r.0),
            Some("2027-01-01T03:30:00.000Z".to_owned())
        );
        assert_eq!(
            range("2026-01-31t12:00:00z").map(|r| r.0),
            Some("2026-01-31T12:00:00.000Z".to_owned())
        );
    }

    #[test]
    fn the_stored_format_reads_back_as_itself() {
        let stored = "2026-11-24T08:52:03.871Z";
        assert_eq!(range(stored), pair(stored, "2026-11-24T08:52:03.872Z"));
    }

    #[test]
    fn nonsense_and_days_that_do_not_exist_are_refused() {
        for bad in [
            "",
            "yesterday",
            "2026-1-31",
            "2026-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-01-31T",
            "2026-01-31T24:00",
            "2026-01-31T12:60",
            "2026-01-31T12:00:60",
            "2026-01-31T12",
            "2026-01-31T12:00.5",
            "2026-01-31T12:00:00.",
            "2026-01-31T12:00:00.5x",
            "2026-01-31T12:00:00+2",
            "2026-01-31T12:00:00+24:00",
            "2026-01-31X12:00",
            "+026-01-31",
            "2026-01-31T1é:00",
            "2026-01-3é",
        ] {
            assert_eq!(AuditTime::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn days_and_dates_convert_both_ways() {
        for (date, days) in [
            ((1970, 1, 1), 0),
            ((2000, 3, 1), 11_017),
            ((2024, 2, 29), 19_782),
            ((1969, 12, 31), -1),
            ((1, 1, 1), -719_162),
        ] {
            assert_eq!(days_from_civil(date.0, date.1, date.2), days);
            assert_eq!(civil_from_days(days), date);
        }
    }

    #[test]
    fn written_times_stay_within_four_digit_years() {
        assert_eq!(format_millis(MIN_MILLIS - 1), "0001-01-01T00:00:00.000Z");
        assert_eq!(format_millis(MAX_MILLIS + 5), "9999-12-31T23:59:59.999Z");
        assert_eq!(
            range("9999-12-31").map(|r| r.1),
            Some("9999-12-31T23:59:59.999Z".to_owned())
        );
    }
}
