//! Loading of `- rule:` items: new definitions, full redefinitions, `enabled` toggles, `append: true`, `override`, exceptions.

use std::collections::HashMap;

use super::loader::{FileCtx, Merge, item_name, merge_mode, scalar_text};
use super::model::{CondText, ExceptionDef, RuleDef, RuleSet};
use super::yaml::{Node, Spanned};
use crate::model::alert::Priority;

const RULE_KEYS: &[&str] = &[
    "rule",
    "desc",
    "condition",
    "output",
    "priority",
    "source",
    "tags",
    "enabled",
    "exceptions",
    "append",
    "override",
    "skip-if-unknown-filter",
    "warn_evttypes",
    "required_engine_version",
    "capture",
    "capture_duration",
];

const APPENDABLE: &[&str] = &["condition", "output", "desc", "tags", "exceptions"];

impl RuleSet {
    pub(super) fn load_rule(&mut self, ctx: &FileCtx<'_>, item: &Spanned) {
        let Some(name) = item_name(item, "rule") else {
            self.diags
                .error(&ctx.at(item), None, "rule without a name (`rule: NAME`)");
            return;
        };
        let label = format!("rule \"{name}\"");
        if let Node::Map(kv) = &item.node {
            for (k, _) in kv {
                let key = k.as_str().unwrap_or_default();
                if !RULE_KEYS.contains(&key) {
                    self.diags.warn(
                        &ctx.at(k),
                        Some(&label),
                        format!("unknown key `{key}` ignored"),
                    );
                }
            }
        }
        let Some(mode) = merge_mode(self, ctx, item, &label, &["condition", "exceptions"]) else {
            return;
        };
        let existing = self.rule_index.get(&name).copied();
        if !mode.is_empty() {
            let Some(i) = existing else {
                self.diags.error(
                    &ctx.at(item),
                    Some(&label),
                    "appends to or overrides a rule that is not defined",
                );
                return;
            };
            self.merge_rule(ctx, item, &label, i, &mode);
            return;
        }
        let only_enabled = matches!(&item.node, Node::Map(kv)
            if kv.iter().all(|(k, _)| matches!(k.as_str(), Some("rule" | "enabled"))));
        if let (Some(i), true) = (existing, only_enabled) {
            if let Some(e) = item.get("enabled")
                && let Some(b) = self.bool_of(ctx, e, &label, "enabled")
            {
                self.rules[i].enabled = b;
            }
            return;
        }
        let Some(def) = self.new_rule(ctx, item, &label, name.clone()) else {
            return;
        };
        match existing {
            Some(i) => self.rules[i] = def,
            None => {
                self.rule_index.insert(name, self.rules.len());
                self.rules.push(def);
            }
        }
    }

    fn new_rule(
        &mut self,
        ctx: &FileCtx<'_>,
        item: &Spanned,
        label: &str,
        name: String,
    ) -> Option<RuleDef> {
        let at = ctx.at(item);
        let mut missing = Vec::new();
        for key in ["condition", "output", "priority"] {
            if item.get(key).is_none() {
                missing.push(key);
            }
        }
        if !missing.is_empty() {
            self.diags.error(
                &at,
                Some(label),
                format!("rule without `{}`", missing.join("`, `")),
            );
            return None;
        }
        if item.get("desc").is_none() {
            self.diags.warn(&at, Some(label), "rule without `desc`");
        }
        let condition = self.cond_of(ctx, item.get("condition")?, label)?;
        let output = self.text_of(ctx, item.get("output")?, label, "output")?;
        let priority = self.priority_of(ctx, item.get("priority")?, label)?;
        let mut def = RuleDef {
            name,
            desc: item.get("desc").map(scalar_text).unwrap_or_default(),
            condition,
            output: output.trim_end().to_string(),
            priority,
            source: item
                .get("source")
                .and_then(Spanned::as_str)
                .unwrap_or("syscall")
                .to_string(),
            tags: Vec::new(),
            enabled: true,
            exceptions: Vec::new(),
            skip_if_unknown_filter: false,
            warn_evttypes: true,
            at,
        };
        if let Some(t) = item.get("tags") {
            def.tags = self.tags_of(ctx, t, label)?;
        }
        if let Some(e) = item.get("enabled") {
            def.enabled = self.bool_of(ctx, e, label, "enabled")?;
        }
        if let Some(e) = item.get("skip-if-unknown-filter") {
            def.skip_if_unknown_filter = self.bool_of(ctx, e, label, "skip-if-unknown-filter")?;
        }
        if let Some(e) = item.get("warn_evttypes") {
            def.warn_evttypes = self.bool_of(ctx, e, label, "warn_evttypes")?;
        }
        if let Some(ex) = item.get("exceptions") {
            def.exceptions = self.exceptions_of(ctx, ex, label);
        }
        Some(def)
    }

    fn merge_rule(
        &mut self,
        ctx: &FileCtx<'_>,
        item: &Spanned,
        label: &str,
        i: usize,
        mode: &HashMap<String, Merge>,
    ) {
        for (key, m) in mode {
            let Some(v) = item.get(key) else { continue };
            if *m == Merge::Append && !APPENDABLE.contains(&key.as_str()) {
                self.diags.error(
                    &ctx.at(v),
                    Some(label),
                    format!("`{key}` cannot be appended (only replaced)"),
                );
                continue;
            }
            match (key.as_str(), m) {
                ("condition", Merge::Append) => {
                    if let Some(t) = self.text_of(ctx, v, label, "condition") {
                        self.rules[i]
                            .condition
                            .appended
                            .push((t, ctx.at(v), ctx.source));
                    }
                }
                ("condition", Merge::Replace) => {
                    if let Some(c) = self.cond_of(ctx, v, label) {
                        self.rules[i].condition = c;
                    }
                }
                ("output", _) | ("desc", _) => {
                    let Some(t) = self.text_of(ctx, v, label, key) else {
                        continue;
                    };
                    let t = t.trim_end().to_string();
                    let r = &mut self.rules[i];
                    let slot = if key == "output" {
                        &mut r.output
                    } else {
                        &mut r.desc
                    };
                    if *m == Merge::Append {
                        slot.push(' ');
                        slot.push_str(&t);
                    } else {
                        *slot = t;
                    }
                }
                ("tags", _) => {
                    if let Some(t) = self.tags_of(ctx, v, label) {
                        let r = &mut self.rules[i];
                        if *m == Merge::Append {
                            r.tags.extend(t);
                        } else {
                            r.tags = t;
                        }
                    }
                }
                ("exceptions", _) => {
                    let ex = self.exceptions_of(ctx, v, label);
                    let r = &mut self.rules[i];
                    if *m == Merge::Replace {
                        r.exceptions = ex;
                        continue;
                    }
                    for e in ex {
                        match r.exceptions.iter_mut().find(|x| x.name == e.name) {
                            Some(x) => x.values.extend(e.values),
                            None => r.exceptions.push(e),
                        }
                    }
                }
                ("priority", _) => {
                    if let Some(p) = self.priority_of(ctx, v, label) {
                        self.rules[i].priority = p;
                    }
                }
                ("enabled", _) => {
                    if let Some(b) = self.bool_of(ctx, v, label, "enabled") {
                        self.rules[i].enabled = b;
                    }
                }
                ("source", _) => self.rules[i].source = scalar_text(v),
                ("warn_evttypes", _) => {
                    if let Some(b) = self.bool_of(ctx, v, label, key) {
                        self.rules[i].warn_evttypes = b;
                    }
                }
                ("skip-if-unknown-filter", _) => {
                    if let Some(b) = self.bool_of(ctx, v, label, key) {
                        self.rules[i].skip_if_unknown_filter = b;
                    }
                }
                (other, _) => self.diags.warn(
                    &ctx.at(v),
                    Some(label),
                    format!("override of `{other}` ignored"),
                ),
            }
        }
    }

    fn cond_of(&mut self, ctx: &FileCtx<'_>, v: &Spanned, label: &str) -> Option<CondText> {
        let text = self.text_of(ctx, v, label, "condition")?;
        Some(CondText {
            text,
            at: ctx.at(v),
            source: ctx.source,
            appended: Vec::new(),
        })
    }

    fn text_of(
        &mut self,
        ctx: &FileCtx<'_>,
        v: &Spanned,
        label: &str,
        key: &str,
    ) -> Option<String> {
        match &v.node {
            Node::Scalar(s) => Some(s.clone()),
            Node::Null => Some(String::new()),
            _ => {
                self.diags.error(
                    &ctx.at(v),
                    Some(label),
                    format!("`{key}` is a string, found {}", v.kind()),
                );
                None
            }
        }
    }

    fn priority_of(&mut self, ctx: &FileCtx<'_>, v: &Spanned, label: &str) -> Option<Priority> {
        let p = v.as_str().and_then(Priority::parse);
        if p.is_none() {
            self.diags.error(
                &ctx.at(v),
                Some(label),
                format!(
                    "unknown priority `{}` (EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFO, DEBUG)",
                    v.as_str().unwrap_or_default()
                ),
            );
        }
        p
    }

    fn bool_of(&mut self, ctx: &FileCtx<'_>, v: &Spanned, label: &str, key: &str) -> Option<bool> {
        match v.as_str() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => {
                self.diags
                    .error(&ctx.at(v), Some(label), format!("`{key}` is true or false"));
                None
            }
        }
    }

    fn tags_of(&mut self, ctx: &FileCtx<'_>, v: &Spanned, label: &str) -> Option<Vec<String>> {
        match &v.node {
            Node::Seq(items) => Some(
                items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .map(String::from)
                    .collect(),
            ),
            Node::Null => Some(Vec::new()),
            _ => {
                self.diags
                    .error(&ctx.at(v), Some(label), "`tags` is a sequence of strings");
                None
            }
        }
    }

    fn exceptions_of(&mut self, ctx: &FileCtx<'_>, v: &Spanned, label: &str) -> Vec<ExceptionDef> {
        let Node::Seq(items) = &v.node else {
            if v.node != Node::Null {
                self.diags
                    .error(&ctx.at(v), Some(label), "`exceptions` is a sequence");
            }
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|e| self.exception_of(ctx, e, label))
            .collect()
    }

    fn exception_of(
        &mut self,
        ctx: &FileCtx<'_>,
        e: &Spanned,
        label: &str,
    ) -> Option<ExceptionDef> {
        let at = ctx.at(e);
        let Some(name) = item_name(e, "name") else {
            self.diags
                .error(&at, Some(label), "exception without `name`");
            return None;
        };
        let (fields, single) = match e.get("fields").map(|f| &f.node) {
            Some(Node::Scalar(f)) => (vec![f.clone()], true),
            Some(Node::Seq(fs)) => (
                fs.iter()
                    .filter_map(|f| f.as_str())
                    .map(String::from)
                    .collect(),
                false,
            ),
            // values-only exceptions extend an existing one with the same name
            None => (Vec::new(), false),
            Some(_) => {
                self.diags.error(
                    &at,
                    Some(label),
                    format!("exception \"{name}\": `fields` is a field or a list of fields"),
                );
                return None;
            }
        };
        let comps = match e.get("comps").map(|c| &c.node) {
            Some(Node::Scalar(c)) => vec![c.clone()],
            Some(Node::Seq(cs)) => cs
                .iter()
                .filter_map(|c| c.as_str())
                .map(String::from)
                .collect(),
            _ if single => vec!["in".to_string()],
            _ => vec!["=".to_string(); fields.len()],
        };
        if !fields.is_empty() && comps.len() != fields.len() {
            self.diags.error(
                &at,
                Some(label),
                format!(
                    "exception \"{name}\": {} fields but {} comps",
                    fields.len(),
                    comps.len()
                ),
            );
            return None;
        }
        let mut values = Vec::new();
        if let Some(Node::Seq(vs)) = e.get("values").map(|v| &v.node) {
            for v in vs {
                match (&v.node, single) {
                    (Node::Seq(tuple), false) => values.push(tuple.iter().map(items_of).collect()),
                    (_, true) => values.push(vec![items_of(v)]),
                    (_, false) => {
                        self.diags.error(
                            &ctx.at(v),
                            Some(label),
                            format!("exception \"{name}\": each value is a list matching `fields`"),
                        );
                    }
                }
            }
        }
        Some(ExceptionDef {
            name,
            fields,
            single,
            comps,
            values,
            at,
        })
    }
}

fn items_of(v: &Spanned) -> Vec<String> {
    match &v.node {
        Node::Scalar(s) => vec![s.clone()],
        Node::Seq(items) => items.iter().map(scalar_text).collect(),
        _ => vec![String::new()],
    }
}
