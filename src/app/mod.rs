//! The core: events in, one `update` that changes state, effects out. No I/O here.

pub mod action;
pub mod alert_filter;
#[cfg(test)]
mod alerts_tests;
pub mod alerts_update;
pub mod alerts_view;
pub mod buffer;
pub mod command;
pub mod describe;
pub mod event;
pub mod filter;
pub mod finder;
pub mod flight;
#[cfg(test)]
mod input_tests;
pub mod inspect_view;
mod keys;
pub mod kube_status;
pub mod podobserve;
pub mod podview;
pub mod preview;
pub mod procview;
pub mod retired;
pub mod runtime_pods;
#[cfg(test)]
mod selection_tests;
pub mod state;
pub mod strings;
pub mod summary;
#[cfg(test)]
mod summary_scope_tests;
pub mod update;
#[cfg(test)]
mod update_tests;
pub mod view;

pub use action::Action;
pub use event::Event;
pub use state::AppState;
pub use update::{Effect, update};
pub use view::View;
