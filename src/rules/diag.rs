//! Located diagnostics (errors and warnings) produced while loading and compiling rule files.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The item (file, rule, macro, list) could not be used.
    Error,
    /// The item loads but something is off (unknown key, rule without an event type...).
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// A place in a rule file: 1-based line and column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Location {
    /// File name as given.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// One message about a rule file, with where it applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub at: Location,
    /// The item it is about (`rule "Write below binary dir"`), if any.
    pub item: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: ", self.at, self.severity.name())?;
        if let Some(item) = &self.item {
            write!(f, "{item}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A list of diagnostics with helpers to add to it.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds an error.
    pub fn error(&mut self, at: &Location, item: Option<&str>, message: impl Into<String>) {
        self.push(Severity::Error, at, item, message.into());
    }

    /// Adds a warning.
    pub fn warn(&mut self, at: &Location, item: Option<&str>, message: impl Into<String>) {
        self.push(Severity::Warning, at, item, message.into());
    }

    fn push(&mut self, severity: Severity, at: &Location, item: Option<&str>, message: String) {
        self.list.push(Diagnostic {
            severity,
            at: at.clone(),
            item: item.map(str::to_string),
            message,
        });
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.list
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}
