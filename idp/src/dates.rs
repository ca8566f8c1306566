//! Dates and times as people read them, the one formatter of the pages, the
//! messages and the CLI: Moscow time (UTC+3, no daylight saving since
//! 2014), with the zone named: «13 декабря 2026, 14:05 (МСК)», «13 December
//! 2026, 14:05 (Moscow time)».

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};

use crate::clock::UnixTime;
use crate::model::Lang;

const MOSCOW_SECS: i32 = 3 * 3600;

const MONTHS_RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn moscow(unix: UnixTime) -> Option<DateTime<FixedOffset>> {
    let zone = FixedOffset::east_opt(MOSCOW_SECS)?;
    DateTime::from_timestamp(unix, 0).map(|t| t.with_timezone(&zone))
}

/// A calendar day: «13 декабря 2026», «13 December 2026» (birth dates,
/// passport issue dates: days without a time or a zone).
pub fn day(date: NaiveDate, lang: Lang) -> String {
    let month = date.month0() as usize;
    let name = match lang {
        Lang::Ru => MONTHS_RU[month],
        Lang::En => MONTHS_EN[month],
    };
    format!("{} {name} {}", date.day(), date.year())
}

/// The Moscow day of a moment: «13 декабря 2026».
pub fn date(unix: UnixTime, lang: Lang) -> String {
    moscow(unix).map_or_else(|| unix.to_string(), |t| day(t.date_naive(), lang))
}

/// A moment in Moscow time, the zone named: «13 декабря 2026, 14:05 (МСК)».
pub fn date_time(unix: UnixTime, lang: Lang) -> String {
    let Some(t) = moscow(unix) else {
        return unix.to_string();
    };
    let zone = match lang {
        Lang::Ru => "МСК",
        Lang::En => "Moscow time",
    };
    format!(
        "{}, {:02}:{:02} ({zone})",
        day(t.date_naive(), lang),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-13 11:05:00 UTC.
    const AT: UnixTime = 1_797_159_900;

    #[test]
    fn moments_read_in_moscow_time_with_the_zone_named() {
        assert_eq!(date_time(AT, Lang::Ru), "13 декабря 2026, 14:05 (МСК)");
        assert_eq!(
            date_time(AT, Lang::En),
            "13 December 2026, 14:05 (Moscow time)"
        );
        assert_eq!(date(AT, Lang::Ru), "13 декабря 2026");
        // 22:30 UTC is the next day in Moscow.
        assert_eq!(date(AT + 11 * 3600 + 25 * 60, Lang::En), "14 December 2026");
    }

    #[test]
    fn days_have_no_zone() {
        let born = NaiveDate::from_ymd_opt(1985, 3, 1).unwrap();
        assert_eq!(day(born, Lang::Ru), "1 марта 1985");
        assert_eq!(day(born, Lang::En), "1 March 1985");
    }

    #[test]
    fn a_time_out_of_range_is_shown_as_the_number() {
        assert_eq!(date_time(i64::MAX, Lang::En), i64::MAX.to_string());
    }
}
