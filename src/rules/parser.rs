//! Recursive-descent parser of Falco conditions: `or` < `and` < `not` < checks, parentheses, lists, `val()`.

use super::ast::{Ast, FieldName, Lit, Op, Rhs};

/// A syntax error at a character offset of the condition.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub pos: usize,
    pub message: String,
}

/// Parses a whole condition.
pub fn parse(text: &str) -> Result<Ast, ParseError> {
    let mut p = Parser {
        s: text.chars().collect(),
        i: 0,
        depth: 0,
    };
    p.ws();
    if p.at_end() {
        return Err(p.err("empty condition"));
    }
    let ast = p.or()?;
    p.ws();
    if !p.at_end() {
        return Err(p.err(format!("unexpected `{}`", p.word_preview())));
    }
    Ok(ast)
}

const MAX_DEPTH: usize = 200;

struct Parser {
    s: Vec<char>,
    i: usize,
    depth: usize,
}

impl Parser {
    fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            pos: self.i,
            message: message.into(),
        }
    }

    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }

    fn word_preview(&self) -> String {
        self.s[self.i..]
            .iter()
            .take_while(|c| !c.is_whitespace())
            .take(30)
            .collect()
    }

    /// True (and consumes it) when the keyword `kw` comes next as a whole word.
    fn keyword(&mut self, kw: &str) -> bool {
        let n = kw.chars().count();
        let matches = self
            .s
            .get(self.i..self.i + n)
            .is_some_and(|w| w.iter().copied().eq(kw.chars()));
        let boundary = self
            .s
            .get(self.i + n)
            .is_none_or(|c| c.is_whitespace() || *c == '(' || *c == ')');
        if matches && boundary {
            self.i += n;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Ast, ParseError> {
        let mut items = vec![self.and()?];
        loop {
            self.ws();
            if !self.keyword("or") {
                break;
            }
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Ast::Or(items)
        })
    }

    fn and(&mut self) -> Result<Ast, ParseError> {
        let mut items = vec![self.not()?];
        loop {
            self.ws();
            if !self.keyword("and") {
                break;
            }
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Ast::And(items)
        })
    }

    fn not(&mut self) -> Result<Ast, ParseError> {
        self.ws();
        if self.keyword("not") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(self.err("condition nested too deeply"));
            }
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Ast::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Ast, ParseError> {
        self.ws();
        match self.peek() {
            None => Err(self.err("condition ends where a check was expected")),
            Some('(') => {
                let open = self.i;
                self.i += 1;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.err("condition nested too deeply"));
                }
                let inner = self.or()?;
                self.depth -= 1;
                self.ws();
                if self.peek() != Some(')') {
                    return Err(ParseError {
                        pos: open,
                        message: "unbalanced `(`: no matching `)`".into(),
                    });
                }
                self.i += 1;
                Ok(inner)
            }
            Some(')') => Err(self.err("unexpected `)`")),
            Some(_) => self.check(),
        }
    }

    fn ident(&mut self) -> Option<FieldName> {
        let pos = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'))
        {
            self.i += 1;
        }
        if self.i == pos {
            return None;
        }
        let name: String = self.s[pos..self.i].iter().collect();
        let mut arg = None;
        if self.peek() == Some('[') {
            let start = self.i + 1;
            let end = self.s[start..].iter().position(|&c| c == ']')? + start;
            arg = Some(self.s[start..end].iter().collect());
            self.i = end + 1;
        }
        Some(FieldName { name, arg, pos })
    }

    fn check(&mut self) -> Result<Ast, ParseError> {
        let start = self.i;
        let Some(field) = self.ident() else {
            return Err(self.err(format!(
                "expected a field or macro name, found `{}`",
                self.word_preview()
            )));
        };
        if self.peek() == Some('(') {
            return Err(ParseError {
                pos: start,
                message: format!("unsupported transformer `{}(...)`", field.name),
            });
        }
        self.ws();
        let op_pos = self.i;
        let Some(op) = self.operator() else {
            // a bare name: a macro (checked at compile time)
            if field.arg.is_some() || self.peek().is_some_and(|c| c != ')') && !self.at_keyword() {
                return Err(ParseError {
                    pos: op_pos,
                    message: format!(
                        "expected an operator after `{}`, found `{}`",
                        field.display(),
                        self.word_preview()
                    ),
                });
            }
            return Ok(Ast::Macro {
                name: field.name,
                pos: start,
            });
        };
        let rhs = if op == Op::Exists {
            Rhs::None
        } else {
            self.ws();
            self.rhs(op)?
        };
        Ok(Ast::Check {
            field,
            op,
            op_pos,
            rhs,
        })
    }

    fn at_keyword(&self) -> bool {
        let w = self.word_preview();
        w == "and" || w == "or" || w.starts_with("and(") || w.starts_with("or(")
    }

    fn operator(&mut self) -> Option<Op> {
        for sym in ["==", "!=", "<=", ">=", "=", "<", ">"] {
            let n = sym.len();
            if self
                .s
                .get(self.i..self.i + n)
                .is_some_and(|w| w.iter().copied().eq(sym.chars()))
            {
                self.i += n;
                return Op::parse(sym);
            }
        }
        let save = self.i;
        let w: String = self.s[self.i..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let op = Op::parse(&w).filter(|_| w.chars().all(|c| c.is_ascii_lowercase()))?;
        self.i += w.len();
        let boundary = self
            .peek()
            .is_none_or(|c| c.is_whitespace() || c == '(' || c == ')' || c == '"' || c == '\'');
        if boundary {
            Some(op)
        } else {
            self.i = save;
            None
        }
    }

    fn rhs(&mut self, op: Op) -> Result<Rhs, ParseError> {
        if self.peek() == Some('(') {
            if !op.takes_list() {
                return Err(self.err(format!("`{}` takes one value, not a list", op.name())));
            }
            self.i += 1;
            let mut items = Vec::new();
            loop {
                self.ws();
                match self.peek() {
                    Some(')') => {
                        self.i += 1;
                        break;
                    }
                    None => return Err(self.err("list not closed with `)`")),
                    _ => {}
                }
                items.push(self.literal(true)?);
                self.ws();
                match self.peek() {
                    Some(',') => self.i += 1,
                    Some(')') => {}
                    None => return Err(self.err("list not closed with `)`")),
                    Some(c) => {
                        return Err(self.err(format!("expected `,` or `)` in list, found `{c}`")));
                    }
                }
            }
            return Ok(Rhs::List(items));
        }
        let pos = self.i;
        if self.s[self.i..].starts_with(&['v', 'a', 'l', '(']) {
            self.i += 4;
            let f = self.ident();
            if let (Some(f), Some(')')) = (f, self.peek()) {
                self.i += 1;
                return Ok(Rhs::Field(f));
            }
            return Err(ParseError {
                pos,
                message: "`val(` expects a field name and `)`".into(),
            });
        }
        let lit = self.literal(false)?;
        if op.takes_list() && !lit.quoted {
            // `in list_name` without parentheses is not Falco syntax
            return Err(ParseError {
                pos,
                message: format!("`{}` expects a parenthesised list", op.name()),
            });
        }
        Ok(Rhs::Single(lit))
    }

    fn literal(&mut self, in_list: bool) -> Result<Lit, ParseError> {
        let pos = self.i;
        match self.peek() {
            Some(q @ ('"' | '\'')) => {
                self.i += 1;
                let mut text = String::new();
                loop {
                    match self.peek() {
                        None => {
                            return Err(ParseError {
                                pos,
                                message: "unterminated quoted string".into(),
                            });
                        }
                        Some('\\') => {
                            self.i += 1;
                            match self.peek() {
                                Some(c @ ('"' | '\'' | '\\')) => text.push(c),
                                Some(c) => {
                                    text.push('\\');
                                    text.push(c);
                                }
                                None => continue,
                            }
                            self.i += 1;
                        }
                        Some(c) if c == q => {
                            self.i += 1;
                            break;
                        }
                        Some(c) => {
                            text.push(c);
                            self.i += 1;
                        }
                    }
                }
                Ok(Lit {
                    text,
                    quoted: true,
                    pos,
                })
            }
            _ => {
                while self.peek().is_some_and(|c| {
                    !c.is_whitespace() && c != ')' && !(in_list && c == ',') && c != '('
                }) {
                    self.i += 1;
                }
                // a bare value may contain balanced brackets: runc:[0:PARENT]
                if self.i == pos {
                    return Err(
                        self.err(format!("expected a value, found `{}`", self.word_preview()))
                    );
                }
                Ok(Lit {
                    text: self.s[pos..self.i].iter().collect(),
                    quoted: false,
                    pos,
                })
            }
        }
    }
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
