//! The report as Markdown and as one self-contained HTML page that prints well; every workload string sanitized (and escaped for HTML).

use std::fmt::Write;

use super::Report;
use crate::sanitize::sanitize;

fn clean(s: &str) -> String {
    sanitize(s).into_owned()
}

/// Markdown.
pub fn markdown(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# ktriage session report\n");
    for (k, v) in summary(r) {
        let _ = writeln!(o, "- **{k}:** {}", md(&v));
    }
    let _ = writeln!(o, "\n## Timeline\n");
    if r.timeline.is_empty() {
        let _ = writeln!(o, "(nothing: no alerts, pivots, inspections or notes)");
    }
    for e in &r.timeline {
        let _ = writeln!(o, "- `{}` **{}** {}", e.time, e.kind, md(&e.text));
    }
    if r.timeline_more > 0 {
        let _ = writeln!(o, "- … {} more", r.timeline_more);
    }
    let _ = writeln!(o, "\n## Alerted processes\n");
    if r.processes.is_empty() {
        let _ = writeln!(o, "(no alert named a process)\n");
    }
    for p in &r.processes {
        let _ = writeln!(o, "### pid {} {}\n", p.pid, md(&p.comm));
        for (k, v) in process_fields(p) {
            let _ = writeln!(o, "- **{k}:** {}", md(&v));
        }
        if !p.syscalls.is_empty() {
            let _ = writeln!(o, "\n| syscall | calls | errors |\n|---|---:|---:|");
            for (n, c, e) in p.syscalls.iter().take(20) {
                let _ = writeln!(o, "| {n} | {c} | {e} |");
            }
        }
        for (title, list, more) in [
            ("Files", &p.files, p.files_more),
            ("Connections", &p.connections, p.connections_more),
            ("Executed", &p.execs, 0),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(o, "\n{title}:\n");
            for l in list {
                let _ = writeln!(o, "- `{}`", clean(l).replace('`', "'"));
            }
            if more > 0 {
                let _ = writeln!(o, "- … {more} more");
            }
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## Drops and blind spots\n");
    for b in &r.blind_spots {
        let _ = writeln!(o, "- {}", md(b));
    }
    let _ = writeln!(o, "\n## Redacted before recording\n");
    if r.redacted.is_empty() {
        let _ = writeln!(o, "(nothing)");
    }
    for n in &r.redacted {
        let _ = writeln!(o, "- {}", md(n));
    }
    o
}

/// One self-contained HTML page (inline CSS, no scripts, no external resources).
pub fn html(r: &Report) -> String {
    let mut o = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ktriage session report</title><style>\
body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#111}\
code,td.m{font-family:monospace}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}\
.alert{color:#a00}h3{break-after:avoid}section{break-inside:avoid}@media print{body{margin:0}}\
</style></head><body><h1>ktriage session report</h1><ul>",
    );
    for (k, v) in summary(r) {
        let _ = write!(o, "<li><b>{}:</b> {}</li>", h(k), h(&v));
    }
    o.push_str("</ul><h2>Timeline</h2><table><tr><th>time</th><th>what</th><th></th></tr>");
    for e in &r.timeline {
        let class = if e.kind == "alert" {
            " class=\"alert\""
        } else {
            ""
        };
        let _ = write!(
            o,
            "<tr{class}><td class=\"m\">{}</td><td>{}</td><td>{}</td></tr>",
            h(&e.time),
            h(&e.kind),
            h(&e.text)
        );
    }
    o.push_str("</table>");
    if r.timeline_more > 0 {
        let _ = write!(o, "<p>… {} more</p>", r.timeline_more);
    }
    o.push_str("<h2>Alerted processes</h2>");
    for p in &r.processes {
        let _ = write!(o, "<section><h3>pid {} {}</h3><ul>", p.pid, h(&p.comm));
        for (k, v) in process_fields(p) {
            let _ = write!(o, "<li><b>{}:</b> {}</li>", h(k), h(&v));
        }
        o.push_str("</ul>");
        if !p.syscalls.is_empty() {
            o.push_str("<table><tr><th>syscall</th><th>calls</th><th>errors</th></tr>");
            for (n, c, e) in p.syscalls.iter().take(20) {
                let _ = write!(o, "<tr><td>{}</td><td>{c}</td><td>{e}</td></tr>", h(n));
            }
            o.push_str("</table>");
        }
        for (title, list) in [
            ("Files", &p.files),
            ("Connections", &p.connections),
            ("Executed", &p.execs),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = write!(o, "<p>{title}:</p><ul>");
            for l in list {
                let _ = write!(o, "<li><code>{}</code></li>", h(l));
            }
            o.push_str("</ul>");
        }
        o.push_str("</section>");
    }
    o.push_str("<h2>Drops and blind spots</h2><ul>");
    for b in &r.blind_spots {
        let _ = write!(o, "<li>{}</li>", h(b));
    }
    o.push_str("</ul><h2>Redacted before recording</h2><ul>");
    for n in &r.redacted {
        let _ = write!(o, "<li>{}</li>", h(n));
    }
    o.push_str("</ul></body></html>\n");
    o
}

/// Who, where, when, what: label and value.
fn summary(r: &Report) -> Vec<(&'static str, String)> {
    let mut v = vec![("File", r.file.clone())];
    if let Some(hd) = &r.header {
        let who = match &hd.sudo_user {
            Some(u) => format!("uid {} (sudo by {u})", hd.uid),
            None => format!("uid {}", hd.uid),
        };
        v.push(("Operator", who));
        v.push((
            "Host",
            format!("{} (kernel {}, boot {})", hd.host, hd.kernel, hd.boot_id),
        ));
        v.push(("Tool", format!("ktriage {}", hd.tool_version)));
        v.push(("Command", hd.argv.join(" ")));
        for rf in &hd.rule_files {
            v.push(("Rules", format!("{} sha256:{}", rf.path, rf.sha256)));
        }
        if !hd.filters.is_empty() {
            v.push(("Filters", hd.filters.join(" ")));
        }
        if hd.secrets_kept {
            v.push((
                "Secrets",
                "KEPT in this recording (--record-secrets)".into(),
            ));
        }
    }
    if let Some((a, b)) = &r.span {
        v.push(("When", format!("{a} to {b}")));
    }
    v.push(("Integrity", format!("{}: {}", r.verdict, r.verify_detail)));
    v.push((
        "Final hash",
        r.final_hash
            .clone()
            .unwrap_or_else(|| "none (the file is not complete)".into()),
    ));
    v.push((
        "Records",
        format!("{} ({} kernel events)", r.records, r.kernel_events),
    ));
    v
}

fn process_fields(p: &super::Process) -> Vec<(&'static str, String)> {
    let or = |o: &Option<String>, d: &str| o.clone().unwrap_or_else(|| d.to_string());
    vec![
        ("Rules", p.rules.join(", ")),
        ("Container", or(&p.container, "host or unknown")),
        ("Pod", or(&p.pod, "none known")),
        ("Command line", p.cmdline.clone()),
        ("Parents", p.parents.join(" ← ")),
    ]
}

/// Markdown-safe inline text: sanitized, no markup characters that would change the page.
fn md(s: &str) -> String {
    let mut out = String::new();
    for c in clean(s).chars() {
        if matches!(c, '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// HTML-escaped, sanitized text.
fn h(s: &str) -> String {
    let mut out = String::new();
    for c in clean(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
