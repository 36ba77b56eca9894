//! Alerts: the one `Alert` type shared by the built-in rule engine and Falco intake, in Falco's shapes.

mod alert;
mod facts;

pub use alert::{Alert, AlertOrigin, Priority};
pub use facts::{Ancestor, ProcFacts};

pub mod intake;

pub use alert::{clock_time, iso_time};
