//! UTC dates as RFC 3339 text and seconds since the epoch (key validity, signatures'
//! timestamps), without a date-time crate: days from the civil date, as Howard Hinnant's
//! algorithms compute them.

use anyhow::{Result, bail};

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `2026-12-02T10:20:30Z`.
pub fn rfc3339(secs: u64) -> String {
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// `2026-12-02` (midnight UTC) or `2026-12-02T10:20:30Z`.
pub fn parse(text: &str) -> Result<u64> {
    let bad =
        || anyhow::anyhow!("`{text}` is not a UTC date: write 2026-12-02 or 2026-12-02T10:20:30Z");
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t.strip_suffix('Z').ok_or_else(bad)?)),
        None => (text, None),
    };
    let num = |s: &str| s.parse::<i64>().map_err(|_| bad());
    let p: Vec<&str> = date.split('-').collect();
    if p.len() != 3 || p[0].len() != 4 || p[1].len() != 2 || p[2].len() != 2 {
        return Err(bad());
    }
    let (y, m, d) = (num(p[0])?, num(p[1])?, num(p[2])?);
    if !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
        || civil_from_days(days_from_civil(y, m, d)) != (y, m, d)
    {
        return Err(bad());
    }
    let secs = match time {
        None => 0,
        Some(t) => {
            let t: Vec<&str> = t.split(':').collect();
            if t.len() != 3 {
                return Err(bad());
            }
            let (h, mi, s) = (num(t[0])?, num(t[1])?, num(t[2])?);
            if h > 23 || mi > 59 || s > 59 {
                return Err(bad());
            }
            h * 3600 + mi * 60 + s
        }
    };
    let total = days_from_civil(y, m, d) * 86_400 + secs;
    if total < 0 {
        bail!("`{text}` is before 1970");
    }
    Ok(total as u64)
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse("2026-12-02T10:20:30Z").unwrap(), 1_796_206_830);
        for s in [0, 951_782_400, 1_796_206_830, 4_102_444_800] {
            assert_eq!(parse(&rfc3339(s)).unwrap(), s);
        }
        assert_eq!(
            parse("2024-02-29").unwrap() + 86_400,
            parse("2024-03-01").unwrap()
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-12-02",
            "2026-12-02T25:00:00Z",
            "2026-12-02T10:00:00",
            "x",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
