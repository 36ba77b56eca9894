//! Turning one keymap TOML file into located `(context, action, keys)` entries.

use toml::de::DeValue;

use crate::app::Action;
use crate::ui::toml_source::{Location, Source, entries_in_file_order, string_or_strings};

use super::KeyContext;
use super::error::KeymapError;
use super::key::KeyBinding;

/// One `action = [...]` line: the action and its keys, each with where it was written.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub action: Action,
    pub keys: Vec<(KeyBinding, Location)>,
}

/// The entries of one file, grouped by section, in file order.
pub(super) type Layer = Vec<(KeyContext, Vec<Entry>)>;

/// Parse a keymap file. `name` is how errors refer to it.
pub(super) fn parse_layer(name: &str, text: &str) -> Result<Layer, KeymapError> {
    let src = Source::new(name, text);
    let doc = src.parse()?;
    let mut layer = Layer::new();
    for (section, value) in entries_in_file_order(doc.get_ref()) {
        let at = src.at(&section.span());
        let section_name = section.get_ref().as_ref();
        let DeValue::Table(table) = value.get_ref() else {
            return Err(KeymapError::NotASection {
                name: section_name.to_string(),
                at,
            });
        };
        let context: KeyContext =
            section_name
                .parse()
                .map_err(|_| KeymapError::UnknownSection {
                    name: section_name.to_string(),
                    at,
                    expected: KeyContext::ALL.map(|c| c.name()).join(", "),
                })?;
        let mut entries = Vec::new();
        for (key, value) in entries_in_file_order(table) {
            let at = src.at(&key.span());
            let action: Action = key
                .get_ref()
                .parse()
                .map_err(|_| KeymapError::UnknownAction {
                    name: key.get_ref().to_string(),
                    at: at.clone(),
                })?;
            let strings = string_or_strings(value).ok_or(KeymapError::NotKeys { action, at })?;
            let mut keys: Vec<(KeyBinding, Location)> = Vec::with_capacity(strings.len());
            for (s, span) in strings {
                let at = src.at(&span);
                let binding = KeyBinding::parse(s).map_err(|reason| KeymapError::InvalidKey {
                    key: s.to_string(),
                    action,
                    at: at.clone(),
                    reason,
                })?;
                if !keys.iter().any(|(k, _)| *k == binding) {
                    keys.push((binding, at));
                }
            }
            entries.push(Entry { action, keys });
        }
        layer.push((context, entries));
    }
    Ok(layer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse_layer("t.toml", text) {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parses_strings_and_arrays_with_lines() {
        let layer = parse_layer(
            "t.toml",
            "[global]\nquit = [\"q\",\n  \"ctrl-c\"]\nhelp = \"?\"\n",
        );
        let layer = layer.unwrap_or_default();
        assert_eq!(layer.len(), 1);
        let (ctx, entries) = &layer[0];
        assert_eq!(*ctx, KeyContext::Global);
        assert_eq!(entries[0].action, Action::Quit);
        let lines: Vec<usize> = entries[0].keys.iter().map(|(_, at)| at.line).collect();
        assert_eq!(lines, [2, 3]);
        assert_eq!(entries[1].action, Action::ToggleHelp);
    }

    #[test]
    fn reports_unknown_names_with_location() {
        assert_eq!(
            err("[global]\n\nqiut = \"q\"\n"),
            "unknown action 'qiut' at t.toml:3:1"
        );
        assert!(
            err("\n[glbal]\nquit = \"q\"\n").contains("unknown section '[glbal]' at t.toml:2:")
        );
        assert!(err("quit = \"q\"\n").contains("not inside a section"));
        assert!(err("[global]\nquit = 3\n").contains("at t.toml:2:1"));
        assert!(
            err("[global]\nquit = [\"q\",\n \"ctlr-x\"]\n")
                .contains("'ctlr-x' for 'quit' at t.toml:3:2")
        );
    }
}
