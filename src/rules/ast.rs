//! The syntax tree of a condition, with character offsets for located messages.

/// Comparison operators of the condition language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    IContains,
    BContains,
    StartsWith,
    BStartsWith,
    EndsWith,
    Glob,
    IGlob,
    PMatch,
    In,
    Intersects,
    Exists,
    Regex,
}

impl Op {
    /// Parses an operator as written (`=` and `==` are the same).
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "=" | "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "contains" => Op::Contains,
            "icontains" => Op::IContains,
            "bcontains" => Op::BContains,
            "startswith" => Op::StartsWith,
            "bstartswith" => Op::BStartsWith,
            "endswith" => Op::EndsWith,
            "glob" => Op::Glob,
            "iglob" => Op::IGlob,
            "pmatch" => Op::PMatch,
            "in" => Op::In,
            "intersects" => Op::Intersects,
            "exists" => Op::Exists,
            "regex" => Op::Regex,
            _ => return None,
        })
    }

    /// The operator as written.
    pub fn name(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
            Op::IContains => "icontains",
            Op::BContains => "bcontains",
            Op::StartsWith => "startswith",
            Op::BStartsWith => "bstartswith",
            Op::EndsWith => "endswith",
            Op::Glob => "glob",
            Op::IGlob => "iglob",
            Op::PMatch => "pmatch",
            Op::In => "in",
            Op::Intersects => "intersects",
            Op::Exists => "exists",
            Op::Regex => "regex",
        }
    }

    /// Operators whose right side is a list.
    pub fn takes_list(self) -> bool {
        matches!(self, Op::In | Op::Intersects | Op::PMatch)
    }
}

/// A field reference: `proc.aname[2]`, `evt.arg.flags`, `evt.arg[0]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldName {
    /// The name without its argument (`proc.aname`, `evt.arg.flags`).
    pub name: String,
    /// The bracketed argument, if any (`2`, `0`).
    pub arg: Option<String>,
    /// Character offset in the condition.
    pub pos: usize,
}

impl FieldName {
    /// `name[arg]` as written.
    pub fn display(&self) -> String {
        match &self.arg {
            Some(a) => format!("{}[{a}]", self.name),
            None => self.name.clone(),
        }
    }
}

/// One literal of a right-hand side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lit {
    pub text: String,
    /// Written in quotes (never a list or macro name).
    pub quoted: bool,
    pub pos: usize,
}

/// A right-hand side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rhs {
    /// `exists` has none.
    None,
    Single(Lit),
    /// `(a, b, list_name)`.
    List(Vec<Lit>),
    /// `val(other.field)`: compare with another field of the same event.
    Field(FieldName),
}

/// A condition's syntax tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ast {
    And(Vec<Ast>),
    Or(Vec<Ast>),
    Not(Box<Ast>),
    /// A macro name (expanded at compile time).
    Macro {
        name: String,
        pos: usize,
    },
    Check {
        field: FieldName,
        op: Op,
        op_pos: usize,
        rhs: Rhs,
    },
}
