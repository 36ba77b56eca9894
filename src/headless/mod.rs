//! Headless commands (`stream`, `count`) on the same core the TUI uses.

pub mod audit;
pub mod audit_link;
pub mod count;
pub mod count_cgroup;
pub mod drill;
pub mod export;
pub mod inspect;
mod inspect_text;
pub mod json;
#[cfg(test)]
mod json_tests;
pub mod out;
pub mod posture;
pub mod ps;
pub mod record;
pub mod replay;
pub mod stream;
pub mod verify;
