//! Terminal UI: panes, keymap, theme.

#[cfg(test)]
mod applied_render_tests;
pub mod drill;
pub mod input;
pub mod keymap;
pub mod panes;
#[cfg(test)]
mod posture_render_tests;
pub mod render;
#[cfg(test)]
mod render_alerts_tests;
#[cfg(test)]
mod render_audit_link_tests;
#[cfg(test)]
mod render_audit_tests;
#[cfg(test)]
mod render_capture_tests;
#[cfg(test)]
mod render_drill_tests;
#[cfg(test)]
mod render_exec_tests;
#[cfg(test)]
mod render_fds_tests;
#[cfg(test)]
mod render_identity_tests;
#[cfg(test)]
mod render_inspect_tests;
#[cfg(test)]
mod render_replay_tests;
#[cfg(test)]
mod render_root_tests;
#[cfg(test)]
mod render_tests;
#[cfg(test)]
mod render_untrusted_tests;
pub mod replay_run;
pub mod run;
pub use crate::strings;
pub mod terminal;
#[cfg(test)]
pub mod test_support;
pub mod theme;
mod toml_source;
