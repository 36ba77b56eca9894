//! The core: events in, one `update` (reached only through [`Core`]) that changes state, effects out. No I/O here.

pub mod action;
pub mod alert_filter;
#[cfg(test)]
mod alerts_tests;
pub mod alerts_update;
pub mod alerts_view;
pub mod audit_pivot;
pub mod audit_view;
pub mod buffer;
pub mod command;
pub mod core;
#[cfg(test)]
mod core_tests;
pub mod describe;
pub mod drill_task;
pub mod event;
pub mod exec_link;
pub mod exec_track;
pub mod filter;
pub mod finder;
pub mod flight;
pub mod help;
pub mod input;
#[cfg(test)]
mod input_tests;
pub mod inspect_view;
mod keys;
pub mod kube_status;
pub mod podobserve;
pub mod podview;
pub mod preview;
pub mod procview;
pub mod redact_event;
pub mod replay;
pub mod replay_update;
pub mod retired;
pub mod runtime_pods;
#[cfg(test)]
mod selection_tests;
pub mod state;
pub mod summary;
#[cfg(test)]
mod summary_scope_tests;
pub mod update;
#[cfg(test)]
mod update_tests;
pub mod view;

pub use action::Action;
pub use core::{Core, Tap};
pub use event::Event;
pub use state::AppState;
#[cfg(test)]
pub(crate) use update::update;
pub use update::{Effect, Fact};
pub use view::View;
