//! What the lower layers report, as the core's events: the collector knows its own feed type, never `app::Event`.

use crate::alerts::intake::IntakeFeed;
use crate::app::Event;
use crate::collector::KernelFeed;
use crate::model::CollectorState;

impl From<KernelFeed> for Event {
    fn from(f: KernelFeed) -> Self {
        match f {
            KernelFeed::Batch(b) => Event::Kernel(b),
            KernelFeed::Stats(s) => Event::Stats(s),
            KernelFeed::Summary(rows) => Event::Summary(rows),
            KernelFeed::Retired(rows) => Event::Retired(rows),
            KernelFeed::Running => Event::Collector(CollectorState::Running),
        }
    }
}

impl From<IntakeFeed> for Event {
    fn from(f: IntakeFeed) -> Self {
        match f {
            IntakeFeed::Alerts(a) => Event::Alerts(a),
            IntakeFeed::Stats(s) => Event::AlertIntake(s),
            IntakeFeed::Audit(a) => Event::Audit(a),
        }
    }
}
