//! Shared plumbing for the TOML config files (keymaps, themes): parsing with spans and file:line:column locations.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Where something is in a config file: `file:line:column`, both 1-based.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file's name as shown to the user (a path, or `keymaps/default.toml` for embedded files).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A config file's name and text, used to turn byte offsets into [`Location`]s.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// A TOML syntax error, already located.
#[derive(Clone, Debug)]
pub(crate) struct SyntaxError {
    pub at: Location,
    pub message: String,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        Self { name, text }
    }

    /// The location of byte `offset` (clamped to the text, snapped to a char boundary).
    pub fn location(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location {
            file: self.name.to_string(),
            line,
            column,
        }
    }

    /// The location of the start of `span`.
    pub fn at(&self, span: &Range<usize>) -> Location {
        self.location(span.start)
    }

    /// Parse the whole document, keeping spans.
    pub fn parse(&self) -> Result<Spanned<DeTable<'a>>, SyntaxError> {
        DeTable::parse(self.text).map_err(|e| SyntaxError {
            at: self.location(e.span().map_or(0, |s| s.start)),
            message: e.message().trim_end().to_string(),
        })
    }
}

/// Reads a theme or keymap file through [`crate::safe_fs`]: a regular file
/// (or `-`, stdin) of at most [`CONFIG_CAP`](crate::safe_fs::CONFIG_CAP) bytes,
/// UTF-8. A FIFO or device is refused at once, never waited on.
pub(crate) fn read_config(path: &Path) -> io::Result<String> {
    let bytes =
        crate::safe_fs::read_input("", path, crate::safe_fs::CONFIG_CAP).map_err(|e| match e {
            crate::safe_fs::FileError::Io { source, .. } => source,
            other => io::Error::new(io::ErrorKind::InvalidInput, other.reason()),
        })?;
    String::from_utf8(bytes).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8"))
}

/// Entries of a table sorted by where they appear in the file (the parser sorts them by name).
pub(crate) fn entries_in_file_order<'t, 'i>(
    table: &'t DeTable<'i>,
) -> Vec<(
    &'t Spanned<toml::de::DeString<'i>>,
    &'t Spanned<DeValue<'i>>,
)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

/// A string, or an array of strings, with the span of each string.
/// `None` if the value has any other shape.
pub(crate) fn string_or_strings<'v>(
    value: &'v Spanned<DeValue<'_>>,
) -> Option<Vec<(&'v str, Range<usize>)>> {
    match value.get_ref() {
        DeValue::String(s) => Some(vec![(s.as_ref(), value.span())]),
        DeValue::Array(items) => items
            .iter()
            .map(|item| item.get_ref().as_str().map(|s| (s, item.span())))
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_columns() {
        let src = Source::new("f.toml", "a = 1\n\nbé = 2\n");
        assert_eq!(src.location(0).to_string(), "f.toml:1:1");
        assert_eq!(src.location(6).to_string(), "f.toml:2:1");
        assert_eq!(src.location(7).to_string(), "f.toml:3:1");
        // Offset inside the two-byte 'é' snaps back to it; the '=' after it is column 4.
        assert_eq!(src.location(9).column, 2);
        assert_eq!(src.location(11).column, 4);
        assert_eq!(src.location(1000).line, 4);
    }

    #[test]
    fn syntax_errors_are_located() {
        let src = Source::new("f.toml", "[global]\nquit = [\"q\"\n");
        let err = src.parse().err().map(|e| e.at.line);
        assert!(matches!(err, Some(2 | 3)), "{err:?}");
    }

    #[test]
    fn entries_come_back_in_file_order() {
        let src = Source::new("f.toml", "zeta = 1\nalpha = 2\n");
        let doc = src.parse().ok();
        let names: Vec<String> = doc
            .iter()
            .flat_map(|d| entries_in_file_order(d.get_ref()))
            .map(|(k, _)| k.get_ref().to_string())
            .collect();
        assert_eq!(names, ["zeta", "alpha"]);
    }
}
