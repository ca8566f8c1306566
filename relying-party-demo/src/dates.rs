//! Dates and hours as people read them, in Moscow time (UTC+3 all year
//! since 2014): «13 декабря 2026», «пн», «пн–пт 8:00–14:00»; and
//! «13 December 2026», «Mon», «Mon–Fri 8:00–14:00».

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

use crate::i18n::Lang;
use crate::schedule::{OpenDay, Shift};

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

/// Monday first.
const WEEKDAYS_RU: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Today in Moscow.
pub fn moscow_today(now: DateTime<Utc>) -> NaiveDate {
    let msk = FixedOffset::east_opt(3 * 3600).expect("a valid offset");
    now.with_timezone(&msk).date_naive()
}

/// «13 декабря 2026», «13 December 2026».
pub fn day(date: NaiveDate, lang: Lang) -> String {
    let months = match lang {
        Lang::Ru => MONTHS_RU,
        Lang::En => MONTHS_EN,
    };
    format!(
        "{} {} {}",
        date.day(),
        months[date.month0() as usize],
        date.year()
    )
}

/// «пн», «Mon» for a weekday numbered 1 (Monday) to 7.
fn weekday_name(number: u32, lang: Lang) -> &'static str {
    let names = match lang {
        Lang::Ru => WEEKDAYS_RU,
        Lang::En => WEEKDAYS_EN,
    };
    names[(number.clamp(1, 7) - 1) as usize]
}

/// «пн», «Mon».
pub fn weekday(date: NaiveDate, lang: Lang) -> &'static str {
    weekday_name(date.weekday().number_from_monday(), lang)
}

/// «пн, 14 декабря 2026», «Mon, 14 December 2026».
pub fn day_with_weekday(date: NaiveDate, lang: Lang) -> String {
    format!("{}, {}", weekday(date, lang), day(date, lang))
}

/// A stored `YYYY-MM-DD` as «13 декабря 2026»; anything else as it is.
pub fn stored(value: &str, lang: Lang) -> String {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_or_else(|_| value.to_owned(), |date| day(date, lang))
}

/// Weekdays (1 = Monday) as a list: three or more in a row as a range
/// («пн–пт»), the others one by one («пн, ср, пт»).
fn weekdays(days: &[u32], lang: Lang) -> String {
    let mut days = days.to_vec();
    days.sort_unstable();
    days.dedup();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for d in days {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == d => *last = d,
            _ => runs.push((d, d)),
        }
    }
    let mut parts = Vec::new();
    for (first, last) in runs {
        if last >= first + 2 {
            parts.push(format!(
                "{}–{}",
                weekday_name(first, lang),
                weekday_name(last, lang)
            ));
        } else {
            parts.extend((first..=last).map(|d| weekday_name(d, lang).to_owned()));
        }
    }
    parts.join(", ")
}

/// A doctor's hours: «пн, ср, пт 14:00–20:00».
pub fn shift(shift: &Shift, lang: Lang) -> String {
    format!(
        "{} {}:00–{}:00",
        weekdays(&shift.weekdays, lang),
        shift.starts,
        shift.ends
    )
}

/// A clinic's week, the days with the same hours together:
/// «пн–пт 8:00–20:00, сб 9:00–15:00».
pub fn week(open: &[OpenDay], lang: Lang) -> String {
    let mut groups: Vec<Shift> = Vec::new();
    for day in open {
        match groups
            .iter_mut()
            .find(|g| g.starts == day.opens && g.ends == day.closes)
        {
            Some(group) => group.weekdays.push(day.weekday),
            None => groups.push(Shift {
                weekdays: vec![day.weekday],
                starts: day.opens,
                ends: day.closes,
            }),
        }
    }
    groups
        .iter()
        .map(|g| shift(g, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_russian_and_in_english() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 13).unwrap();
        assert_eq!(day(date, Lang::Ru), "13 декабря 2026");
        assert_eq!(day(date, Lang::En), "13 December 2026");
        assert_eq!(weekday(date, Lang::Ru), "вс");
        assert_eq!(weekday(date, Lang::En), "Sun");
        assert_eq!(
            day_with_weekday(date + chrono::Days::new(1), Lang::Ru),
            "пн, 14 декабря 2026"
        );
        assert_eq!(
            day_with_weekday(date + chrono::Days::new(1), Lang::En),
            "Mon, 14 December 2026"
        );
        assert_eq!(stored("2026-03-02", Lang::Ru), "2 марта 2026");
        assert_eq!(stored("soon", Lang::En), "soon");
        let late = "2026-12-13T22:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(moscow_today(late), date + chrono::Days::new(1), "01:30 МСК");
    }

    #[test]
    fn hours_read_as_the_week_runs() {
        let cardiologist = Shift::parse("1,3,5", 14, 20);
        assert_eq!(shift(&cardiologist, Lang::Ru), "пн, ср, пт 14:00–20:00");
        assert_eq!(shift(&cardiologist, Lang::En), "Mon, Wed, Fri 14:00–20:00");
        let therapist = Shift::parse("1,2,3,4,5", 8, 14);
        assert_eq!(shift(&therapist, Lang::Ru), "пн–пт 8:00–14:00");
        let mut open: Vec<OpenDay> = (1..=5)
            .map(|weekday| OpenDay {
                weekday,
                opens: 8,
                closes: 20,
            })
            .collect();
        open.push(OpenDay {
            weekday: 6,
            opens: 9,
            closes: 15,
        });
        assert_eq!(week(&open, Lang::Ru), "пн–пт 8:00–20:00, сб 9:00–15:00");
        assert_eq!(week(&open, Lang::En), "Mon–Fri 8:00–20:00, Sat 9:00–15:00");
    }
}
