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
}
