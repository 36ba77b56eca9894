//! Falco's time stamps: `HH:MM:SS.nnnnnnnnn` (date inferred) and ISO-8601 (`2024-01-12T11:50:44.139466706+0000`).

use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

const DAY_NS: i128 = 86_400 * 1_000_000_000;

/// A time stamp read at the start of some text, and how many bytes it used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Nanoseconds since the Unix epoch (UTC).
    pub ns: u64,
    /// Bytes consumed.
    pub len: usize,
}

/// Reads `n` ASCII digits at `s[at..]`.
fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let d = s.get(at..at + n)?;
    d.iter().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// `HH:MM:SS[.fraction]` at the start of `s`: (nanoseconds into the day, bytes used).
fn clock(s: &[u8]) -> Option<(u64, usize)> {
    let (h, m, sec) = (digits(s, 0, 2)?, digits(s, 3, 2)?, digits(s, 6, 2)?);
    if s.get(2) != Some(&b':') || s.get(5) != Some(&b':') || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut len = 8;
    let mut frac = 0u64;
    if s.get(8) == Some(&b'.') {
        let n = s[9..].iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        for (i, b) in s[9..9 + n].iter().enumerate() {
            if i < 9 {
                frac = frac * 10 + u64::from(b - b'0');
            }
        }
        frac *= 10u64.pow(9u32.saturating_sub(n as u32));
        len = 9 + n;
    }
    let secs = u64::from(h) * 3600 + u64::from(m) * 60 + u64::from(sec.min(59));
    Some((secs * 1_000_000_000 + frac, len))
}

/// A time of day completed with the date of `now_ns` (UTC): the latest such
/// instant not more than an hour after `now_ns` (so a line from just before
/// midnight read just after it lands on the right day).
pub fn time_of_day(s: &str, now_ns: u64) -> Option<Stamp> {
    let (tod, len) = clock(s.as_bytes())?;
    let now = i128::from(now_ns);
    let mut t = now - now.rem_euclid(DAY_NS) + i128::from(tod);
    if t > now + DAY_NS / 24 {
        t -= DAY_NS;
    }
    Some(Stamp {
        ns: u64::try_from(t).ok()?,
        len,
    })
}

/// An ISO-8601 / RFC 3339 time at the start of `s`: `YYYY-MM-DDTHH:MM:SS[.f][Z|±HH[:]MM]`
/// (a space may replace the `T`; no zone means UTC).
pub fn iso(s: &str) -> Option<Stamp> {
    let b = s.as_bytes();
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b' '))
    {
        return None;
    }
    let (tod, n) = clock(&b[11..])?;
    let mut len = 11 + n;
    let mut offset_s: i32 = 0;
    match b.get(len) {
        Some(b'Z' | b'z') => len += 1,
        Some(&sign @ (b'+' | b'-')) => {
            let hh = digits(b, len + 1, 2)?;
            let colon = usize::from(b.get(len + 3) == Some(&b':'));
            let mm = digits(b, len + 3 + colon, 2)?;
            offset_s = (hh * 3600 + mm * 60) as i32;
            if sign == b'-' {
                offset_s = -offset_s;
            }
            len += 5 + colon;
        }
        _ => {}
    }
    let month = Month::try_from(u8::try_from(mo).ok()?).ok()?;
    let date = Date::from_calendar_date(y as i32, month, u8::try_from(d).ok()?).ok()?;
    let secs = tod / 1_000_000_000;
    let time = Time::from_hms_nano(
        (secs / 3600) as u8,
        ((secs / 60) % 60) as u8,
        (secs % 60) as u8,
        (tod % 1_000_000_000) as u32,
    )
    .ok()?;
    let offset = UtcOffset::from_whole_seconds(offset_s).ok()?;
    let ns = PrimitiveDateTime::new(date, time)
        .assume_offset(offset)
        .unix_timestamp_nanos();
    Some(Stamp {
        ns: u64::try_from(ns).ok()?,
        len,
    })
}

/// Either form at the start of `s` (ISO first).
pub fn stamp(s: &str, now_ns: u64) -> Option<Stamp> {
    iso(s).or_else(|| time_of_day(s, now_ns))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-11-14T22:13:20Z.
    const NOW: u64 = 1_700_000_000_000_000_000;

    #[test]
    fn time_of_day_takes_todays_date() {
        let s = time_of_day("22:13:23.426003000: Notice x", NOW).expect("parses");
        assert_eq!(s.ns, 1_700_000_003_426_003_000);
        assert_eq!(s.len, 18);
        // Just after midnight, a line stamped before midnight is yesterday's.
        let s = time_of_day("23:59:59.5", NOW + 2 * 3600 * 1_000_000_000).expect("parses");
        assert_eq!(
            crate::alerts::iso_time(s.ns),
            "2023-11-14T23:59:59.500000000Z"
        );
        let s = time_of_day("01:00:03", NOW).expect("parses");
        assert_eq!(
            crate::alerts::iso_time(s.ns),
            "2023-11-14T01:00:03.000000000Z"
        );
        assert_eq!(time_of_day("1:00:03", NOW), None);
        assert_eq!(time_of_day("25:00:03", NOW), None);
        assert_eq!(time_of_day("10:00:03.", NOW), None);
    }

    #[test]
    fn iso_with_zones() {
        let z = iso("2023-11-14T22:13:23.426003000Z: x").expect("Z");
        assert_eq!((z.ns, z.len), (1_700_000_003_426_003_000, 30));
        let plus = iso("2023-11-14T23:13:23.426003000+0100: x").expect("+0100");
        assert_eq!(plus.ns, z.ns);
        assert_eq!(plus.len, 34);
        let colon = iso("2023-11-14T21:13:23.426003+01:00").expect("+01:00 after -1h");
        assert_eq!(colon.ns, z.ns - 2 * 3600 * 1_000_000_000);
        let bare = iso("2023-11-14 22:13:23").expect("space, no zone");
        assert_eq!(bare.ns, 1_700_000_003_000_000_000);
        assert_eq!(iso("2023-13-14T22:13:23Z"), None);
        assert_eq!(iso("2023-11-14X22:13:23Z"), None);
    }
}
