//! Falco's `append_output` for every engine alert: identity fields at the end of the text line and in `output_fields`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ctx::Ctx;
use super::output::Template;

/// The text suffix Falco's `-pk` / `%container.info` gives: (label, field).
pub const DEFAULT_TEXT: [(&str, &str); 6] = [
    ("container_id", "container.id"),
    ("container_image", "container.image.repository"),
    ("container_image_tag", "container.image.tag"),
    ("container_name", "container.name"),
    ("k8s_ns", "k8s.ns.name"),
    ("k8s_pod_name", "k8s.pod.name"),
];
/// Fields added to `output_fields` only (Falco's `extra_fields`).
pub const EXTRA_FIELDS: [&str; 2] = ["proc.pid", "proc.ppid"];
/// ktriage's own field: the process was attributed to its container by namespaces.
pub const ENTERED_FIELD: &str = "ktriage.entered_from_host";

/// What is appended to each alert.
#[derive(Clone, Debug)]
pub struct Append {
    text: Template,
    extra: Template,
}

fn label(field: &str) -> String {
    DEFAULT_TEXT
        .iter()
        .find(|(_, f)| *f == field)
        .map_or_else(|| field.replace('.', "_"), |(l, _)| (*l).to_string())
}

fn build(fields: &[&str]) -> Result<Append, String> {
    let text: Vec<String> = fields
        .iter()
        .map(|f| format!("{}=%{f}", label(f)))
        .collect();
    let (text, bad) = Template::compile(&text.join(" "));
    if let Some((name, why)) = bad.first() {
        return Err(format!("--append-output: field `{name}`: {why}"));
    }
    let extra: Vec<String> = EXTRA_FIELDS.iter().map(|f| format!("%{f}")).collect();
    let (extra, _) = Template::compile(&extra.join(" "));
    Ok(Append { text, extra })
}

impl Default for Append {
    /// `container_id=… container_image=… container_image_tag=… container_name=… k8s_ns=… k8s_pod_name=…`.
    fn default() -> Self {
        let fields: Vec<&str> = DEFAULT_TEXT.iter().map(|(_, f)| *f).collect();
        build(&fields).expect("the default fields compile")
    }
}

impl Append {
    /// `--append-output FIELDS`: comma-separated field names, appended as `label=value`.
    pub fn parse(list: &str) -> Result<Self, String> {
        let fields: Vec<&str> = list
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect();
        if fields.is_empty() {
            return Err("--append-output: give field names, e.g. container.id,k8s.pod.name".into());
        }
        if let Some(bad) = fields.iter().find(|f| {
            !f.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_'))
        }) {
            return Err(format!("--append-output: `{bad}` is not a field name"));
        }
        build(&fields)
    }

    /// Appends to an alert's text and fields; `entered` flags a process entered from the host.
    pub fn apply(
        &self,
        c: &Ctx<'_>,
        output: &mut String,
        fields: &mut BTreeMap<String, Value>,
        entered: bool,
    ) {
        let (text, f) = self.text.render(c);
        output.push(' ');
        output.push_str(&text);
        if entered {
            output.push_str(" entered_from_host=true");
        }
        fields.extend(f);
        fields.extend(self.extra.render(c).1);
        fields.insert(ENTERED_FIELD.into(), Value::Bool(entered));
    }
}

#[cfg(test)]
#[path = "append_tests.rs"]
mod tests;
