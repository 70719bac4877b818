//! Civil dates as ISO strings ("2026-11-25"), with the arithmetic intake needs: parsing what people type, ages,
//! and deadlines in working days. No time zones: a date is the date on the worker's tablet.

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        (1..=12).contains(&month).then_some(())?;
        (day >= 1 && day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// "2026-11-25".
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::new(s[0..4].parse().ok()?, s[5..7].parse().ok()?, s[8..10].parse().ok()?)
    }

    /// What people type: "25.11.2026", "25/11/2026", "25-11-2026", "5.3.1985", or ISO.
    pub fn parse_human(s: &str) -> Option<Date> {
        let s = s.trim();
        if let Some(d) = Date::parse_iso(s) {
            return Some(d);
        }
        let parts: Vec<&str> = s.split(['.', '/', '-', ' ']).filter(|p| !p.is_empty()).collect();
        if parts.len() != 3 || parts[2].len() != 4 || parts[0].len() > 2 || parts[1].len() > 2 {
            return None;
        }
        Date::new(parts[2].parse().ok()?, parts[1].parse().ok()?, parts[0].parse().ok()?)
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// "25.11.2026", as Ukrainian documents write dates.
    pub fn dotted(self) -> String {
        format!("{:02}.{:02}.{:04}", self.day, self.month, self.year)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.days() + n)
    }

    /// 1 = Monday … 7 = Sunday.
    pub fn weekday(self) -> u32 {
        ((self.days() + 3).rem_euclid(7) + 1) as u32
    }

    /// Whole years from `self` (a birth date) to `on`.
    pub fn age_on(self, on: Date) -> i32 {
        let mut age = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }
}

/// A date and a time of day as typed: "28.11.2026 10:42" (also "28.11.2026, 9:05") or as stored,
/// "2026-11-28T10:42". Gives the stored form, "2026-11-28T10:42".
pub fn parse_human_datetime(s: &str) -> Option<String> {
    let s = s.trim();
    let (date, time) = if s.len() >= 16 && s.as_bytes().get(10) == Some(&b'T') {
        (s.get(0..10)?, s.get(11..)?)
    } else {
        let cut = s.find([' ', ','])?;
        (&s[..cut], s[cut..].trim_start_matches([' ', ',']))
    };
    let date = Date::parse_human(date)?;
    let (h, m) = time.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{}T{h:02}:{m:02}", date.iso()))
}

/// "28.11.2026 10:42" of a stored "2026-11-28T10:42" (what is not one comes back as it is).
pub fn human_datetime(stored: &str) -> String {
    match (stored.get(0..10).and_then(Date::parse_iso), stored.get(10..11), stored.get(11..16)) {
        (Some(d), Some("T"), Some(time)) => format!("{} {time}", d.dotted()),
        _ => stored.to_owned(),
    }
}

/// The weeks of a month as a calendar shows them, Monday first: `None` for the days of the weeks that belong to
/// the months around it.
pub fn month_weeks(year: i32, month: u32) -> Vec<[Option<Date>; 7]> {
    let Some(first) = Date::new(year, month, 1) else { return Vec::new() };
    let lead = (first.weekday() - 1) as usize;
    let mut weeks = Vec::new();
    let mut week = [None; 7];
    let mut slot = lead;
    for day in 1..=days_in_month(year, month) {
        week[slot] = Date::new(year, month, day);
        slot += 1;
        if slot == 7 {
            weeks.push(week);
            week = [None; 7];
            slot = 0;
        }
    }
    if slot > 0 {
        weeks.push(week);
    }
    weeks
}

/// Saturdays and Sundays are not working days, nor any date in `holidays`. (Under martial law Ukraine's public
/// holidays are working days, so the default list is empty; a centre can add its own.)
pub fn is_working_day(d: Date, holidays: &[Date]) -> bool {
    d.weekday() <= 5 && !holidays.contains(&d)
}

/// The date `n` working days after `from` (the day of receipt does not count).
pub fn add_working_days(from: Date, n: u32, holidays: &[Date]) -> Date {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d = d.add_days(1);
        if is_working_day(d, holidays) {
            left -= 1;
        }
    }
    d
}

/// Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is earlier.
pub fn working_days_between(from: Date, to: Date, holidays: &[Date]) -> i64 {
    let (a, b, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
    let mut n = 0;
    let mut d = a;
    while d < b {
        d = d.add_days(1);
        if is_working_day(d, holidays) {
            n += 1;
        }
    }
    n * sign
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn date_and_time_as_typed() {
        assert_eq!(parse_human_datetime("28.11.2026 10:42").as_deref(), Some("2026-11-28T10:42"));
        assert_eq!(parse_human_datetime(" 5.3.2026, 9:05 ").as_deref(), Some("2026-03-05T09:05"));
        assert_eq!(parse_human_datetime("2026-11-28T10:42").as_deref(), Some("2026-11-28T10:42"));
        assert_eq!(parse_human_datetime("2026-11-28T10:42:59").as_deref(), None, "seconds are not typed");
        for bad in
            ["28.11.2026", "28.11.2026 24:00", "28.11.2026 10:60", "31.02.2026 10:00", "28.11.2026 10:4", "", "10:42"]
        {
            assert_eq!(parse_human_datetime(bad), None, "{bad}");
        }
        assert_eq!(human_datetime("2026-11-28T10:42"), "28.11.2026 10:42");
        assert_eq!(human_datetime("28.11.2026 10:4"), "28.11.2026 10:4");
        assert_eq!(parse_human_datetime(&human_datetime("2026-01-02T03:04")).as_deref(), Some("2026-01-02T03:04"));
    }

    #[test]
    fn a_month_as_a_calendar_shows_it() {
        // November 2026 starts on a Sunday: six rows, the first holding only the 1st.
        let weeks = month_weeks(2026, 11);
        assert_eq!(weeks.len(), 6);
        assert_eq!(weeks[0][..6], [None; 6]);
        assert_eq!(weeks[0][6], Some(d("2026-11-01")));
        assert_eq!(weeks[5][0], Some(d("2026-11-30")));
        assert_eq!(weeks.iter().flatten().flatten().count(), 30);
        // February 2027 starts on a Monday and fills exactly four rows.
        let feb = month_weeks(2027, 2);
        assert_eq!(feb.len(), 4);
        assert!(feb.iter().all(|w| w.iter().all(Option::is_some)));
        assert_eq!(month_weeks(2028, 2).iter().flatten().flatten().count(), 29, "a leap year");
        assert!(month_weeks(2026, 13).is_empty());
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Date::parse_human("25.11.2026"), Some(d("2026-11-25")));
        assert_eq!(Date::parse_human(" 5.3.1985 "), Some(d("1985-03-05")));
        assert_eq!(Date::parse_human("05/03/1985"), Some(d("1985-03-05")));
        assert_eq!(Date::parse_human("1985-03-05"), Some(d("1985-03-05")));
        assert_eq!(Date::parse_human("29.02.2023"), None);
        assert_eq!(Date::parse_human("29.02.2024"), Some(d("2024-02-29")));
        assert_eq!(Date::parse_human("31.04.2020"), None);
        assert_eq!(Date::parse_human("12.1985"), None);
        assert_eq!(Date::parse_human("1.1.85"), None);
        assert_eq!(d("2026-01-09").dotted(), "09.01.2026");
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(d("1970-01-01").days(), 0);
        assert_eq!(d("1899-12-31").days(), -25_568);
        for s in ["1900-03-01", "2000-02-29", "2024-12-31", "2026-11-25", "1969-12-31"] {
            assert_eq!(Date::from_days(d(s).days()), d(s));
        }
        assert_eq!(d("2026-11-25").weekday(), 3, "a Wednesday");
        assert_eq!(d("2026-11-29").weekday(), 7);
    }

    #[test]
    fn ages() {
        let born = d("2012-11-26");
        assert_eq!(born.age_on(d("2026-11-25")), 13);
        assert_eq!(born.age_on(d("2026-11-26")), 14);
    }

    #[test]
    fn working_day_deadlines() {
        // Wednesday + 3 working days = Monday.
        assert_eq!(add_working_days(d("2026-11-25"), 3, &[]), d("2026-11-30"));
        // Friday + 3 = Wednesday; + 10 = two weeks later.
        assert_eq!(add_working_days(d("2026-11-27"), 3, &[]), d("2026-12-02"));
        assert_eq!(add_working_days(d("2026-11-27"), 10, &[]), d("2026-12-11"));
        // Received on a Saturday: counting starts on Monday.
        assert_eq!(add_working_days(d("2026-11-28"), 1, &[]), d("2026-11-30"));
        // A holiday is skipped.
        assert_eq!(add_working_days(d("2026-11-25"), 3, &[d("2026-11-27")]), d("2026-12-01"));
        assert_eq!(working_days_between(d("2026-11-25"), d("2026-11-30"), &[]), 3);
        assert_eq!(working_days_between(d("2026-11-30"), d("2026-11-25"), &[]), -3);
        assert_eq!(working_days_between(d("2026-11-25"), d("2026-11-25"), &[]), 0);
    }
}
