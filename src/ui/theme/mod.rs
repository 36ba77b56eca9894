//! Themes: semantic roles (text, selected, error, ...) mapped to styles, loaded from TOML.
//!
//! Built-in themes use only the 16 ANSI colours so they work over any SSH
//! terminal; `mono` uses no colour at all. A theme file may omit roles: they
//! come from the theme named by its `inherits` key (default `dark`; `"none"`
//! means unstyled).

mod error;
mod parse;

use std::ffi::OsStr;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::Style;

pub use crate::ui::toml_source::Location;
pub use error::ThemeError;
use parse::parse_theme;

/// The embedded themes: name, file name used in messages, contents.
const BUILTINS: [(&str, &str, &str); 4] = [
    (
        "dark",
        "themes/dark.toml",
        include_str!("../../../themes/dark.toml"),
    ),
    (
        "light",
        "themes/light.toml",
        include_str!("../../../themes/light.toml"),
    ),
    (
        "high-contrast",
        "themes/high-contrast.toml",
        include_str!("../../../themes/high-contrast.toml"),
    ),
    (
        "mono",
        "themes/mono.toml",
        include_str!("../../../themes/mono.toml"),
    ),
];

/// The theme used when nothing is requested and colours are available.
pub const DEFAULT_THEME: &str = "dark";
/// The colourless theme picked for `NO_COLOR` and colourless terminals.
pub const MONO_THEME: &str = "mono";

/// How deep `inherits` chains between built-in themes may go.
const MAX_INHERIT_DEPTH: usize = 4;

macro_rules! roles {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// What a piece of UI *is*, not which widget draws it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Role {
            $(#[doc = $doc] $variant,)*
        }

        impl Role {
            /// Every role with its name in theme files.
            pub const ALL: [(Role, &'static str); [$($name),*].len()] = [$((Role::$variant, $name)),*];
        }
    };
}

roles! {
    Text => "text", "Ordinary text.";
    TextDim => "text_dim", "Secondary text: timestamps, hints.";
    Title => "title", "Pane titles.";
    Border => "border", "Pane borders.";
    BorderFocused => "border_focused", "The focused pane's border.";
    Header => "header", "Table headers.";
    Selected => "selected", "The selected row.";
    StatusBar => "status_bar", "The status bar.";
    StatusKey => "status_key", "Key hints in the status bar.";
    Ok => "ok", "Healthy / successful state.";
    Warning => "warning", "Something worth a look.";
    Error => "error", "Errors.";
    Banner => "banner", "The degraded-mode banner.";
    SyscallError => "syscall_error", "A row for a failed syscall.";
    Accent => "accent", "Highlights: matches, counts.";
    FilterInput => "filter_input", "The filter / command input.";
    HelpKey => "help_key", "Keys in the help overlay.";
    AlertCritical => "alert_critical", "An alert of priority Emergency, Alert or Critical.";
    AlertError => "alert_error", "An alert of priority Error.";
    AlertWarning => "alert_warning", "An alert of priority Warning.";
    AlertNotice => "alert_notice", "An alert of priority Notice.";
    AlertInfo => "alert_info", "An alert of priority Informational or Debug.";
}

impl Role {
    /// The role's name in theme files.
    pub fn name(self) -> &'static str {
        Self::ALL[self as usize].1
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(r, _)| *r)
            .ok_or(())
    }
}

/// The terminal environment that decides whether colour may be used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvInfo {
    /// `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
    pub no_color: bool,
    /// `TERM`, if set.
    pub term: Option<String>,
    /// Colours the terminal supports, if the caller knows
    /// (e.g. `crossterm::style::available_color_count()`).
    pub colors: Option<u16>,
}

impl EnvInfo {
    /// Read `NO_COLOR` and `TERM` from the process environment; `colors` is left unknown.
    pub fn from_env() -> Self {
        Self::from_vars(
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        )
    }

    /// Build from the values of `NO_COLOR` and `TERM`.
    pub fn from_vars(no_color: Option<&OsStr>, term: Option<&OsStr>) -> Self {
        Self {
            no_color: no_color.is_some_and(|v| !v.is_empty()),
            term: term.map(|t| t.to_string_lossy().into_owned()),
            colors: None,
        }
    }

    /// The same, with the terminal's colour count.
    pub fn with_colors(mut self, colors: u16) -> Self {
        self.colors = Some(colors);
        self
    }

    /// Whether the terminal cannot show colour (`TERM=dumb` or fewer than 8 colours).
    pub fn terminal_lacks_color(&self) -> bool {
        self.term.as_deref() == Some("dumb") || self.colors.is_some_and(|n| n < 8)
    }
}

/// A style for every [`Role`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    name: String,
    styles: [Style; Role::ALL.len()],
}

impl Default for Theme {
    /// The `dark` theme (unstyled if it somehow failed to parse; the tests rule that out).
    fn default() -> Self {
        Self::builtin(DEFAULT_THEME).unwrap_or_else(|_| Self::plain())
    }
}

impl Theme {
    /// No styling at all.
    pub fn plain() -> Self {
        Self {
            name: "none".to_string(),
            styles: [Style::new(); Role::ALL.len()],
        }
    }

    /// Names of the built-in themes.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTINS.iter().map(|(name, _, _)| *name)
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Result<Self, ThemeError> {
        Self::builtin_at_depth(name, 0)
    }

    fn builtin_at_depth(name: &str, depth: usize) -> Result<Self, ThemeError> {
        let found = BUILTINS.iter().find(|(n, _, _)| *n == name);
        let (name, file, text) = found.ok_or_else(|| unknown_theme(name))?;
        Self::from_toml_at_depth(name, file, text, depth)
    }

    /// A built-in theme name, or a path to a theme file.
    pub fn load(name_or_path: &str) -> Result<Self, ThemeError> {
        if Self::builtin_names().any(|n| n == name_or_path) {
            return Self::builtin(name_or_path);
        }
        let path = Path::new(name_or_path);
        match crate::ui::toml_source::read_config(path) {
            Ok(text) => {
                let name = path.file_stem().map_or_else(
                    || name_or_path.to_string(),
                    |s| s.to_string_lossy().into_owned(),
                );
                Self::from_toml(&name, name_or_path, &text)
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && !name_or_path.contains(std::path::MAIN_SEPARATOR)
                    && path.extension().is_none() =>
            {
                Err(unknown_theme(name_or_path))
            }
            Err(source) => Err(ThemeError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Parse theme text; `file_name` is how errors refer to it.
    pub fn from_toml(name: &str, file_name: &str, text: &str) -> Result<Self, ThemeError> {
        Self::from_toml_at_depth(name, file_name, text, 0)
    }

    fn from_toml_at_depth(
        name: &str,
        file_name: &str,
        text: &str,
        depth: usize,
    ) -> Result<Self, ThemeError> {
        let names: Vec<&'static str> = Self::builtin_names().collect();
        let file = parse_theme(file_name, text, &names)?;
        let mut theme = match file.inherits {
            Some(base) if depth < MAX_INHERIT_DEPTH => Self::builtin_at_depth(base, depth + 1)?,
            _ => Self::plain(),
        };
        theme.name = name.to_string();
        for (role, style) in file.roles {
            theme.styles[role as usize] = style;
        }
        Ok(theme)
    }

    /// Pick the theme for this run. `NO_COLOR` always means `mono`; otherwise an
    /// explicit request wins; otherwise `mono` on colourless terminals, else `dark`.
    pub fn choose(requested: Option<&str>, env: &EnvInfo) -> Result<Self, ThemeError> {
        if env.no_color {
            return Self::builtin(MONO_THEME);
        }
        match requested {
            Some(name) => Self::load(name),
            None if env.terminal_lacks_color() => Self::builtin(MONO_THEME),
            None => Self::builtin(DEFAULT_THEME),
        }
    }

    /// The theme's name (`dark`, or a file's stem).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The style for a role.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role as usize]
    }
}

fn unknown_theme(name: &str) -> ThemeError {
    ThemeError::UnknownTheme {
        name: name.to_string(),
        available: Theme::builtin_names().collect::<Vec<_>>().join(", "),
    }
}

#[cfg(test)]
mod tests;
