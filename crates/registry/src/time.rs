//! Wall-clock times as the registry stores and shows them: seconds since the Unix epoch,
//! written as RFC 3339 UTC (`2026-12-31T00:00:00Z`), and token lifetimes as the CLI and API
//! accept them (`90d`, `12h`, `30m`, `45s`, or a date).

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// `secs` as RFC 3339 UTC.
pub fn rfc3339(secs: u64) -> String {
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` into seconds since the epoch.
fn parse_date(s: &str) -> Option<u64> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t.strip_suffix('Z')?)),
        None => (s, None),
    };
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // Refuse dates that do not exist (2026-02-30 would silently become March 2nd).
    if civil_from_days(days) != (y, m, d) {
        return None;
    }
    let seconds = match time {
        None => 0,
        Some(t) => {
            let mut hms = t.splitn(3, ':').map(|p| p.parse::<u64>().ok());
            let (h, mi, se) = (hms.next()??, hms.next()??, hms.next()??);
            if h > 23 || mi > 59 || se > 59 {
                return None;
            }
            h * 3600 + mi * 60 + se
        }
    };
    Some(days as u64 * 86_400 + seconds)
}

/// When a token given `spec` at `now` expires: a lifetime (`90d`, `12h`, `30m`, `45s`) or
/// a date (`2027-03-31`, `2027-03-31T12:00:00Z`), which must be in the future.
pub fn parse_expiry(spec: &str, now: u64) -> Result<u64, String> {
    let spec = spec.trim();
    let bad = || {
        format!(
            "`{spec}` is not an expiry: give a lifetime such as 90d, 12h, 30m or 45s, or a date such as 2027-03-31 or 2027-03-31T12:00:00Z"
        )
    };
    if let Some(unit) = spec.chars().last().filter(char::is_ascii_alphabetic) {
        let count: u64 = spec[..spec.len() - 1].parse().map_err(|_| bad())?;
        let scale = match unit {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        if count == 0 {
            return Err(format!(
                "`{spec}` expires at once: give a lifetime above zero"
            ));
        }
        return count
            .checked_mul(scale)
            .and_then(|d| now.checked_add(d))
            .ok_or_else(bad);
    }
    let at = parse_date(spec).ok_or_else(bad)?;
    if at <= now {
        return Err(format!(
            "`{spec}` is in the past (it is now {}): give a later date",
            rfc3339(now)
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
        for secs in [0, 951_782_400, 1_798_761_599, 4_102_444_800] {
            assert_eq!(parse_date(&rfc3339(secs)), Some(secs));
        }
    }

    #[test]
    fn lifetimes_and_dates_parse_and_bad_ones_say_why() {
        let now = 1_800_000_000;
        assert_eq!(parse_expiry("90d", now), Ok(now + 90 * 86_400));
        assert_eq!(parse_expiry("12h", now), Ok(now + 12 * 3_600));
        assert_eq!(parse_expiry("45s", now), Ok(now + 45));
        assert_eq!(parse_expiry("2100-01-01", now), Ok(4_102_444_800));
        for bad in [
            "",
            "d",
            "90w",
            "-3d",
            "2026-02-30",
            "2100-01-01T25:00:00Z",
            "soon",
        ] {
            let e = parse_expiry(bad, now).unwrap_err();
            assert!(e.contains("not an expiry"), "{bad}: {e}");
        }
        assert!(parse_expiry("0d", now).unwrap_err().contains("at once"));
        assert!(
            parse_expiry("2020-01-01", now)
                .unwrap_err()
                .contains("in the past")
        );
    }
}
