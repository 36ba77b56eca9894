//! `key=value` fields of an alert's output text, and the pid and container id the pivot needs.
//!
//! Falco outputs are `description (key=%field key2=%field2 ...)`; a value runs
//! until the next ` key=` and may contain spaces (`command=sh -c ls`). Keys are
//! lower-case (`user_loginuid`, `container.id`, `proc.aname[2]`), which keeps
//! upper-case words inside values (`env FOO=bar`) from being read as keys.

use std::collections::BTreeMap;

use serde_json::Value;

/// Longest key considered.
const MAX_KEY: usize = 64;

fn is_key_start(b: u8) -> bool {
    b.is_ascii_lowercase()
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'[' | b']')
}

/// Start offsets and key ranges of every `key=` at a word start in `s`.
fn keys(s: &str) -> Vec<(usize, usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let word_start = i == 0 || matches!(b[i - 1], b' ' | b'(' | b'\t' | b',');
        if word_start && is_key_start(b[i]) {
            let end = i + b[i..].iter().take_while(|c| is_key_byte(**c)).count();
            if b.get(end) == Some(&b'=') && end - i <= MAX_KEY {
                out.push((i, end, end + 1));
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Trims a raw value: spaces, a `(` that opens the next field, `)` that close the list.
fn clean(v: &str) -> &str {
    let mut v = v.trim();
    if let Some(x) = v.strip_suffix('(') {
        v = x.trim_end();
    }
    loop {
        let opens = v.matches('(').count();
        let closes = v.matches(')').count();
        match v.strip_suffix(')') {
            Some(x) if closes > opens => v = x.trim_end(),
            _ => break,
        }
    }
    v.trim_end_matches(',')
}

/// Every `key=value` in `output`, in order (a repeated key keeps its first value).
pub fn key_values(output: &str) -> Vec<(String, String)> {
    let found = keys(output);
    let mut out: Vec<(String, String)> = Vec::with_capacity(found.len());
    for (n, &(ks, ke, vs)) in found.iter().enumerate() {
        let ve = found.get(n + 1).map_or(output.len(), |next| next.0);
        let key = &output[ks..ke];
        if out.iter().any(|(k, _)| k == key) {
            continue;
        }
        out.push((key.to_string(), clean(&output[vs..ve]).to_string()));
    }
    out
}

/// The text before the first field (or its `(`): Falco's description part,
/// used as the rule name of text lines, which do not carry one.
pub fn description(output: &str) -> &str {
    let cut = keys(output).first().map_or(output.len(), |k| k.0);
    let head = output[..cut].trim_end();
    let head = head.strip_suffix('(').unwrap_or(head).trim_end();
    match head.find(" (") {
        Some(i) if i > 0 => &head[..i],
        _ => head,
    }
}

/// A value that names nothing (`<NA>`, `host`, empty).
fn absent(v: &str) -> bool {
    v.is_empty() || v == "<NA>" || v.eq_ignore_ascii_case("host") || v == "null"
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The host pid an alert names: `proc.pid`, then `pid` / `proc_pid` / `process_pid`.
pub fn pid_of(fields: &BTreeMap<String, Value>) -> Option<u32> {
    ["proc.pid", "pid", "proc_pid", "process_pid"]
        .iter()
        .filter_map(|k| as_text(fields.get(*k)?))
        .find_map(|v| v.trim().parse::<u32>().ok().filter(|p| *p > 0))
}

/// The container id an alert names: `container.id`, `container_id`, then `id`
/// (Falco's `%container.info` prints `(id=fae86fdf29be)`). Only hex ids count.
pub fn container_of(fields: &BTreeMap<String, Value>) -> Option<String> {
    ["container.id", "container_id", "id"]
        .iter()
        .filter_map(|k| as_text(fields.get(*k)?))
        .map(|v| v.trim().to_ascii_lowercase())
        .find(|v| {
            !absent(v) && v.len() >= 12 && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// The fields of a text output as JSON values (numbers stay numbers), plus the
/// canonical `proc.pid` and `container.id` when found under other names.
pub fn text_fields(output: &str) -> BTreeMap<String, Value> {
    let mut m: BTreeMap<String, Value> = key_values(output)
        .into_iter()
        .map(|(k, v)| {
            let val = match v.parse::<i64>() {
                Ok(n) if !(v.starts_with('+') || v.starts_with('0') && v.len() > 1) => {
                    Value::from(n)
                }
                _ => Value::from(v),
            };
            (k, val)
        })
        .collect();
    if let Some(pid) = pid_of(&m) {
        m.entry("proc.pid".into()).or_insert(Value::from(pid));
    }
    if let Some(id) = container_of(&m) {
        m.entry("container.id".into()).or_insert(Value::from(id));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "Privileged container started (user=<NA> user_loginuid=0 command=container:fae86fdf29be k8s_weave-npc_weave-net-ckcmb_kube-system_0164606c-6df7-42e9-a93b-a3f4f4b4ae86_0 (id=fae86fdf29be) image=weaveworks/weave-npc:2.8.1)";

    #[test]
    fn seed_output_fields() {
        let kv = key_values(SEED);
        let get = |k: &str| kv.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
        assert_eq!(get("user"), Some("<NA>"));
        assert_eq!(get("user_loginuid"), Some("0"));
        assert_eq!(
            get("command"),
            Some(
                "container:fae86fdf29be k8s_weave-npc_weave-net-ckcmb_kube-system_0164606c-6df7-42e9-a93b-a3f4f4b4ae86_0"
            )
        );
        assert_eq!(get("id"), Some("fae86fdf29be"));
        assert_eq!(get("image"), Some("weaveworks/weave-npc:2.8.1"));
        assert_eq!(description(SEED), "Privileged container started");
        let f = text_fields(SEED);
        assert_eq!(container_of(&f).as_deref(), Some("fae86fdf29be"));
        assert_eq!(f["container.id"], "fae86fdf29be");
        assert_eq!(f["user_loginuid"], 0);
        assert_eq!(pid_of(&f), None);
    }

    #[test]
    fn values_with_spaces_parens_and_upper_case_words() {
        let out = "File below /etc opened (user=root command=env FOO=bar sh -c (ls) pid=4242 container_id=host file=/etc/x)";
        let f = text_fields(out);
        assert_eq!(f["command"], "env FOO=bar sh -c (ls)");
        assert_eq!(f["pid"], 4242);
        assert_eq!(f["proc.pid"], 4242);
        assert_eq!(f["file"], "/etc/x");
        assert_eq!(container_of(&f), None, "host is no container");
        assert_eq!(description(out), "File below /etc opened");
    }

    #[test]
    fn dotted_keys_and_no_fields() {
        let f = text_fields("x proc.pid=17 container.id=3F2A9C1B7D4E fd.name=/a b");
        assert_eq!(pid_of(&f), Some(17));
        assert_eq!(container_of(&f).as_deref(), Some("3f2a9c1b7d4e"));
        assert_eq!(f["fd.name"], "/a b");
        assert!(text_fields("nothing here").is_empty());
        assert_eq!(description("nothing here"), "nothing here");
        assert_eq!(pid_of(&text_fields("pid=0 x")), None);
        assert_eq!(container_of(&text_fields("(id=abc)")), None, "too short");
    }
}
