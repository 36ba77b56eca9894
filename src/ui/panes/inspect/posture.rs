//! Security tab, top: the pod spec's declaration, what the runtime was told (the bundle) and what this process has (`field | declared | applied | observed | verdict`), the pod's immutability and its findings.

use ratatui::text::{Line, Span};

use super::{Cx, clean, fit_spans, kv_wrapped};
use crate::app::podview::InspectPosture;
use crate::posture::Severity;
use crate::posture::eval::RowVerdict;
use crate::ui::panes::fit;
use crate::ui::strings as s;
use crate::ui::theme::Role;

/// Width of the field column (`allowPrivilegeEscalation` + a space).
const FIELD_W: u16 = 25;
/// Width of the field column with short labels (narrow terminals).
const FIELD_W_SHORT: u16 = 13;
/// Below this width the fields take their short labels.
const WIDE: u16 = 120;
/// Width of the verdict column.
const VERDICT_W: u16 = 8;
/// Width of the label column of the findings and reasons.
const LABEL_W: u16 = 17;
/// Most lines one finding or reason wraps to.
const ITEM_LINES: usize = 3;

/// The lines (none without a spec for this process's container).
pub(super) fn lines(p: Option<&InspectPosture>, cx: &Cx, width: u16) -> Vec<Line<'static>> {
    let Some(p) = p else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (pod, container) = (clean(&p.pod, width), clean(&p.container, width));
    if p.spec {
        let (verdict, role) = if p.immutable {
            (s::SEC_IMMUTABLE, Role::Ok)
        } else {
            (s::SEC_NOT_IMMUTABLE, Role::Warning)
        };
        out.push(fit_spans(
            vec![
                cx.span(s::sec_posture_title(&pod, &container), Role::Title),
                cx.span(" · ", Role::TextDim),
                cx.span(verdict, role),
            ],
            width,
        ));
    } else {
        let title = s::sec_applied_title(&pod, &container);
        out.push(fit_spans(vec![cx.span(title, Role::Title)], width));
    }
    let wide = width >= WIDE;
    let field_w = if wide { FIELD_W } else { FIELD_W_SHORT };
    let rest = width.saturating_sub(field_w + VERDICT_W + 4);
    let decl_w = rest / 3;
    let appl_w = (rest - decl_w) / 2;
    let obs_w = rest - decl_w - appl_w;
    let row = |cells: [(&str, Role, u16); 5]| -> Line<'static> {
        let mut spans = Vec::new();
        for (i, (text, role, w)) in cells.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw(" "));
            }
            spans.push(cx.span(fit(text, w, false), role));
        }
        fit_spans(spans, width)
    };
    out.push(row([
        (s::SEC_POSTURE_FIELD, Role::Header, field_w),
        (s::SEC_POSTURE_DECLARED, Role::Header, decl_w),
        (s::SEC_POSTURE_APPLIED, Role::Header, appl_w),
        (s::SEC_POSTURE_OBSERVED, Role::Header, obs_w),
        (s::SEC_POSTURE_VERDICT, Role::Header, VERDICT_W),
    ]));
    for r in &p.rows {
        let (v, role) = match r.verdict {
            RowVerdict::Ok => (s::SEC_VERDICT_OK, Role::Ok),
            RowVerdict::Mismatch => (s::SEC_VERDICT_MISMATCH, Role::Error),
            RowVerdict::Unchecked => (s::SEC_VERDICT_UNCHECKED, Role::TextDim),
        };
        let declared = clean(&r.declared, width);
        let applied = clean(&r.applied, width);
        let observed = clean(&r.observed, width);
        let field = if wide {
            r.field
        } else {
            s::sec_field_short(r.field)
        };
        out.push(row([
            (field, Role::Text, field_w),
            (&declared, Role::Text, decl_w),
            (&applied, Role::Text, appl_w),
            (&observed, Role::Text, obs_w),
            (v, role, VERDICT_W),
        ]));
    }
    for (i, f) in p.findings.iter().enumerate() {
        let role = match f.severity {
            Severity::Critical => Role::Error,
            Severity::High => Role::Warning,
            _ => Role::Text,
        };
        let mut items = vec![
            cx.span(format!("{:<8}", f.severity.name()), role),
            cx.span(f.id(), Role::Accent),
        ];
        items.extend(words(&clean(&f.message, width), cx));
        let label = if i == 0 { s::SEC_FINDINGS } else { "" };
        out.extend(kv_wrapped(label, LABEL_W, items, cx, width, ITEM_LINES));
    }
    for (i, r) in p.immutable_reasons.iter().enumerate() {
        let label = if i == 0 { s::SEC_NOT_IMMUTABLE } else { "" };
        let items = words(&clean(r, width), cx);
        out.extend(kv_wrapped(label, LABEL_W, items, cx, width, ITEM_LINES));
    }
    out.push(Line::default());
    out
}

/// Words as spans, so long messages wrap instead of being cut.
fn words(text: &str, cx: &Cx) -> Vec<Span<'static>> {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| cx.span(w.to_string(), Role::Text))
        .collect()
}
