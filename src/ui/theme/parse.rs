//! Turning a theme TOML file into role styles: colour names, modifiers, `inherits`.

use std::ops::Range;

use ratatui::style::{Color, Modifier, Style};
use toml::Spanned;
use toml::de::DeValue;

use crate::ui::toml_source::{Source, entries_in_file_order, string_or_strings};

use super::Role;
use super::error::ThemeError;

/// What a theme file says, before it is laid over its base.
#[derive(Clone, Debug)]
pub(super) struct ThemeFile {
    /// The built-in theme that supplies omitted roles; `None` = plain (no style).
    pub inherits: Option<&'static str>,
    pub roles: Vec<(Role, Style)>,
}

/// Parse a theme file. `name` is how errors refer to it; `builtins` are the
/// names `inherits` may use.
pub(super) fn parse_theme(
    name: &str,
    text: &str,
    builtins: &[&'static str],
) -> Result<ThemeFile, ThemeError> {
    let src = Source::new(name, text);
    let doc = src.parse()?;
    let mut file = ThemeFile {
        inherits: builtins.iter().copied().find(|b| *b == "dark"),
        roles: Vec::new(),
    };
    for (key, value) in entries_in_file_order(doc.get_ref()) {
        let key_name = key.get_ref().as_ref();
        if key_name == "inherits" {
            let value_str = string(&src, "inherits", value)?;
            file.inherits =
                match value_str {
                    "none" => None,
                    other => Some(builtins.iter().copied().find(|b| *b == other).ok_or_else(
                        || ThemeError::BadInherits {
                            value: other.to_string(),
                            at: src.at(&value.span()),
                        },
                    )?),
                };
            continue;
        }
        let role: Role = key_name.parse().map_err(|_| ThemeError::UnknownRole {
            name: key_name.to_string(),
            at: src.at(&key.span()),
            expected: Role::ALL.map(|(_, n)| n).join(", "),
        })?;
        let DeValue::Table(fields) = value.get_ref() else {
            return Err(ThemeError::NotATable {
                role: role.name(),
                at: src.at(&key.span()),
            });
        };
        let mut style = Style::new();
        for (field, value) in entries_in_file_order(fields) {
            match field.get_ref().as_ref() {
                "fg" => style.fg = Some(color(&src, string(&src, "fg", value)?, value.span())?),
                "bg" => style.bg = Some(color(&src, string(&src, "bg", value)?, value.span())?),
                "modifiers" => {
                    let names = string_or_strings(value).ok_or_else(|| ThemeError::NotAString {
                        field: "modifiers".to_string(),
                        at: src.at(&value.span()),
                    })?;
                    for (m, span) in names {
                        style = style.add_modifier(modifier(&src, m, span)?);
                    }
                }
                other => {
                    return Err(ThemeError::UnknownField {
                        role: role.name(),
                        field: other.to_string(),
                        at: src.at(&field.span()),
                    });
                }
            }
        }
        file.roles.push((role, style));
    }
    Ok(file)
}

fn string<'v>(
    src: &Source<'_>,
    field: &str,
    value: &'v Spanned<DeValue<'_>>,
) -> Result<&'v str, ThemeError> {
    value
        .get_ref()
        .as_str()
        .ok_or_else(|| ThemeError::NotAString {
            field: field.to_string(),
            at: src.at(&value.span()),
        })
}

/// Parse a colour: one of the 16 ANSI names (`_`, `-` and case ignored,
/// `grey` accepted), `reset`, or `#rrggbb`.
pub(super) fn parse_color(s: &str) -> Option<Color> {
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        return Some(Color::Rgb(channel(0)?, channel(2)?, channel(4)?));
    }
    let name: String = s
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Some(match name.replace("grey", "gray").as_str() {
        "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" => Color::Gray,
        "darkgray" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    })
}

fn color(src: &Source<'_>, s: &str, span: Range<usize>) -> Result<Color, ThemeError> {
    parse_color(s).ok_or_else(|| ThemeError::BadColor {
        value: s.to_string(),
        at: src.at(&span),
    })
}

fn modifier(src: &Source<'_>, s: &str, span: Range<usize>) -> Result<Modifier, ThemeError> {
    Ok(match s.to_ascii_lowercase().as_str() {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" | "underline" => Modifier::UNDERLINED,
        "reversed" | "reverse" => Modifier::REVERSED,
        _ => {
            return Err(ThemeError::BadModifier {
                value: s.to_string(),
                at: src.at(&span),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILTINS: &[&str] = &["dark", "mono"];

    fn err(text: &str) -> String {
        match parse_theme("t.toml", text, BUILTINS) {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn colours() {
        assert_eq!(parse_color("DarkGray"), Some(Color::DarkGray));
        assert_eq!(parse_color("light_red"), Some(Color::LightRed));
        assert_eq!(parse_color("grey"), Some(Color::Gray));
        assert_eq!(parse_color("reset"), Some(Color::Reset));
        assert_eq!(parse_color("#ff8000"), Some(Color::Rgb(255, 128, 0)));
        assert_eq!(parse_color("#ff80"), None);
        assert_eq!(parse_color("#gg0000"), None);
        assert_eq!(parse_color("#ééé"), None);
        assert_eq!(parse_color("purple"), None);
    }

    #[test]
    fn parses_roles_and_inherits() {
        let text = "inherits = \"mono\"\n[selected]\nfg = \"black\"\nbg = \"cyan\"\nmodifiers = [\"bold\", \"reversed\"]\n[error]\nmodifiers = \"underlined\"\n";
        let file = parse_theme("t.toml", text, BUILTINS).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file.inherits, Some("mono"));
        let expected = Style::new()
            .fg(Color::Black)
            .bg(Color::Cyan)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED);
        assert_eq!(file.roles[0], (Role::Selected, expected));
        assert_eq!(file.roles[1].0, Role::Error);
        let none = parse_theme("t.toml", "inherits = \"none\"\n", BUILTINS);
        assert_eq!(none.map(|f| f.inherits).ok(), Some(None));
    }

    #[test]
    fn errors_are_located() {
        assert!(
            err("[text]\nfg = \"gray\"\n\n[txet]\n").contains("unknown role 'txet' at t.toml:4:2")
        );
        assert!(err("[text]\nfg = \"purple\"\n").contains("bad colour 'purple' at t.toml:2:6"));
        assert!(
            err("[text]\nmodifiers = [\"bold\", \"blink\"]\n").contains("'blink' at t.toml:2:22")
        );
        assert!(
            err("[text]\ncolour = \"red\"\n")
                .contains("unknown field 'colour' in role 'text' at t.toml:2:1")
        );
        assert!(err("text = \"red\"\n").contains("role 'text' at t.toml:1:1 must be a table"));
        assert!(err("[text]\nfg = 3\n").contains("'fg' at t.toml:2:6 must be a string"));
        assert!(err("inherits = \"solarized\"\n").contains("t.toml:1:12"));
    }
}
