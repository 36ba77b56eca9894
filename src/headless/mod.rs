//! Headless commands (`stream`, `count`) on the same core the TUI uses.

pub mod count;
pub mod json;
pub mod stream;
