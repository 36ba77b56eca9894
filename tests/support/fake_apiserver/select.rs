//! Field and label selectors for pods, parsed and matched as the API server does.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Op {
    Eq(String),
    Ne(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    NotExists,
}

/// A parsed `fieldSelector` + `labelSelector` pair.
#[derive(Clone, Debug, Default)]
pub struct Selector {
    fields: Vec<(String, Op)>,
    labels: Vec<(String, Op)>,
}

/// The pod fields the API server accepts in a field selector.
const POD_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
];

fn pod_field(obj: &Value, field: &str) -> String {
    let ptr = format!("/{}", field.replace('.', "/"));
    match obj.pointer(&ptr) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        None if field == "spec.hostNetwork" => "false".into(),
        _ => String::new(),
    }
}

impl Selector {
    /// Parses both selectors; the error is the message of a 400 BadRequest.
    pub fn parse(field: &str, label: &str) -> Result<Self, String> {
        let mut fields = Vec::new();
        for term in field.split(',').filter(|t| !t.is_empty()) {
            let (k, op) = if let Some((k, v)) = term.split_once("!=") {
                (k, Op::Ne(v.to_string()))
            } else if let Some((k, v)) = term.split_once("==") {
                (k, Op::Eq(v.to_string()))
            } else if let Some((k, v)) = term.split_once('=') {
                (k, Op::Eq(v.to_string()))
            } else {
                return Err(format!(
                    "invalid selector: '{field}'; can't understand '{term}'"
                ));
            };
            if !POD_FIELDS.contains(&k) {
                return Err(format!("field label not supported: {k}"));
            }
            fields.push((k.to_string(), op));
        }
        let labels = split_terms(label)
            .iter()
            .map(|t| parse_label_term(t))
            .collect::<Result<_, _>>()?;
        Ok(Self { fields, labels })
    }

    pub fn matches(&self, obj: &Value) -> bool {
        let fields_ok = self.fields.iter().all(|(k, op)| {
            let v = pod_field(obj, k);
            match op {
                Op::Eq(want) => &v == want,
                Op::Ne(want) => &v != want,
                _ => false,
            }
        });
        let labels = obj.pointer("/metadata/labels");
        let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        fields_ok
            && self.labels.iter().all(|(k, op)| match op {
                Op::Eq(w) => label(k) == Some(w.as_str()),
                Op::Ne(w) => label(k) != Some(w.as_str()),
                Op::In(set) => label(k).is_some_and(|v| set.iter().any(|s| s == v)),
                Op::NotIn(set) => label(k).is_none_or(|v| !set.iter().any(|s| s == v)),
                Op::Exists => label(k).is_some(),
                Op::NotExists => label(k).is_none(),
            })
    }
}

/// Splits on commas outside parentheses.
fn split_terms(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn parse_label_term(t: &str) -> Result<(String, Op), String> {
    let set = |rest: &str| -> Result<Vec<String>, String> {
        let inner = rest
            .trim()
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(|| format!("unable to parse requirement: {t}"))?;
        Ok(inner.split(',').map(|v| v.trim().to_string()).collect())
    };
    if let Some(k) = t.strip_prefix('!') {
        return Ok((k.trim().to_string(), Op::NotExists));
    }
    if let Some((k, rest)) = t.split_once(" notin ") {
        return Ok((k.trim().to_string(), Op::NotIn(set(rest)?)));
    }
    if let Some((k, rest)) = t.split_once(" in ") {
        return Ok((k.trim().to_string(), Op::In(set(rest)?)));
    }
    for (sep, ne) in [("!=", true), ("==", false), ("=", false)] {
        if let Some((k, v)) = t.split_once(sep) {
            let (k, v) = (k.trim().to_string(), v.trim().to_string());
            return Ok((k, if ne { Op::Ne(v) } else { Op::Eq(v) }));
        }
    }
    Ok((t.to_string(), Op::Exists))
}
