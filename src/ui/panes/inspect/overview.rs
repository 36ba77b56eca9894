//! Overview tab: argv, exe (deleted / replaced), cwd, ids with names, state, container, pod, parent chain, section errors.

use ratatui::text::{Line, Span};

use super::{Cx, clean, fit_spans, kv, kv_wrapped, label_spans};
use crate::inspect::Inspection;
use crate::inspect::overview::Boundary;
use crate::ui::panes::{fit, width_of};
use crate::ui::strings as s;
use crate::ui::theme::Role;

/// Width of the label column.
const LABEL_W: u16 = 11;
/// Most lines a wrapped argv takes.
const CMDLINE_LINES: usize = 6;
/// Widest comm in the parent chain.
const PARENT_NAME_W: u16 = 16;

/// Every line of the tab (a bounded handful: argv is capped, the parent chain
/// is at most `MAX_PARENTS` long).
/// argv has its secrets masked unless `reveal` (see [`crate::redact::mask_argv`]).
pub(super) fn lines(ins: &Inspection, reveal: bool, cx: &Cx, width: u16) -> Vec<Line<'static>> {
    let ov = &ins.overview;
    let st = &ins.status;
    let mut out = Vec::new();
    if ins.exited {
        let text = if ins.recorded {
            s::OV_FROM_ALERT
        } else {
            s::OV_EXITED
        };
        out.push(Line::from(
            cx.span(super::fit_text(text, width), Role::Warning),
        ));
    }

    let masked;
    let argv = if reveal {
        &ov.cmdline
    } else {
        masked = crate::redact::mask_argv(&ov.cmdline);
        &masked
    };
    let args: Vec<Span<'static>> = argv
        .iter()
        .take(256)
        .map(|a| cx.span(clean(&crate::sanitize::quote_arg(a), width), Role::Text))
        .collect();
    if args.is_empty() {
        let text = if ov.exe.is_none() && !ins.exited && ins.error("cmdline").is_none() {
            s::OV_KERNEL_THREAD
        } else {
            s::OV_UNKNOWN
        };
        out.push(kv(
            s::OV_CMDLINE,
            LABEL_W,
            vec![cx.span(text, Role::TextDim)],
            cx,
            width,
        ));
    } else {
        out.extend(kv_wrapped(
            s::OV_CMDLINE,
            LABEL_W,
            args,
            cx,
            width,
            CMDLINE_LINES,
        ));
    }

    let exe = match &ov.exe {
        Some(e) => {
            let mut v = vec![cx.span(clean(&e.path, width), Role::Text)];
            if e.deleted {
                v.push(cx.span(format!("  {}", s::OV_EXE_DELETED), Role::Warning));
            }
            if e.replaced == Some(true) {
                v.push(cx.span(format!("  {}", s::OV_EXE_REPLACED), Role::Warning));
            }
            v
        }
        None => vec![cx.span(s::OV_UNKNOWN, Role::TextDim)],
    };
    out.push(kv(s::OV_EXE, LABEL_W, exe, cx, width));
    let cwd = match &ov.cwd {
        Some(c) => cx.span(clean(c, width), Role::Text),
        None => cx.span(s::OV_UNKNOWN, Role::TextDim),
    };
    out.push(kv(s::OV_CWD, LABEL_W, vec![cwd], cx, width));

    let mut ids = vec![
        cx.span(
            s::ov_named_id(ov.uid.id, &clean(ov.uid.name_or_unknown(), width)),
            Role::Text,
        ),
        cx.span(" / ", Role::TextDim),
        cx.span(
            s::ov_named_id(ov.gid.id, &clean(ov.gid.name_or_unknown(), width)),
            Role::Text,
        ),
    ];
    if st.uid.real != st.uid.effective {
        ids.push(cx.span(format!("  {}", s::ov_real_id(st.uid.real)), Role::Warning));
    }
    out.push(kv(s::OV_IDS, LABEL_W, ids, cx, width));
    let state_role = if ins.exited {
        Role::Warning
    } else {
        Role::Text
    };
    out.push(kv(
        s::OV_STATE,
        LABEL_W,
        vec![
            cx.span(clean(&ov.state, width), state_role),
            cx.span(" · ", Role::TextDim),
            cx.span(s::ov_threads(ov.threads), Role::Text),
        ],
        cx,
        width,
    ));

    identity_lines(ins, cx, width, &mut out);
    for (i, (who, how, role)) in crate::ui::panes::exec_by::of_pid(cx.exec, ins.pid)
        .into_iter()
        .enumerate()
    {
        let label = if i == 0 { s::EXEC_BY } else { "" };
        let spans = vec![cx.span(who, Role::Text), cx.span(how, role)];
        out.extend(kv_wrapped(label, LABEL_W, spans, cx, width, 2));
    }
    parent_lines(ins, cx, width, &mut out);

    for (i, e) in ins.errors.iter().enumerate() {
        let label = if i == 0 { s::OV_ERRORS } else { "" };
        let text = s::inspect_section_error(e.section, &clean(&e.message, width));
        out.push(kv(
            label,
            LABEL_W,
            vec![cx.span(text, Role::Error)],
            cx,
            width,
        ));
    }
    out
}

fn identity_lines(ins: &Inspection, cx: &Cx, width: u16, out: &mut Vec<Line<'static>>) {
    let text = |v: &str| cx.span(clean(v, width), Role::Text);
    match &ins.identity.container {
        Some(c) => {
            let mut v = vec![match &c.name {
                Some(n) => text(n),
                None => cx.span(s::OV_UNKNOWN, Role::TextDim),
            }];
            if let Some(rt) = &c.runtime {
                v.push(cx.span(
                    format!(" {}", s::ov_paren(&clean(rt, width))),
                    Role::TextDim,
                ));
            }
            out.push(kv(s::OV_CONTAINER, LABEL_W, v, cx, width));
            out.push(kv(
                s::OV_ID,
                LABEL_W,
                vec![cx.span(clean(&c.id, width), Role::Accent)],
                cx,
                width,
            ));
            if let Some(img) = &c.image {
                out.push(kv(s::OV_IMAGE, LABEL_W, vec![text(img)], cx, width));
            }
            labels_line(&c.labels, cx, width, out);
            if ins.identity.entered_from_host {
                out.push(kv(
                    s::OV_ENTERED,
                    LABEL_W,
                    vec![cx.span(s::OV_ENTERED_TEXT, Role::Warning)],
                    cx,
                    width,
                ));
            }
        }
        None => out.push(kv(
            s::OV_CONTAINER,
            LABEL_W,
            vec![cx.span(s::INSPECT_HOST, Role::TextDim)],
            cx,
            width,
        )),
    }
    if let Some(p) = &ins.identity.pod {
        let name = match (&p.namespace, &p.name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            (ns, n) => ns
                .as_deref()
                .or(n.as_deref())
                .unwrap_or(s::OV_UNKNOWN)
                .to_string(),
        };
        let mut v = vec![text(&name)];
        if let Some(q) = &p.qos {
            v.push(cx.span(
                format!(" {}", s::ov_paren(&s::ov_qos(&clean(q, width)))),
                Role::TextDim,
            ));
        }
        out.push(kv(s::OV_POD, LABEL_W, v, cx, width));
        if let Some(uid) = &p.uid {
            out.push(kv(s::OV_POD_UID, LABEL_W, vec![text(uid)], cx, width));
        }
        labels_line(&p.labels, cx, width, out);
    }
}

/// `key=value, ...` of the user's labels (the kubelet's `io.kubernetes.*` left out).
fn labels_line(
    labels: &std::collections::BTreeMap<String, String>,
    cx: &Cx,
    width: u16,
    out: &mut Vec<Line<'static>>,
) {
    let shown: Vec<String> = labels
        .iter()
        .filter(|(k, _)| !crate::identity::is_kubelet_label(k))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !shown.is_empty() {
        let v = vec![cx.span(clean(&shown.join(", "), width), Role::Text)];
        out.push(kv(s::OV_LABELS, LABEL_W, v, cx, width));
    }
}

/// `pid comm` per ancestor, the process itself first; the init of a pid namespace
/// (the container's pid 1 seen from the host) is marked.
fn parent_lines(ins: &Inspection, cx: &Cx, width: u16, out: &mut Vec<Line<'static>>) {
    let parents = &ins.overview.parents;
    let pid_w = parents
        .iter()
        .map(|p| p.pid.to_string().len())
        .max()
        .unwrap_or(1);
    let names: Vec<String> = parents
        .iter()
        .map(|p| clean(&p.name, PARENT_NAME_W))
        .collect();
    let name_w = names
        .iter()
        .map(|n| width_of(n))
        .max()
        .unwrap_or(0)
        .min(usize::from(PARENT_NAME_W)) as u16;
    for (i, p) in parents.iter().enumerate() {
        let label = if i == 0 { s::OV_PARENTS } else { "" };
        let mut spans = label_spans(label, LABEL_W, cx);
        spans.push(cx.span(format!("{:>pid_w$} ", p.pid), Role::Accent));
        spans.push(cx.span(fit(&names[i], name_w, false), Role::Text));
        let mark = match p.boundary {
            Some(Boundary::Init) => Some((s::OV_NS_INIT, Role::Accent)),
            Some(Boundary::RuntimeExec) => Some((s::OV_NS_RUNTIME_EXEC, Role::Accent)),
            Some(Boundary::EnteredFromHost) => Some((s::OV_NS_ENTERED, Role::Warning)),
            None if p.pidns_init => Some((s::OV_NS_INIT, Role::Accent)),
            None => None,
        };
        if let Some((text, role)) = mark {
            spans.push(cx.span(format!("  {text}"), role));
        }
        out.push(fit_spans(spans, width));
    }
}
