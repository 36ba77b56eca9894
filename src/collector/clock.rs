//! Conversion of the probes' boot-clock timestamps to wall-clock RFC 3339.

use time::OffsetDateTime;
use time::macros::format_description;

fn clock_ns(id: libc::clockid_t) -> i128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid pointer to a timespec on our stack.
    unsafe { libc::clock_gettime(id, &mut ts) };
    ts.tv_sec as i128 * 1_000_000_000 + ts.tv_nsec as i128
}

/// Nanoseconds on CLOCK_BOOTTIME (the probes' clock).
pub fn boot_ns() -> u64 {
    clock_ns(libc::CLOCK_BOOTTIME) as u64
}

/// Nanoseconds on CLOCK_MONOTONIC (used for ticks).
pub fn monotonic_ns() -> u64 {
    clock_ns(libc::CLOCK_MONOTONIC) as u64
}

const NS: i128 = 1_000_000_000;

/// The text of the last second [`WallClock::rfc3339_cached`] formatted (records come in time order).
#[derive(Debug, Default)]
pub struct TsCache {
    sec: Option<i128>,
    /// Length of the text before the nine fraction digits.
    head: usize,
    text: String,
}

/// Maps boot-clock ns to wall-clock time (offset taken once).
#[derive(Clone, Copy, Debug)]
pub struct WallClock {
    offset_ns: i128,
}

impl WallClock {
    /// Measures the offset between CLOCK_REALTIME and CLOCK_BOOTTIME now.
    pub fn now() -> Self {
        Self {
            offset_ns: clock_ns(libc::CLOCK_REALTIME) - clock_ns(libc::CLOCK_BOOTTIME),
        }
    }

    /// A fixed offset (tests, replays).
    pub fn with_offset(offset_ns: i128) -> Self {
        Self { offset_ns }
    }

    /// CLOCK_REALTIME − CLOCK_BOOTTIME in ns.
    pub fn offset_ns(&self) -> i128 {
        self.offset_ns
    }

    /// Wall time of a boot-clock timestamp.
    pub fn wall(&self, boot_ns: u64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(boot_ns as i128 + self.offset_ns)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// RFC 3339 with all nine nanosecond digits, UTC.
    pub fn rfc3339(&self, boot_ns: u64) -> String {
        let fmt = format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z"
        );
        self.wall(boot_ns).format(fmt).unwrap_or_default()
    }

    /// [`Self::rfc3339`], with the text up to the second kept in `cache` while the second is the same.
    pub fn rfc3339_cached<'c>(&self, boot_ns: u64, cache: &'c mut TsCache) -> &'c str {
        let wall = boot_ns as i128 + self.offset_ns;
        let (sec, nanos) = (wall.div_euclid(NS), wall.rem_euclid(NS) as u32);
        if cache.sec != Some(sec) {
            cache.text = self.rfc3339(boot_ns);
            // `…:SS.nnnnnnnnnZ`: within the second only the nine digits change (a time out of
            // range is not kept: it is shown as the epoch, every nanosecond alike)
            let head = cache.text.len().saturating_sub(10);
            let exact = OffsetDateTime::from_unix_timestamp_nanos(wall).is_ok();
            let shaped = cache.text.ends_with('Z') && cache.text[..head].ends_with('.');
            cache.sec = (exact && shaped).then_some(sec);
            cache.head = head;
            return &cache.text;
        }
        cache.text.truncate(cache.head);
        let mut digits = [b'0'; 9];
        let mut n = nanos;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        cache.text.extend(digits.iter().map(|d| *d as char));
        cache.text.push('Z');
        &cache.text
    }

    /// `HH:MM:SS.mmm` for the stream pane.
    pub fn short(&self, boot_ns: u64) -> String {
        let t = self.wall(boot_ns);
        format!(
            "{:02}:{:02}:{:02}.{:03}",
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_nanoseconds() {
        let c = WallClock::with_offset(1_700_000_000_000_000_000);
        assert_eq!(c.rfc3339(123_456_789), "2023-11-14T22:13:20.123456789Z");
        assert_eq!(c.rfc3339(100_000_000), "2023-11-14T22:13:20.100000000Z");
        assert_eq!(c.short(123_456_789), "22:13:20.123");
    }

    #[test]
    fn cached_text_equals_the_formatted_one() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let offsets = [
            0i128,
            1_700_000_000_000_000_000,
            -5_000_000_000,
            i128::from(u64::MAX) * 1000,
        ];
        for offset in offsets {
            let c = WallClock::with_offset(offset);
            let mut cache = TsCache::default();
            let mut t = next() % (1 << 62);
            for i in 0..20_000 {
                // mostly rising within a second, sometimes a jump (back or far)
                t = match i % 97 {
                    0 => next(),
                    1 => t.saturating_sub(next() % 3_000_000_000),
                    _ => t.saturating_add(next() % 50_000_000),
                };
                assert_eq!(
                    c.rfc3339_cached(t, &mut cache),
                    c.rfc3339(t),
                    "{offset} {t}"
                );
            }
            for t in [0, 1, 999_999_999, 1_000_000_000, u64::MAX] {
                assert_eq!(
                    c.rfc3339_cached(t, &mut cache),
                    c.rfc3339(t),
                    "{offset} {t}"
                );
            }
        }
    }
}
