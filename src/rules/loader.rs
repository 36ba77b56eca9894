//! Loads Falco rule files (YAML) into a [`RuleSet`]: lists, macros, version requirements; rules in `loader_rule.rs`.
//!
//! One bad item never stops the others: each problem becomes a located
//! [`Diagnostic`](super::diag::Diagnostic) and loading goes on.

use super::diag::Location;
use super::model::{CondText, ListDef, MacroDef, PluginReq, RuleSet};
use super::yaml::{self, Node, Spanned};
use super::yaml_lenient;

/// The Falco rules engine version whose language ktriage implements (the one the shipped rules require).
pub const ENGINE_VERSION: &str = "0.57.0";

/// `N` (old style, means 0.N.0) or `MAJOR.MINOR.PATCH`, as Falco compares them.
pub fn engine_version(v: &str) -> Option<(u64, u64, u64)> {
    let parts: Vec<u64> = v
        .trim()
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts[..] {
        [n] => Some((0, n, 0)),
        [a, b] => Some((a, b, 0)),
        [a, b, c] => Some((a, b, c)),
        _ => None,
    }
}

/// Context of the file being loaded.
pub(super) struct FileCtx<'a> {
    pub name: &'a str,
    pub source: usize,
}

impl FileCtx<'_> {
    pub fn at(&self, n: &Spanned) -> Location {
        Location {
            file: self.name.to_string(),
            line: n.line,
            col: n.col,
        }
    }
}

impl RuleSet {
    /// Reads and loads the file at `path` (`-`: stdin; a regular file of at most
    /// [`RULES_CAP`](crate::safe_fs::RULES_CAP) bytes); an unreadable file is an error diagnostic.
    pub fn load_file(&mut self, path: &std::path::Path) {
        let name = path.display().to_string();
        match crate::safe_fs::read_input("", path, crate::safe_fs::RULES_CAP) {
            Ok(bytes) => self.load_str(&name, &String::from_utf8_lossy(&bytes)),
            Err(e) => {
                let at = Location {
                    file: name.clone(),
                    ..Location::default()
                };
                self.diags
                    .error(&at, None, format!("cannot read: {}", e.reason()));
                self.failed_files.push(name);
            }
        }
    }

    /// Loads one file's text; later files override what earlier ones defined.
    ///
    /// Parsed as yaml-cpp would (see [`yaml_lenient`]); when the file as a
    /// whole is not valid YAML, each top-level item is parsed on its own: the
    /// broken ones are located errors, the others load.
    pub fn load_str(&mut self, file: &str, text: &str) {
        let source = self.sources.len();
        self.sources.push((file.to_string(), text.to_string()));
        let ctx = FileCtx { name: file, source };
        match yaml::parse(&yaml_lenient::relax_flow_indent(text)) {
            Ok(docs) => self.load_docs(&ctx, &docs),
            Err(_) => self.load_items_apart(&ctx, text),
        }
    }

    fn load_items_apart(&mut self, ctx: &FileCtx<'_>, text: &str) {
        let parts = yaml_lenient::split_top_level(text);
        let mut loaded = 0;
        for (line, part) in &parts {
            // parsed on its own, then moved to where it is in the file
            match yaml::parse(&yaml_lenient::relax_flow_indent(part)) {
                Ok(mut docs) => {
                    loaded += 1;
                    docs.iter_mut().for_each(|d| d.shift_lines(line - 1));
                    self.load_docs(ctx, &docs);
                }
                Err(e) => {
                    let at = Location {
                        file: ctx.name.to_string(),
                        line: e.line + line - 1,
                        col: e.col,
                    };
                    let skipped = if parts.len() > 1 {
                        " (this item is skipped; the rest of the file loads)"
                    } else {
                        ""
                    };
                    self.diags
                        .error(&at, None, format!("invalid YAML: {}{skipped}", e.message));
                }
            }
        }
        if loaded == 0 {
            self.failed_files.push(ctx.name.to_string());
        }
    }

    fn load_docs(&mut self, ctx: &FileCtx<'_>, docs: &[Spanned]) {
        for doc in docs {
            match &doc.node {
                Node::Seq(items) => {
                    for item in items {
                        self.load_item(ctx, item);
                    }
                }
                Node::Null => {}
                _ => {
                    self.diags.error(
                        &ctx.at(doc),
                        None,
                        format!("a rules file is a sequence of items, found {}", doc.kind()),
                    );
                    self.failed_files.push(ctx.name.to_string());
                }
            }
        }
    }

    fn load_item(&mut self, ctx: &FileCtx<'_>, item: &Spanned) {
        let Node::Map(kv) = &item.node else {
            self.diags.error(
                &ctx.at(item),
                None,
                format!("an item is a mapping, found {}", item.kind()),
            );
            return;
        };
        let Some(kind) = kv.first().and_then(|(k, _)| k.as_str()) else {
            self.diags.error(&ctx.at(item), None, "empty item");
            return;
        };
        match kind {
            "rule" => self.load_rule(ctx, item),
            "macro" => self.load_macro(ctx, item),
            "list" => self.load_list(ctx, item),
            "required_engine_version" => {
                let v = item.get(kind).map(scalar_text).unwrap_or_default();
                self.check_engine_version(ctx, item, &v);
                self.engine_versions.push((v, ctx.at(item)));
            }
            "required_plugin_versions" => self.load_plugins(ctx, item),
            other => {
                let known = ["rule", "macro", "list"]
                    .into_iter()
                    .find(|k| item.get(k).is_some());
                match known {
                    Some("rule") => self.load_rule(ctx, item),
                    Some("macro") => self.load_macro(ctx, item),
                    Some(_) => self.load_list(ctx, item),
                    None => self.diags.warn(
                        &ctx.at(item),
                        None,
                        format!("unknown item `{other}` ignored"),
                    ),
                }
            }
        }
    }

    fn check_engine_version(&mut self, ctx: &FileCtx<'_>, item: &Spanned, v: &str) {
        match (engine_version(v), engine_version(ENGINE_VERSION)) {
            (Some(want), Some(ours)) if want > ours => self.diags.warn(
                &ctx.at(item),
                None,
                format!(
                    "requires Falco engine version {v}, ktriage implements {ENGINE_VERSION}: rules may use what it lacks"
                ),
            ),
            (None, _) => self.diags.warn(
                &ctx.at(item),
                None,
                format!("`required_engine_version` {v:?} is not a version"),
            ),
            _ => {}
        }
    }

    fn load_plugins(&mut self, ctx: &FileCtx<'_>, item: &Spanned) {
        let Some(Node::Seq(reqs)) = item.get("required_plugin_versions").map(|n| &n.node) else {
            self.diags.error(
                &ctx.at(item),
                None,
                "required_plugin_versions is a sequence of {name, version}",
            );
            return;
        };
        for r in reqs {
            let name = r.get("name").and_then(Spanned::as_str);
            let version = r.get("version").and_then(Spanned::as_str);
            match (name, version) {
                (Some(n), Some(v)) => self.plugins.push(PluginReq {
                    name: n.to_string(),
                    version: v.to_string(),
                    at: ctx.at(r),
                }),
                _ => self.diags.error(
                    &ctx.at(r),
                    None,
                    "a plugin requirement needs `name` and `version`",
                ),
            }
        }
    }

    fn load_list(&mut self, ctx: &FileCtx<'_>, item: &Spanned) {
        let Some(name) = item_name(item, "list") else {
            self.diags
                .error(&ctx.at(item), None, "list without a name (`list: NAME`)");
            return;
        };
        let label = format!("list \"{name}\"");
        let mut items = Vec::new();
        match item.get("items") {
            Some(Spanned {
                node: Node::Seq(seq),
                ..
            }) => {
                for i in seq {
                    match &i.node {
                        Node::Scalar(s) => items.push(s.clone()),
                        Node::Null => items.push(String::new()),
                        _ => self.diags.error(
                            &ctx.at(i),
                            Some(&label),
                            format!("list items are scalars, found {}", i.kind()),
                        ),
                    }
                }
            }
            Some(Spanned {
                node: Node::Null, ..
            }) => {}
            Some(other) => {
                self.diags.error(
                    &ctx.at(other),
                    Some(&label),
                    format!("`items` is a sequence, found {}", other.kind()),
                );
                return;
            }
            None => {
                self.diags
                    .error(&ctx.at(item), Some(&label), "list without `items`");
                return;
            }
        }
        let mode = match merge_mode(self, ctx, item, &label, &["items"]) {
            Some(m) => m,
            None => return,
        };
        let at = ctx.at(item);
        match (self.list_index.get(&name).copied(), mode.get("items")) {
            (Some(i), Some(Merge::Append)) => self.lists[i].items.extend(items),
            (None, Some(_)) => self.diags.error(
                &at,
                Some(&label),
                "appends to or overrides a list that is not defined",
            ),
            (Some(i), _) => self.lists[i] = ListDef { name, items, at },
            (None, None) => {
                self.list_index.insert(name.clone(), self.lists.len());
                self.lists.push(ListDef { name, items, at });
            }
        }
    }

    fn load_macro(&mut self, ctx: &FileCtx<'_>, item: &Spanned) {
        let Some(name) = item_name(item, "macro") else {
            self.diags
                .error(&ctx.at(item), None, "macro without a name (`macro: NAME`)");
            return;
        };
        let label = format!("macro \"{name}\"");
        let Some(cond) = item.get("condition") else {
            self.diags
                .error(&ctx.at(item), Some(&label), "macro without `condition`");
            return;
        };
        let Some(text) = cond.as_str() else {
            self.diags.error(
                &ctx.at(cond),
                Some(&label),
                format!("`condition` is a string, found {}", cond.kind()),
            );
            return;
        };
        let mode = match merge_mode(self, ctx, item, &label, &["condition"]) {
            Some(m) => m,
            None => return,
        };
        let at = ctx.at(item);
        let cond_at = ctx.at(cond);
        match (self.macro_index.get(&name).copied(), mode.get("condition")) {
            (Some(i), Some(Merge::Append)) => {
                self.macros[i]
                    .condition
                    .appended
                    .push((text.to_string(), cond_at, ctx.source));
            }
            (None, Some(_)) => self.diags.error(
                &at,
                Some(&label),
                "appends to or overrides a macro that is not defined",
            ),
            (idx, _) => {
                let def = MacroDef {
                    name: name.clone(),
                    condition: CondText {
                        text: text.to_string(),
                        at: cond_at,
                        source: ctx.source,
                        appended: Vec::new(),
                    },
                    at,
                };
                match idx {
                    Some(i) => self.macros[i] = def,
                    None => {
                        self.macro_index.insert(name, self.macros.len());
                        self.macros.push(def);
                    }
                }
            }
        }
    }
}

/// How an item merges with an earlier definition of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Merge {
    Append,
    Replace,
}

/// Per-key merge modes from `override:` (or `append: true` for every key in
/// `append_keys` present in the item). `None` after reporting a malformed override.
pub(super) fn merge_mode(
    set: &mut RuleSet,
    ctx: &FileCtx<'_>,
    item: &Spanned,
    label: &str,
    append_keys: &[&str],
) -> Option<std::collections::HashMap<String, Merge>> {
    let mut out = std::collections::HashMap::new();
    if let Some(a) = item.get("append") {
        match a.as_str() {
            Some("true") => {
                for k in append_keys {
                    if item.get(k).is_some() {
                        out.insert((*k).to_string(), Merge::Append);
                    }
                }
                if out.is_empty() {
                    // `append: true` with nothing to append still requires an existing item
                    out.insert(append_keys[0].to_string(), Merge::Append);
                }
            }
            Some("false") => {}
            _ => {
                set.diags
                    .error(&ctx.at(a), Some(label), "`append` is true or false");
                return None;
            }
        }
    }
    if let Some(ov) = item.get("override") {
        let Node::Map(kv) = &ov.node else {
            set.diags.error(
                &ctx.at(ov),
                Some(label),
                "`override` maps keys to `append` or `replace`",
            );
            return None;
        };
        if item.get("append").is_some() {
            set.diags.error(
                &ctx.at(ov),
                Some(label),
                "`override` and `append` cannot be used together",
            );
            return None;
        }
        for (k, v) in kv {
            let key = k.as_str().unwrap_or_default().to_string();
            let m = match v.as_str() {
                Some("append") => Merge::Append,
                Some("replace") => Merge::Replace,
                _ => {
                    set.diags.error(
                        &ctx.at(v),
                        Some(label),
                        format!("override of `{key}` must be `append` or `replace`"),
                    );
                    return None;
                }
            };
            if item.get(&key).is_none() {
                set.diags.error(
                    &ctx.at(k),
                    Some(label),
                    format!("override of `{key}` but the item has no `{key}`"),
                );
                return None;
            }
            out.insert(key, m);
        }
    }
    Some(out)
}

/// The scalar under `key`, trimmed, when non-empty.
pub(super) fn item_name(item: &Spanned, key: &str) -> Option<String> {
    let s = item.get(key)?.as_str()?.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A scalar's text (null gives "", collections give "").
pub(super) fn scalar_text(n: &Spanned) -> String {
    n.as_str().unwrap_or_default().to_string()
}
