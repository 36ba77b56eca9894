//! The definitions a set of rule files declares (lists, macros, rules, exceptions), before compilation.

use std::collections::HashMap;

use super::diag::{Diagnostics, Location};
use crate::model::alert::Priority;

/// A `- list:` item.
#[derive(Clone, Debug, PartialEq)]
pub struct ListDef {
    pub name: String,
    pub items: Vec<String>,
    pub at: Location,
}

/// A condition's text and where it starts in its file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CondText {
    pub text: String,
    /// Start of the scalar (block scalars: the `>` indicator).
    pub at: Location,
    /// Index of the file's source in [`RuleSet::sources`] (for precise positions).
    pub source: usize,
    /// Text appended by later files: (text, where), located separately.
    pub appended: Vec<(String, Location, usize)>,
}

impl CondText {
    /// The full condition: the base text and every appended part, space separated.
    pub fn full(&self) -> String {
        let mut s = self.text.clone();
        for (t, _, _) in &self.appended {
            s.push(' ');
            s.push_str(t);
        }
        s
    }
}

/// A `- macro:` item.
#[derive(Clone, Debug, PartialEq)]
pub struct MacroDef {
    pub name: String,
    pub condition: CondText,
    pub at: Location,
}

/// One rule exception: `fields`, `comps` and `values`, single-field or tuple form.
#[derive(Clone, Debug, PartialEq)]
pub struct ExceptionDef {
    pub name: String,
    /// Field names (one for the single-field form).
    pub fields: Vec<String>,
    /// True when `fields` was a single scalar (values are then plain items).
    pub single: bool,
    /// Operators, one per field.
    pub comps: Vec<String>,
    /// Value tuples (single form: one item per tuple). Each value is a list of items
    /// (one item unless the YAML gave a nested sequence, used with `in`/`pmatch`).
    pub values: Vec<Vec<Vec<String>>>,
    pub at: Location,
}

/// A `- rule:` item after appends and overrides.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDef {
    pub name: String,
    pub desc: String,
    pub condition: CondText,
    pub output: String,
    pub priority: Priority,
    pub source: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub exceptions: Vec<ExceptionDef>,
    /// Skip silently when the condition names an unknown field.
    pub skip_if_unknown_filter: bool,
    /// Warn when the rule has no event type restriction (Falco's default: true).
    pub warn_evttypes: bool,
    pub at: Location,
}

/// `required_plugin_versions` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginReq {
    pub name: String,
    pub version: String,
    pub at: Location,
}

/// Everything a sequence of rule files declares, later files overriding earlier ones.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    pub lists: Vec<ListDef>,
    pub macros: Vec<MacroDef>,
    pub rules: Vec<RuleDef>,
    pub list_index: HashMap<String, usize>,
    pub macro_index: HashMap<String, usize>,
    pub rule_index: HashMap<String, usize>,
    /// `required_engine_version` values (recorded, not enforced).
    pub engine_versions: Vec<(String, Location)>,
    /// `required_plugin_versions` entries (recorded, not enforced).
    pub plugins: Vec<PluginReq>,
    /// Files loaded, in order, with their text (for positions in conditions).
    pub sources: Vec<(String, String)>,
    /// Files that did not parse as YAML (or could not be read).
    pub failed_files: Vec<String>,
    pub diags: Diagnostics,
}

impl RuleSet {
    /// The list called `name`.
    pub fn list(&self, name: &str) -> Option<&ListDef> {
        self.list_index.get(name).map(|&i| &self.lists[i])
    }

    /// The macro called `name`.
    pub fn macro_def(&self, name: &str) -> Option<&MacroDef> {
        self.macro_index.get(name).map(|&i| &self.macros[i])
    }

    /// The rule called `name`.
    pub fn rule(&self, name: &str) -> Option<&RuleDef> {
        self.rule_index.get(name).map(|&i| &self.rules[i])
    }
}
