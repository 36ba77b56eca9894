//! Output templates: `%field` and `%field[arg]` resolved at load, rendered per alert with `output_fields`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ctx::{Ctx, Val};
use super::extract;
use super::fields::{self, FType, FieldError, FieldRef, ftype};

/// One piece of a template.
#[derive(Clone, Debug)]
enum Piece {
    Lit(String),
    /// A field: as written (`proc.aname[2]`), and resolved (`None`: unsupported, renders `<NA>`).
    Field(String, Option<FieldRef>),
}

/// A compiled output template.
#[derive(Clone, Debug, Default)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// Field names a template could not resolve: (name, why).
pub type Unresolved = Vec<(String, String)>;

impl Template {
    /// Compiles `text`; fields ktriage cannot answer render as `<NA>` and are listed.
    pub fn compile(text: &str) -> (Template, Unresolved) {
        let mut pieces = Vec::new();
        let mut bad = Vec::new();
        let mut lit = String::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let starts_field =
                c == '%' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic());
            if !starts_field {
                lit.push(c);
                i += 1;
                continue;
            }
            let start = i + 1;
            let mut j = start;
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || matches!(chars[j], '_' | '.'))
            {
                j += 1;
            }
            // a trailing dot ends the sentence, not the field
            while j > start && chars[j - 1] == '.' {
                j -= 1;
            }
            let name: String = chars[start..j].iter().collect();
            let mut arg = None;
            if chars.get(j) == Some(&'[')
                && let Some(end) = chars[j..].iter().position(|c| *c == ']')
            {
                arg = Some(chars[j + 1..j + end].iter().collect::<String>());
                j += end + 1;
            }
            let written: String = chars[start..j].iter().collect();
            if !lit.is_empty() {
                pieces.push(Piece::Lit(std::mem::take(&mut lit)));
            }
            match fields::lookup(&name, arg.as_deref()) {
                Ok(r) => pieces.push(Piece::Field(written, Some(r))),
                Err(e) => {
                    let why = match &e {
                        FieldError::Unsupported(_, why) => (*why).to_string(),
                        other => other.to_string(),
                    };
                    bad.push((written.clone(), why));
                    pieces.push(Piece::Field(written, None));
                }
            }
            i = j;
        }
        if !lit.is_empty() {
            pieces.push(Piece::Lit(lit));
        }
        (Template { pieces }, bad)
    }

    /// The output line and the field values used in it.
    pub fn render(&self, c: &Ctx<'_>) -> (String, BTreeMap<String, Value>) {
        let mut out = String::new();
        let mut map = BTreeMap::new();
        for p in &self.pieces {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Field(name, Some(r)) if super::audit::is_list(r.f) => {
                    let mut v = Vec::new();
                    extract::get_multi(c, r, &mut v);
                    let text = super::audit::render_list(&v);
                    out.push_str(&text);
                    map.insert(name.clone(), Value::from(text));
                }
                Piece::Field(name, r) => {
                    let v = r.as_ref().and_then(|r| value(c, r));
                    match &v {
                        Some(v) => out.push_str(&extract::render(v)),
                        None => out.push_str("<NA>"),
                    }
                    map.insert(name.clone(), json(v.as_ref(), r.as_ref()));
                }
            }
        }
        (out, map)
    }
}

fn value<'c>(c: &'c Ctx<'_>, r: &FieldRef) -> Option<Val<'c>> {
    if r.is_multi() {
        let mut v = Vec::new();
        extract::get_multi(c, r, &mut v);
        return v.first().copied();
    }
    extract::get(c, r)
}

fn json(v: Option<&Val<'_>>, r: Option<&FieldRef>) -> Value {
    match v {
        None => Value::Null,
        Some(Val::Int(i)) if r.is_some_and(|r| ftype(r.f) == FType::Int) => Value::from(*i),
        Some(Val::Bool(b)) => Value::from(*b),
        Some(other) => Value::from(extract::render(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields() {
        let (t, bad) = Template::compile(
            "File below (user=%user.name file=%fd.name g=%proc.aname[2] x=%proc.exe_ino.ctime 100% done %container.id.",
        );
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, "proc.exe_ino.ctime");
        let names: Vec<&str> = t
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Field(n, _) => Some(n.as_str()),
                Piece::Lit(_) => None,
            })
            .collect();
        assert_eq!(
            names,
            [
                "user.name",
                "fd.name",
                "proc.aname[2]",
                "proc.exe_ino.ctime",
                "container.id"
            ]
        );
        assert!(matches!(t.pieces.last(), Some(Piece::Lit(s)) if s == "."));
    }
}
