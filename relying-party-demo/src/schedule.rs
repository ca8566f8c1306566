//! When a doctor can be booked: on the doctor's weekdays, within the
//! doctor's shift and the clinic's hours of that day, one visit an hour,
//! from tomorrow on.

use chrono::{Datelike, NaiveDate};

/// A clinic's hours on one weekday (1 = Monday … 7 = Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenDay {
    pub weekday: u32,
    pub opens: u32,
    pub closes: u32,
}

/// A doctor's shift: the same hours on each of the weekdays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub weekdays: Vec<u32>,
    pub starts: u32,
    pub ends: u32,
}

impl Shift {
    /// `1,3,5` and the hours, as stored.
    pub fn parse(weekdays: &str, starts: i32, ends: i32) -> Self {
        Self {
            weekdays: weekdays
                .split(',')
                .filter_map(|d| d.trim().parse().ok())
                .collect(),
            starts: u32::try_from(starts).unwrap_or(0),
            ends: u32::try_from(ends).unwrap_or(0),
        }
    }
}

/// The visit times (`08:00`, `09:00`, …) of `day` for this doctor at this
/// clinic; none on a day either does not work.
pub fn times(shift: &Shift, clinic: &[OpenDay], day: NaiveDate) -> Vec<String> {
    let weekday = day.weekday().number_from_monday();
    let Some(open) = clinic.iter().find(|d| d.weekday == weekday) else {
        return Vec::new();
    };
    if !shift.weekdays.contains(&weekday) {
        return Vec::new();
    }
    let (from, to) = (shift.starts.max(open.opens), shift.ends.min(open.closes));
    (from..to).map(|h| format!("{h:02}:00")).collect()
}

/// The next `count` days from `first` on which the doctor receives.
pub fn days(shift: &Shift, clinic: &[OpenDay], first: NaiveDate, count: usize) -> Vec<NaiveDate> {
    first
        .iter_days()
        .take(60)
        .filter(|d| !times(shift, clinic, *d).is_empty())
        .take(count)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clinic() -> Vec<OpenDay> {
        let mut week: Vec<OpenDay> = (1..=5)
            .map(|weekday| OpenDay {
                weekday,
                opens: 8,
                closes: 20,
            })
            .collect();
        week.push(OpenDay {
            weekday: 6,
            opens: 9,
            closes: 15,
        });
        week
    }

    #[test]
    fn a_doctor_is_booked_on_own_days_within_own_and_the_clinics_hours() {
        let cardiologist = Shift::parse("1,3,5", 14, 20);
        // 14 December 2026 is a Monday.
        let monday = NaiveDate::from_ymd_opt(2026, 12, 14).unwrap();
        let times_on = |d: NaiveDate| times(&cardiologist, &clinic(), d);
        assert_eq!(times_on(monday).first().map(String::as_str), Some("14:00"));
        assert_eq!(times_on(monday).last().map(String::as_str), Some("19:00"));
        assert!(
            times_on(monday + chrono::Days::new(1)).is_empty(),
            "Tuesday"
        );
        // A Saturday shift ends when the clinic closes.
        let weekend = Shift::parse("6,7", 8, 20);
        let saturday = monday + chrono::Days::new(5);
        assert_eq!(times(&weekend, &clinic(), saturday).len(), 6, "9:00–15:00");
        assert!(times(&weekend, &clinic(), saturday + chrono::Days::new(1)).is_empty());
        assert_eq!(
            days(&cardiologist, &clinic(), monday, 3),
            [0, 2, 4].map(|n| monday + chrono::Days::new(n))
        );
    }
}
