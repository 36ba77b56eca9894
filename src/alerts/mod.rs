//! Alerts from outside the engine: Falco JSON/text, HTTP and journald intake (the `Alert` type itself is in the leaf `model`, re-exported here).

pub use crate::model::alert::{Alert, AlertOrigin, Priority};
pub use crate::model::facts::{Ancestor, ProcFacts};

pub mod intake;

pub use crate::model::alert::{clock_time, iso_time};
