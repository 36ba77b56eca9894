//! Keymaps: which key triggers which [`Action`], per context, loaded from TOML presets and a user file.
//!
//! A keymap is built from layers: the `default` preset, optionally the `vim`
//! preset on top, then the user's file. A layer that names an action in a
//! section replaces that action's keys in that section; everything else is
//! inherited. After merging, one key may not trigger two actions in the same
//! section. A pane section (`[stream]`, `[summary]`, `[processes]`) wins over
//! `[global]` for that pane.

mod error;
mod key;
mod parse;

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyEvent, KeyEventKind};

use crate::app::Action;

pub use crate::app::input::KeyContext;
pub use crate::ui::toml_source::Location;
pub use error::KeymapError;
pub use key::{KeyBinding, KeyParseError};
use parse::{Layer, parse_layer};

/// The embedded presets: name, file name used in messages, contents.
const PRESETS: [(&str, &str, &str); 2] = [
    (
        "default",
        "keymaps/default.toml",
        include_str!("../../../keymaps/default.toml"),
    ),
    (
        "vim",
        "keymaps/vim.toml",
        include_str!("../../../keymaps/vim.toml"),
    ),
];

/// One line of the help overlay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpEntry {
    /// The keys, as written in keymap files, e.g. `q, ctrl-c` (empty if unbound).
    pub keys: String,
    pub action: Action,
    pub description: &'static str,
}

#[derive(Clone, Debug, Default)]
struct Bindings {
    by_action: BTreeMap<Action, Vec<KeyBinding>>,
    by_key: HashMap<KeyBinding, Action>,
}

/// A loaded, conflict-free keymap.
#[derive(Clone, Debug)]
pub struct Keymap {
    contexts: [Bindings; KeyContext::ALL.len()],
}

impl Default for Keymap {
    /// The `default` preset (falls back to an empty keymap, which the tests rule out).
    fn default() -> Self {
        Self::preset("default").unwrap_or_else(|_| Self {
            contexts: Default::default(),
        })
    }
}

impl Keymap {
    /// Names of the embedded presets.
    pub fn preset_names() -> impl Iterator<Item = &'static str> {
        PRESETS.iter().map(|(name, _, _)| *name)
    }

    /// An embedded preset alone (`default`, or `vim` = default overridden by vim.toml).
    pub fn preset(name: &str) -> Result<Self, KeymapError> {
        Self::from_layers(&preset_layers(name)?)
    }

    /// The preset, then `user_file` on top. A missing user file is not an error.
    pub fn load(preset: &str, user_file: Option<&Path>) -> Result<Self, KeymapError> {
        let mut layers = preset_layers(preset)?;
        if let Some(path) = user_file {
            match crate::ui::toml_source::read_config(path) {
                Ok(text) => layers.push(parse_layer(&path.display().to_string(), &text)?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(KeymapError::Io {
                        path: path.to_path_buf(),
                        source,
                    });
                }
            }
        }
        Self::from_layers(&layers)
    }

    /// The preset, then an override given as text (`file_name` is used in errors).
    pub fn with_override(preset: &str, file_name: &str, text: &str) -> Result<Self, KeymapError> {
        let mut layers = preset_layers(preset)?;
        layers.push(parse_layer(file_name, text)?);
        Self::from_layers(&layers)
    }

    fn from_layers(layers: &[Layer]) -> Result<Self, KeymapError> {
        // Per context: action -> keys with (layer index, location), later layers replacing.
        type Located = (KeyBinding, usize, Location);
        let mut merged: [BTreeMap<Action, Vec<Located>>; KeyContext::ALL.len()] =
            Default::default();
        for (index, layer) in layers.iter().enumerate() {
            for (context, entries) in layer {
                for entry in entries {
                    let keys = entry.keys.iter().map(|(k, at)| (*k, index, at.clone()));
                    merged[*context as usize].insert(entry.action, keys.collect());
                }
            }
        }
        let mut contexts: [Bindings; KeyContext::ALL.len()] = Default::default();
        for context in KeyContext::ALL {
            let actions = &merged[context as usize];
            let mut all: Vec<(Action, &Located)> = actions
                .iter()
                .flat_map(|(a, keys)| keys.iter().map(move |k| (*a, k)))
                .collect();
            all.sort_by_key(|(_, (_, layer, at))| (*layer, at.line, at.column));
            let bindings = &mut contexts[context as usize];
            let mut seen: HashMap<KeyBinding, (Action, &Location)> = HashMap::new();
            for (action, (key, _, at)) in all {
                match seen.get(key) {
                    Some(&(first, first_at)) if first != action => {
                        return Err(KeymapError::Conflict {
                            key: key.to_string(),
                            context: context.name(),
                            first,
                            first_at: first_at.clone(),
                            second: action,
                            at: at.clone(),
                        });
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(*key, (action, at));
                        bindings.by_key.insert(*key, action);
                    }
                }
            }
            bindings.by_action = actions
                .iter()
                .map(|(a, keys)| (*a, keys.iter().map(|(k, _, _)| *k).collect()))
                .collect();
        }
        Ok(Self { contexts })
    }

    fn bindings(&self, context: KeyContext) -> &Bindings {
        &self.contexts[context as usize]
    }

    /// The action a key press triggers in `context` (falling back to `global`).
    /// Key releases trigger nothing.
    pub fn action(&self, context: impl Into<KeyContext>, event: &KeyEvent) -> Option<Action> {
        let context = context.into();
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let key = KeyBinding::from_event(event);
        self.bindings(context)
            .by_key
            .get(&key)
            .or_else(|| self.bindings(KeyContext::Global).by_key.get(&key))
            .copied()
    }

    /// The keys that trigger `action` in `context`: the context's own keys first,
    /// then the global keys the context does not shadow.
    pub fn keys(&self, context: impl Into<KeyContext>, action: Action) -> Vec<KeyBinding> {
        let context = context.into();
        let own = self.bindings(context);
        let mut keys = own.by_action.get(&action).cloned().unwrap_or_default();
        if context != KeyContext::Global {
            let global = self.bindings(KeyContext::Global);
            let inherited = global.by_action.get(&action).into_iter().flatten();
            keys.extend(inherited.filter(|k| !own.by_key.contains_key(k)));
        }
        keys
    }

    /// Help lines for normal browsing (`global`), in [`Action::ALL`] order.
    pub fn help_entries(&self) -> Vec<HelpEntry> {
        self.help_entries_in(KeyContext::Global)
    }

    /// Help lines as they apply in `context`, in [`Action::ALL`] order.
    pub fn help_entries_in(&self, context: impl Into<KeyContext>) -> Vec<HelpEntry> {
        let context = context.into();
        Action::ALL
            .iter()
            .map(|(action, _)| HelpEntry {
                keys: join_keys(&self.keys(context, *action)),
                action: *action,
                description: action.description(),
            })
            .collect()
    }
}

impl Keymap {
    /// The bound keys of every action in every context, as the core keeps them for the help overlay.
    pub fn key_help(&self) -> crate::app::input::KeyHelp {
        let contexts = KeyContext::ALL
            .iter()
            .map(|c| {
                let entries = self.help_entries_in(*c).into_iter();
                let bound = entries.filter(|e| !e.keys.is_empty());
                (*c, bound.map(|e| (e.action, e.keys)).collect())
            })
            .collect();
        crate::app::input::KeyHelp { contexts }
    }
}

fn join_keys(keys: &[KeyBinding]) -> String {
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn preset_layers(name: &str) -> Result<Vec<Layer>, KeymapError> {
    let chain: &[&str] = match name {
        "default" => &["default"],
        "vim" => &["default", "vim"],
        _ => {
            return Err(KeymapError::UnknownPreset {
                name: name.to_string(),
                available: Keymap::preset_names().collect::<Vec<_>>().join(", "),
            });
        }
    };
    chain
        .iter()
        .filter_map(|n| PRESETS.iter().find(|(p, _, _)| p == n))
        .map(|(_, file, text)| parse_layer(file, text))
        .collect()
}

/// `$XDG_CONFIG_HOME/ktriage/keymap.toml`, else `~/.config/ktriage/keymap.toml`.
pub fn default_user_keymap_path() -> Option<PathBuf> {
    user_keymap_path_from(
        std::env::var_os("XDG_CONFIG_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )
}

/// [`default_user_keymap_path`] with the environment passed in. Per the XDG
/// spec, an empty or relative `XDG_CONFIG_HOME` is ignored.
pub fn user_keymap_path_from(
    xdg_config_home: Option<&OsStr>,
    home: Option<&OsStr>,
) -> Option<PathBuf> {
    let xdg = xdg_config_home.map(Path::new).filter(|p| p.is_absolute());
    let base = match xdg {
        Some(dir) => dir.to_path_buf(),
        None => Path::new(home.filter(|h| !h.is_empty())?).join(".config"),
    };
    Some(base.join("ktriage").join("keymap.toml"))
}

#[cfg(test)]
mod tests;
