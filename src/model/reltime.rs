//! "now", "5m", "2h", "3d", then a date: how old a comment is, in the fewest characters.
//!
//! Times are the server's; `now` is the browser's clock, which may be off. A comment that seems
//! to come from the future is simply "now".

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `offset_min` is minutes east of UTC (the negated `Date.getTimezoneOffset()`), so dates are
/// the reader's calendar dates.
pub fn relative(now_ms: u64, ts_ms: u64, offset_min: i32) -> String {
    let age = now_ms.saturating_sub(ts_ms);
    match age {
        a if a < MINUTE => "now".to_owned(),
        a if a < HOUR => format!("{}m", a / MINUTE),
        a if a < DAY => format!("{}h", a / HOUR),
        a if a < 7 * DAY => format!("{}d", a / DAY),
        _ => {
            let (y, m, d) = date(ts_ms, offset_min);
            let (now_y, _, _) = date(now_ms, offset_min);
            if y == now_y {
                format!("{d} {}", MONTHS[m as usize - 1])
            } else {
                format!("{d} {} {y}", MONTHS[m as usize - 1])
            }
        }
    }
}

/// Full local date and time, for the tooltip: `2025-10-23 17:04`.
pub fn full(ts_ms: u64, offset_min: i32) -> String {
    let (y, m, d) = date(ts_ms, offset_min);
    let minutes_of_day = local_ms(ts_ms, offset_min).rem_euclid(DAY as i64) / MINUTE as i64;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        minutes_of_day / 60,
        minutes_of_day % 60
    )
}

fn local_ms(ts_ms: u64, offset_min: i32) -> i64 {
    ts_ms as i64 + i64::from(offset_min) * MINUTE as i64
}

/// Civil date from a day count (Howard Hinnant's algorithm), in the reader's time zone.
fn date(ts_ms: u64, offset_min: i32) -> (i64, u32, u32) {
    let z = local_ms(ts_ms, offset_min).div_euclid(DAY as i64) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2025-10-23T17:04:24.515Z
    const T: u64 = 1_761_239_064_515;

    #[test]
    fn short_ages() {
        assert_eq!(relative(T, T, 0), "now");
        assert_eq!(relative(T + 59_999, T, 0), "now");
        assert_eq!(relative(T + MINUTE, T, 0), "1m");
        assert_eq!(relative(T + 5 * MINUTE + 30_000, T, 0), "5m");
        assert_eq!(relative(T + HOUR - 1, T, 0), "59m");
        assert_eq!(relative(T + 2 * HOUR, T, 0), "2h");
        assert_eq!(relative(T + 3 * DAY + HOUR, T, 0), "3d");
        assert_eq!(relative(T + 7 * DAY - 1, T, 0), "6d");
    }

    #[test]
    fn a_skewed_clock_never_shows_negative_ages() {
        assert_eq!(relative(T - 10 * MINUTE, T, 0), "now");
    }

    #[test]
    fn older_comments_show_a_date_with_the_year_when_it_differs() {
        assert_eq!(relative(T + 8 * DAY, T, 0), "23 Oct");
        assert_eq!(relative(T + 400 * DAY, T, 0), "23 Oct 2025");
        assert_eq!(relative(T + 10 * DAY, 0, 0), "1 Jan 1970");
    }

    #[test]
    fn dates_are_in_the_readers_time_zone() {
        // 17:04 UTC is already the next day in UTC+8 … and still the 23rd in UTC−5.
        assert_eq!(full(T, 0), "2025-10-23 17:04");
        assert_eq!(full(T, 8 * 60), "2025-10-24 01:04");
        assert_eq!(full(T, -5 * 60), "2025-10-23 12:04");
        assert_eq!(relative(T + 30 * DAY, T, 8 * 60), "24 Oct");
    }

    #[test]
    fn leap_days_and_year_ends() {
        assert_eq!(full(951_782_400_000, 0), "2000-02-29 00:00");
        assert_eq!(full(1_735_689_599_000, 0), "2024-12-31 23:59");
        assert_eq!(full(1_735_689_600_000, 0), "2025-01-01 00:00");
    }
}
