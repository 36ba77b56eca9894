//! Reading `src/`: comments and literals blanked, `crate::`/`super::` paths
//! found, files mapped to their modules (`#[path]`, `#[cfg(test)]` included),
//! and each path checked against the layer order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::layer;

/// One import that goes up (or sideways within a layer).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub file: String,
    pub line: usize,
    pub from: String,
    pub to: String,
    /// Only test code (`#[cfg(test)]`) imports it.
    pub test: bool,
}

/// The source with comments, string and char literals blanked (newlines kept,
/// so line numbers stay right).
fn strip(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, c: u8| out.push(if c == b'\n' { b'\n' } else { b' ' });
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == b'/' && next == Some(b'/') {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if c == b'/' && next == Some(b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if c == b'r' && matches!(next, Some(b'"') | Some(b'#')) && raw_prefix(b, i) {
            // raw string r"…" / r#"…"#
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let end = b[j + 1..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(b.len(), |p| j + 1 + p + close.len());
            for &x in &b[i..end] {
                blank(&mut out, x);
            }
            i = end;
        } else if c == b'"' {
            out.push(b' ');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    blank(&mut out, b[i]);
                    i += 1;
                }
                if i < b.len() {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
            out.push(b' ');
            i += 1;
        } else if c == b'\'' {
            // a char literal ('x', '\n', '\u{..}'); a lifetime is left alone
            let lit_end = if next == Some(b'\\') {
                b[i + 2..]
                    .iter()
                    .position(|x| *x == b'\'')
                    .map(|p| i + 2 + p + 1)
            } else {
                let ch_len = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + ch_len) == Some(&b'\'')).then_some(i + 2 + ch_len)
            };
            match lit_end {
                Some(end) => {
                    for &x in &b[i..end] {
                        blank(&mut out, x);
                    }
                    i = end;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The `r` at `i` starts a raw string (`r"`, `br"`), not the end of an identifier.
fn raw_prefix(b: &[u8], i: usize) -> bool {
    !ident_byte_before(b, i) || (b[i - 1] == b'b' && !ident_byte_before(b, i - 1))
}

fn ident_byte_before(b: &[u8], i: usize) -> bool {
    i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b'$')
}

/// The identifier starting at `i` (after spaces), and where it ends.
fn ident_at(b: &[u8], mut i: usize) -> (String, usize) {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let start = i;
    while i < b.len() && is_ident(b[i]) {
        i += 1;
    }
    (String::from_utf8_lossy(&b[start..i]).into_owned(), i)
}

/// After `::` (spaces allowed) at `i`: the first segments named, one for `x::…`,
/// each group member's first segment for `{a::…, b}`.
fn first_segments(b: &[u8], i: usize) -> Vec<String> {
    let mut j = i;
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    if b.get(j) != Some(&b'{') {
        let (name, _) = ident_at(b, j);
        return vec![name];
    }
    // a group: the identifiers at depth 1 that start an item
    let mut out = Vec::new();
    let mut depth = 0;
    let mut expect = true;
    while j < b.len() {
        match b[j] {
            b'{' => {
                depth += 1;
                expect = depth == 1;
                j += 1;
            }
            b'}' => {
                depth -= 1;
                j += 1;
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => {
                expect = true;
                j += 1;
            }
            c if expect && depth == 1 && is_ident(c) => {
                let (name, end) = ident_at(b, j);
                out.push(name);
                expect = false;
                j = end;
            }
            _ => j += 1,
        }
    }
    out
}

/// Module path of a file from its place under `src/` (`src/app/mod.rs` → `[app]`).
pub fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .skip(1)
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" && stem != "lib" && stem != "main" {
            parts.push(stem.to_string());
        }
    }
    parts
}

/// Out-of-line `mod name;` declarations whose file is not where the name says:
/// `#[path = "x.rs"]` ones, and `#[cfg(test)]` ones (their files are test code).
/// Returns (file relative to the crate, its module path, is test code).
fn declared_mods(
    rel: &Path,
    stripped: &str,
    raw: &str,
    module: &[String],
) -> Vec<(PathBuf, Vec<String>, bool)> {
    let mut out = Vec::new();
    let dir = rel.parent().unwrap_or(Path::new(""));
    let own_dir = match rel.file_stem().map(|s| s.to_string_lossy().into_owned()) {
        Some(s) if s == "mod" || s == "lib" || s == "main" => dir.to_path_buf(),
        Some(s) => dir.join(s),
        None => dir.to_path_buf(),
    };
    let mut path: Option<String> = None;
    let mut test = false;
    // The attribute's string is blanked in `stripped`; read it from `raw` on the same line.
    for (line_s, line_r) in stripped.lines().zip(raw.lines()) {
        let t = line_s.trim();
        if t.starts_with("#[path") {
            path = line_r.split('"').nth(1).map(str::to_string);
            continue;
        }
        if t == "#[cfg(test)]" {
            test = true;
            continue;
        }
        if t.starts_with("#[") {
            continue;
        }
        let t = t
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ");
        if let Some(name) = t.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
            let name = name.trim();
            let mut m = module.to_vec();
            m.push(name.to_string());
            let file = match path.take() {
                Some(p) => dir.join(p),
                None if own_dir.join(name).join("mod.rs").exists() => {
                    own_dir.join(name).join("mod.rs")
                }
                None => own_dir.join(format!("{name}.rs")),
            };
            out.push((file, m, test));
        }
        path = None;
        test = false;
    }
    out
}

/// The imports of one file that break the layering.
pub fn check_file(
    rel: &str,
    src: &str,
    module: &[String],
    file_is_test: bool,
    tops: &BTreeSet<String>,
) -> Vec<Violation> {
    let Some(top) = module.first() else {
        return Vec::new(); // lib.rs, main.rs: the crate root may name anything
    };
    let stripped = strip(src);
    let b = stripped.as_bytes();
    let mut out = Vec::new();
    // inline modules (`mod tests { … }`) add to the module path for `super::`
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut line = 1;
    let mut i = 0;
    let whole_file_test = file_is_test || stripped.contains("#![cfg(test)]");
    // a `#[cfg(test)]` item: (depth it starts at, has opened a brace)
    let mut test_item: Option<(usize, bool)> = None;
    let mut push = |to: &str, line: usize, test: bool| {
        if to == top.as_str() || !tops.contains(to) {
            return;
        }
        let ok = match (layer(top), layer(to)) {
            _ if top == "model" => false,
            (Some(a), Some(b)) => b < a,
            _ => false,
        };
        if !ok {
            out.push(Violation {
                file: rel.to_string(),
                line,
                from: top.clone(),
                to: to.to_string(),
                test: test || whole_file_test,
            });
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => line += 1,
            b'{' => {
                if let Some((d, opened)) = test_item.as_mut()
                    && *d == depth
                {
                    *opened = true;
                }
                depth += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
                if test_item.is_some_and(|(d, opened)| opened && d == depth) {
                    test_item = None;
                }
            }
            b';' if test_item.is_some_and(|(d, opened)| !opened && d == depth) => {
                test_item = None;
            }
            b'#' if b[i..].starts_with(b"#[cfg(test)]") => {
                test_item = Some((depth, false));
                i += b"#[cfg(test)]".len();
                continue;
            }
            _ => {}
        }
        let in_test = test_item.is_some();
        if !is_ident(c) || ident_byte_before(b, i) {
            i += 1;
            continue;
        }
        let (word, end) = ident_at(b, i);
        match word.as_str() {
            "mod" => {
                let (name, after) = ident_at(b, end);
                let mut k = after;
                while k < b.len() && b[k].is_ascii_whitespace() {
                    k += 1;
                }
                if b.get(k) == Some(&b'{') {
                    inline.push((depth, name));
                }
                i = after;
                continue;
            }
            "crate" if b[end..].starts_with(b"::") => {
                for seg in first_segments(b, end + 2) {
                    push(&seg, line, in_test);
                }
            }
            "super" => {
                let mut here: Vec<String> = module.to_vec();
                here.extend(inline.iter().map(|(_, n)| n.clone()));
                let mut k = i;
                let mut climbed = false;
                loop {
                    let (w, e) = ident_at(b, k);
                    if w != "super" || !b[e..].starts_with(b"::") {
                        break;
                    }
                    here.pop();
                    climbed = true;
                    k = e + 2;
                }
                if climbed && here.is_empty() {
                    for seg in first_segments(b, k) {
                        push(&seg, line, in_test);
                    }
                }
                i = k.max(end);
                continue;
            }
            _ => {}
        }
        i = end;
    }
    out
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every violation in the tree at `root` (the crate directory).
pub fn check_tree(root: &Path) -> (Vec<Violation>, BTreeSet<String>) {
    let src = root.join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    let tops: BTreeSet<String> = std::fs::read_dir(&src)
        .expect("src")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let name = p.file_stem()?.to_string_lossy().into_owned();
            (p.is_dir() || p.extension().is_some_and(|x| x == "rs"))
                .then_some(name)
                .filter(|n| n != "lib" && n != "main")
        })
        .collect();
    let texts: Vec<(PathBuf, String)> = files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(root).expect("under root").to_path_buf();
            let text =
                std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            (rel, text)
        })
        .collect();
    // Parents come before their children in path order except for `#[path]`
    // files, so a few passes settle every file's module and test flag.
    let mut modules: BTreeMap<PathBuf, (Vec<String>, bool)> = BTreeMap::new();
    for _ in 0..4 {
        for (rel, text) in &texts {
            let (m, test) = modules
                .get(rel)
                .cloned()
                .unwrap_or_else(|| (module_of(rel), false));
            for (p, m2, t2) in declared_mods(&root.join(rel), &strip(text), text, &m) {
                let p = p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p);
                modules.insert(p, (m2, test || t2));
            }
        }
    }
    let mut out = Vec::new();
    for (rel, text) in &texts {
        let (m, test) = modules
            .get(rel)
            .cloned()
            .unwrap_or_else(|| (module_of(rel), false));
        out.extend(check_file(&rel.to_string_lossy(), text, &m, test, &tops));
    }
    out.sort();
    (out, tops)
}
