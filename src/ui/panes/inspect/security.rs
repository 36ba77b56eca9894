//! Security tab: seccomp in words, NoNewPrivs, capability sets by name (those beyond the runtime default highlighted), LSM label, namespaces shared with the host, id maps.

use ratatui::text::{Line, Span};

use super::{Cx, clean, kv, kv_wrapped, missing};
use crate::inspect::Inspection;
use crate::inspect::caps;
use crate::inspect::lsm::Lsm;
use crate::inspect::namespaces::{CALLED_OUT, IdMap};
use crate::ui::strings as s;
use crate::ui::theme::Role;

/// Width of the label column.
const LABEL_W: u16 = 17;
/// Most lines one capability set takes (64 names fit in fewer at any usable width).
const CAP_LINES: usize = 32;

/// Every line of the tab (bounded: at most 64 capability names per set, 8 namespaces).
pub(super) fn lines(ins: &Inspection, cx: &Cx, width: u16) -> Vec<Line<'static>> {
    let st = &ins.status;
    let mut out = Vec::new();
    let seccomp = match st.seccomp {
        0 => cx.span(s::SEC_SECCOMP_DISABLED, Role::Warning),
        1 => cx.span(s::SEC_SECCOMP_STRICT, Role::Ok),
        2 => cx.span(s::sec_seccomp_filter(st.seccomp_filters), Role::Ok),
        m => cx.span(s::sec_seccomp_unknown(m), Role::Warning),
    };
    out.push(kv(s::SEC_SECCOMP, LABEL_W, vec![seccomp], cx, width));
    let nnp = if st.no_new_privs {
        cx.span(s::SEC_YES, Role::Ok)
    } else {
        cx.span(s::SEC_NO, Role::Text)
    };
    out.push(kv(s::SEC_NNP, LABEL_W, vec![nnp], cx, width));

    let beyond = caps::beyond_runtime_default(st.cap_eff, st.cap_bnd);
    out.push(kv(
        s::SEC_CAPS,
        LABEL_W,
        vec![cx.span(s::SEC_CAPS_NOTE, Role::TextDim)],
        cx,
        width,
    ));
    let names = |mask: u64| -> Vec<Span<'static>> {
        caps::decode(mask)
            .into_iter()
            .map(|n| {
                let extra = caps::cap_bit(&n).is_some_and(|b| beyond & (1u64 << b) != 0);
                cx.span(n, if extra { Role::Warning } else { Role::Text })
            })
            .collect()
    };
    let beyond_names = names(beyond);
    let beyond_items = if beyond_names.is_empty() {
        vec![cx.span(s::SEC_NONE, Role::Ok)]
    } else {
        beyond_names
    };
    out.extend(kv_wrapped(
        s::SEC_BEYOND,
        LABEL_W,
        beyond_items,
        cx,
        width,
        CAP_LINES,
    ));
    for (label, mask) in [
        (s::SEC_EFFECTIVE, st.cap_eff),
        (s::SEC_PERMITTED, st.cap_prm),
        (s::SEC_BOUNDING, st.cap_bnd),
        (s::SEC_AMBIENT, st.cap_amb),
    ] {
        let items = if label == s::SEC_PERMITTED && mask == st.cap_eff && mask != 0 {
            vec![cx.span(s::SEC_SAME_AS_EFFECTIVE, Role::TextDim)]
        } else if mask == 0 {
            vec![cx.span(s::SEC_NONE, Role::TextDim)]
        } else {
            names(mask)
        };
        out.extend(kv_wrapped(label, LABEL_W, items, cx, width, CAP_LINES));
    }

    let lsm = match &ins.lsm {
        None => missing(ins, "lsm", cx, width.saturating_sub(LABEL_W)).spans,
        Some(Lsm::None) => match ins.node_lsm.as_ref().filter(|n| n.none()) {
            Some(n) => {
                let active = n.active.as_ref().map(|l| clean(&l.join(","), width));
                vec![cx.span(s::sec_lsm_node_none(active.as_deref()), Role::Warning)]
            }
            None => vec![cx.span(s::SEC_LSM_NONE, Role::TextDim)],
        },
        Some(l @ Lsm::Unconfined) => vec![cx.span(l.label(), Role::Warning)],
        Some(l) => {
            let complain = matches!(l, Lsm::AppArmor { mode: Some(m), .. } if m != "enforce");
            let role = if complain { Role::Warning } else { Role::Text };
            vec![cx.span(s::sec_lsm(l.kind(), &clean(&l.label(), width)), role)]
        }
    };
    out.push(kv(s::SEC_LSM, LABEL_W, lsm, cx, width));

    match &ins.namespaces {
        None => out.push(kv(
            s::SEC_NAMESPACES,
            LABEL_W,
            missing(ins, "namespaces", cx, width.saturating_sub(LABEL_W)).spans,
            cx,
            width,
        )),
        Some(ns) => {
            let kind_w = ns.entries.iter().map(|n| n.kind.len()).max().unwrap_or(0);
            for (i, n) in ns.entries.iter().enumerate() {
                let label = if i == 0 { s::SEC_NAMESPACES } else { "" };
                let ino = n
                    .inode
                    .map_or_else(|| s::OV_UNKNOWN.to_string(), |i| i.to_string());
                let mut v = vec![
                    cx.span(format!("{:<kind_w$} ", n.kind), Role::Text),
                    cx.span(format!("{ino:<10}"), Role::TextDim),
                ];
                match n.shared_with_host() {
                    Some(true) => {
                        let role = if CALLED_OUT.contains(&n.kind) {
                            Role::Warning
                        } else {
                            Role::TextDim
                        };
                        v.push(cx.span(format!("  {}", s::SEC_SHARED), role));
                    }
                    Some(false) => {}
                    None => v.push(cx.span(format!("  {}", s::SEC_SHARED_UNKNOWN), Role::TextDim)),
                }
                out.push(kv(label, LABEL_W, v, cx, width));
            }
            out.push(id_map(s::SEC_UID_MAP, &ns.uid_map, cx, width));
            out.push(id_map(s::SEC_GID_MAP, &ns.gid_map, cx, width));
        }
    }
    out
}

/// `0 → 100000, 65536 ids; …`, noting the identity map of the host's user namespace.
fn id_map(label: &str, map: &[IdMap], cx: &Cx, width: u16) -> Line<'static> {
    if map.is_empty() {
        return kv(
            label,
            LABEL_W,
            vec![cx.span(s::SEC_NONE, Role::TextDim)],
            cx,
            width,
        );
    }
    let text = map
        .iter()
        .take(8)
        .map(|m| s::sec_id_map(m.inside, m.outside, m.count))
        .collect::<Vec<_>>()
        .join("; ");
    let mut v = vec![cx.span(text, Role::Text)];
    if let [
        IdMap {
            inside: 0,
            outside: 0,
            count: u32::MAX,
        },
    ] = map
    {
        v.push(cx.span(format!("  {}", s::SEC_ID_MAP_IDENTITY), Role::TextDim));
    }
    kv(label, LABEL_W, v, cx, width)
}
