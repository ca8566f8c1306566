//! Dates as people read them, in Moscow time (UTC+3 all year since 2014):
//! «13 декабря 2026», «пн»; and «13 December 2026», «Mon».

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc, Weekday};

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

/// Today in Moscow.
pub fn moscow_today(now: DateTime<Utc>) -> NaiveDate {
    let msk = FixedOffset::east_opt(3 * 3600).expect("a valid offset");
    now.with_timezone(&msk).date_naive()
}

/// «13 декабря 2026».
pub fn day(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS_RU[date.month0() as usize],
        date.year()
    )
}

/// «пн».
pub fn weekday(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "пн",
        Weekday::Tue => "вт",
        Weekday::Wed => "ср",
        Weekday::Thu => "чт",
        Weekday::Fri => "пт",
        Weekday::Sat => "сб",
        Weekday::Sun => "вс",
    }
}

/// «пн, 14 декабря 2026».
pub fn day_with_weekday(date: NaiveDate) -> String {
    format!("{}, {}", weekday(date), day(date))
}

/// A stored `YYYY-MM-DD` as «13 декабря 2026»; anything else as it is.
pub fn stored(value: &str) -> String {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_or_else(|_| value.to_owned(), day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_russian() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 13).unwrap();
        assert_eq!(day(date), "13 декабря 2026");
        assert_eq!(weekday(date), "вс");
        assert_eq!(
            day_with_weekday(date + chrono::Days::new(1)),
            "пн, 14 декабря 2026"
        );
        assert_eq!(stored("2026-03-02"), "2 марта 2026");
        assert_eq!(stored("soon"), "soon");
        let late = "2026-12-13T22:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(moscow_today(late), date + chrono::Days::new(1), "01:30 МСК");
    }
}
