//! Coverage of a rule set on ktriage events: per rule loaded / evaluable / not evaluable, with totals.

use serde_json::{Value, json};

use super::diag::{Diagnostic, Location, Severity};
use crate::model::alert::Priority;

/// Whether a rule can run on ktriage events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleStatus {
    /// Every field and operator is supported.
    Evaluable,
    /// Loads, but needs fields ktriage does not have.
    NotEvaluable,
    /// Has errors (unknown field, undefined macro, bad value...).
    Error,
}

impl RuleStatus {
    pub fn name(self) -> &'static str {
        match self {
            Self::Evaluable => "evaluable",
            Self::NotEvaluable => "not evaluable",
            Self::Error => "error",
        }
    }
}

/// One rule's line in the coverage.
#[derive(Clone, Debug)]
pub struct RuleReport {
    pub name: String,
    pub at: Location,
    pub enabled: bool,
    pub priority: Priority,
    pub status: RuleStatus,
    /// Missing fields or features.
    pub unsupported: Vec<String>,
    pub errors: Vec<String>,
    /// Event types the rule can match (`None`: any).
    pub event_types: Option<Vec<String>>,
    /// Output fields that render as `<NA>`.
    pub output_na: Vec<String>,
}

/// The whole report.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    pub rules: Vec<RuleReport>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that did not parse (or could not be read).
    pub failed_files: Vec<String>,
    /// Files loaded, in order.
    pub files: Vec<String>,
}

/// Counts over the rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub rules: usize,
    pub enabled: usize,
    pub evaluable: usize,
    pub enabled_evaluable: usize,
    pub not_evaluable: usize,
    pub errors: usize,
}

impl Totals {
    /// Evaluable share of the enabled rules, in percent (100 when none are enabled).
    pub fn enabled_evaluable_pct(&self) -> f64 {
        if self.enabled == 0 {
            return 100.0;
        }
        self.enabled_evaluable as f64 * 100.0 / self.enabled as f64
    }
}

impl Coverage {
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            rules: self.rules.len(),
            ..Totals::default()
        };
        for r in &self.rules {
            t.enabled += usize::from(r.enabled);
            match r.status {
                RuleStatus::Evaluable => {
                    t.evaluable += 1;
                    t.enabled_evaluable += usize::from(r.enabled);
                }
                RuleStatus::NotEvaluable => t.not_evaluable += 1,
                RuleStatus::Error => t.errors += 1,
            }
        }
        t
    }

    /// True when every file parsed.
    pub fn files_ok(&self) -> bool {
        self.failed_files.is_empty()
    }

    /// Number of error diagnostics.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warning diagnostics.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// The report as JSON.
    pub fn to_json(&self) -> Value {
        let t = self.totals();
        json!({
            "files": self.files,
            "failed_files": self.failed_files,
            "rules": self.rules.iter().map(|r| json!({
                "name": r.name,
                "location": r.at.to_string(),
                "enabled": r.enabled,
                "priority": r.priority.name(),
                "status": r.status.name(),
                "missing": r.unsupported,
                "errors": r.errors,
                "event_types": r.event_types,
                "output_na": r.output_na,
            })).collect::<Vec<_>>(),
            "diagnostics": self.diagnostics.iter().map(|d| json!({
                "severity": d.severity.name(),
                "location": d.at.to_string(),
                "file": d.at.file,
                "line": d.at.line,
                "column": d.at.col,
                "item": d.item,
                "message": d.message,
            })).collect::<Vec<_>>(),
            "totals": {
                "rules": t.rules,
                "enabled": t.enabled,
                "evaluable": t.evaluable,
                "enabled_evaluable": t.enabled_evaluable,
                "enabled_evaluable_pct": (t.enabled_evaluable_pct() * 10.0).round() / 10.0,
                "not_evaluable": t.not_evaluable,
                "errors": t.errors,
                "error_diagnostics": self.error_count(),
                "warning_diagnostics": self.warning_count(),
            },
        })
    }

    /// The report as text lines (raw: sanitize before printing to a terminal).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.to_string());
            out.push('\n');
        }
        for r in &self.rules {
            let state = if r.enabled { "" } else { " (disabled)" };
            out.push_str(&format!("{}: {}{state}: {}", r.status.name(), r.name, r.at));
            if !r.unsupported.is_empty() {
                out.push_str(&format!(" — missing: {}", r.unsupported.join("; ")));
            }
            if !r.errors.is_empty() {
                out.push_str(&format!(" — {}", r.errors.join("; ")));
            }
            out.push('\n');
        }
        let t = self.totals();
        out.push_str(&format!(
            "{} rules loaded from {} file(s): {} enabled, {} evaluable ({} of the enabled, {:.1}%), {} not evaluable, {} with errors\n",
            t.rules,
            self.files.len(),
            t.enabled,
            t.evaluable,
            t.enabled_evaluable,
            t.enabled_evaluable_pct(),
            t.not_evaluable,
            t.errors
        ));
        let (errors, warnings) = (self.error_count(), self.warning_count());
        if errors + warnings > 0 {
            out.push_str(&format!(
                "{errors} error(s), {warnings} warning(s) in all\n"
            ));
        }
        out
    }
}
