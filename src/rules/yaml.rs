//! A small owned YAML tree with 1-based line/column on every node, built from saphyr's `MarkedYaml`.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// One YAML node; scalars keep their text (numbers and booleans as written).
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A scalar's text (`~`/`null`/empty give `Null`).
    Scalar(String),
    Null,
    Seq(Vec<Spanned>),
    /// Keys as text, in document order.
    Map(Vec<(Spanned, Spanned)>),
}

/// A node and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    pub node: Node,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

impl Spanned {
    /// The scalar text, if a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.node {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Spanned> {
        match &self.node {
            Node::Map(kv) => kv
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Moves the node and everything under it `by` lines down (a part parsed on its own).
    pub fn shift_lines(&mut self, by: usize) {
        self.line += by;
        match &mut self.node {
            Node::Seq(items) => items.iter_mut().for_each(|i| i.shift_lines(by)),
            Node::Map(kv) => kv.iter_mut().for_each(|(k, v)| {
                k.shift_lines(by);
                v.shift_lines(by);
            }),
            Node::Scalar(_) | Node::Null => {}
        }
    }

    /// Short name of the node's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self.node {
            Node::Scalar(_) => "a scalar",
            Node::Null => "null",
            Node::Seq(_) => "a sequence",
            Node::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax error with its 1-based position.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: invalid YAML: {message}")]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Parses every document of `text`.
pub fn parse(text: &str) -> Result<Vec<Spanned>, YamlError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| YamlError {
        line: e.marker().line(),
        col: e.marker().col() + 1,
        message: e.info().to_string(),
    })?;
    Ok(docs.iter().map(|d| convert(d, text)).collect())
}

fn convert(y: &MarkedYaml<'_>, src: &str) -> Spanned {
    let line = y.span.start.line();
    let col = y.span.start.col() + 1;
    let node = match &y.data {
        YamlData::Value(s) => scalar(s, y, src),
        YamlData::Representation(s, _, _) => Node::Scalar(s.to_string()),
        YamlData::Sequence(items) => Node::Seq(items.iter().map(|i| convert(i, src)).collect()),
        YamlData::Mapping(m) => Node::Map(
            m.iter()
                .map(|(k, v)| (convert(k, src), convert(v, src)))
                .collect(),
        ),
        YamlData::Tagged(_, inner) => return convert(inner, src),
        YamlData::Alias(_) | YamlData::BadValue => Node::Null,
    };
    Spanned { node, line, col }
}

fn scalar(s: &Scalar<'_>, y: &MarkedYaml<'_>, src: &str) -> Node {
    match s {
        Scalar::Null => Node::Null,
        Scalar::Boolean(b) => Node::Scalar(b.to_string()),
        Scalar::Integer(i) => Node::Scalar(i.to_string()),
        Scalar::String(s) => Node::Scalar(s.to_string()),
        Scalar::FloatingPoint(f) => {
            // keep the text as written (`1.10` is not `1.1` in a version or a list item)
            let (a, b) = (y.span.start.index(), y.span.end.index());
            let raw: String = src.chars().skip(a).take(b.saturating_sub(a)).collect();
            let raw = raw.trim();
            Node::Scalar(if raw.is_empty() {
                f.to_string()
            } else {
                raw.to_string()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_scalars() {
        let docs =
            parse("- rule: a\n  priority: 1.10\n  enabled: true\n- list: l\n  items: [80, x]\n")
                .expect("parses");
        let Node::Seq(items) = &docs[0].node else {
            panic!("seq")
        };
        assert_eq!((items[1].line, items[1].col), (4, 3));
        assert_eq!(
            items[0].get("priority").and_then(Spanned::as_str),
            Some("1.10")
        );
        assert_eq!(
            items[0].get("enabled").and_then(Spanned::as_str),
            Some("true")
        );
        let l = items[1].get("items").expect("items");
        assert_eq!((l.line, l.col), (5, 10));
    }

    #[test]
    fn errors_are_located() {
        let e = parse("- rule: a\n  condition: [unclosed\n").expect_err("bad yaml");
        assert!(e.line >= 2, "{e}");
    }
}
