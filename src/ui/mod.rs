//! Terminal UI: panes, keymap, theme.

pub mod keymap;
pub mod strings;
pub mod theme;
mod toml_source;
pub mod run;
pub mod terminal;
pub mod panes;
pub mod render;
#[cfg(test)]
pub mod test_support;
#[cfg(test)]
mod render_tests;
