//! The layering around the runtime, checked on the sources: the layers below the core never import `app`, `runtime` or `ui`; the runtime never imports `ui`.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `file:line` of each line of the files under `src/<part>` that names one of `above`.
fn imports(part: &str, above: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let root = src.join(part);
    if root.is_dir() {
        sources(&root, &mut files);
    } else {
        files.push(src.join(format!("{part}.rs")));
    }
    assert!(!files.is_empty(), "no sources for {part}");
    let mut hits = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source file");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if above.iter().any(|m| {
                code.contains(&format!("crate::{m}::")) || code.contains(&format!("crate::{m};"))
            }) {
                hits.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    hits
}

#[test]
fn layers_below_the_core_do_not_import_it() {
    let above = [
        "app", "runtime", "session", "drill", "ui", "headless", "cli",
    ];
    let mut hits = Vec::new();
    for part in ["model", "collector", "identity", "inspect", "alerts"] {
        hits.extend(imports(part, &above));
    }
    // the rule engine never imports the core (rules/extract.rs still names `ui::panes::errno`:
    // the ui is left out of this check until errno names move down)
    hits.extend(imports(
        "rules",
        &["app", "runtime", "session", "drill", "headless", "cli"],
    ));
    assert!(hits.is_empty(), "imports pointing up:\n{}", hits.join("\n"));
}

#[test]
fn the_runtime_does_not_import_the_ui() {
    let hits = imports("runtime", &["ui", "session", "drill", "headless", "cli"]);
    assert!(
        hits.is_empty(),
        "runtime imports pointing up:\n{}",
        hits.join("\n")
    );
}
