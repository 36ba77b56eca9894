//! The drills ktriage knows: the ones shipped in `drills/` (embedded) and those of `--drills DIR`.

use std::path::Path;

use super::spec::Drill;
use crate::safe_fs;

/// The shipped drills: (directory name, `drill.toml`).
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "env-secret",
        include_str!("../../drills/env-secret/drill.toml"),
    ),
    (
        "root-secret",
        include_str!("../../drills/root-secret/drill.toml"),
    ),
    (
        "etcd-syscalls",
        include_str!("../../drills/etcd-syscalls/drill.toml"),
    ),
    (
        "etcd-data-fd",
        include_str!("../../drills/etcd-data-fd/drill.toml"),
    ),
    (
        "port-owner",
        include_str!("../../drills/port-owner/drill.toml"),
    ),
    (
        "terminal-shell",
        include_str!("../../drills/terminal-shell/drill.toml"),
    ),
    (
        "usr-bin-writer",
        include_str!("../../drills/usr-bin-writer/drill.toml"),
    ),
    (
        "seccomp-caps",
        include_str!("../../drills/seccomp-caps/drill.toml"),
    ),
    (
        "immutable-pods",
        include_str!("../../drills/immutable-pods/drill.toml"),
    ),
    (
        "kill-caller",
        include_str!("../../drills/kill-caller/drill.toml"),
    ),
    (
        "deleted-binary",
        include_str!("../../drills/deleted-binary/drill.toml"),
    ),
    (
        "falco-bin-dir",
        include_str!("../../drills/falco-bin-dir/drill.toml"),
    ),
    (
        "dev-mem-reader",
        include_str!("../../drills/dev-mem-reader/drill.toml"),
    ),
    (
        "mount-caller",
        include_str!("../../drills/mount-caller/drill.toml"),
    ),
];

/// Cap of one `drill.toml`.
const DRILL_CAP: u64 = 1 << 20;

/// A drill file that does not load: which file, where, why.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    File(#[from] safe_fs::FileError),
    #[error("{file}: {detail}")]
    Parse { file: String, detail: String },
    #[error("--drills {dir}: {source}")]
    Dir {
        dir: String,
        #[source]
        source: std::io::Error,
    },
}

/// Every drill, by name.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub drills: Vec<Drill>,
}

/// Parses one `drill.toml`; `name` is its directory's name. Errors carry the byte offset.
pub fn parse(name: &str, file: &str, text: &str) -> Result<Drill, CatalogError> {
    let mut d: Drill = toml::from_str(text).map_err(|e| CatalogError::Parse {
        file: file.to_string(),
        detail: match e.span() {
            Some(s) => format!("byte {}: {}", s.start, e.message()),
            None => e.message().to_string(),
        },
    })?;
    if d.name.is_empty() {
        d.name = name.to_string();
    }
    Ok(d)
}

impl Catalog {
    /// The shipped drills.
    pub fn shipped() -> Self {
        let drills = SHIPPED
            .iter()
            .filter_map(|(name, text)| parse(name, &format!("drills/{name}/drill.toml"), text).ok())
            .collect();
        Self { drills }
    }

    /// Adds a drill (a drill of the same name replaces the one known before).
    fn add(&mut self, d: Drill) {
        self.drills.retain(|x| x.name != d.name);
        self.drills.push(d);
    }

    /// Adds `DIR/<name>/drill.toml` for each subdirectory, and the drills of killercoda
    /// scenarios: `DIR` itself or a subdirectory with an `index.json` (see [`super::killercoda`]).
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), CatalogError> {
        if super::killercoda::is_scenario(dir) {
            for d in super::killercoda::import(dir)?.drills {
                self.add(d);
            }
            return Ok(());
        }
        let derr = |source| CatalogError::Dir {
            dir: dir.display().to_string(),
            source,
        };
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map_err(derr)?
            .flatten()
            .filter(|e| {
                e.path().join("drill.toml").is_file() || super::killercoda::is_scenario(&e.path())
            })
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let path = dir.join(&name).join("drill.toml");
            if !path.is_file() {
                for d in super::killercoda::import(&dir.join(&name))?.drills {
                    self.add(d);
                }
                continue;
            }
            let bytes = safe_fs::read_input("--drills", &path, DRILL_CAP)?;
            let d = parse(
                &name,
                &path.display().to_string(),
                &String::from_utf8_lossy(&bytes),
            )?;
            self.add(d);
        }
        Ok(())
    }

    /// The drill named `name`.
    pub fn get(&self, name: &str) -> Option<&Drill> {
        self.drills.iter().find(|d| d.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_drill_parses_and_every_directory_is_shipped() {
        for (name, text) in SHIPPED {
            let d = parse(name, name, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&d.name, name);
            assert!(!d.checks.is_empty(), "{name}: no checks");
            assert!(!d.hints.is_empty(), "{name}: no hints");
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("drills");
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            assert!(
                SHIPPED.iter().any(|(s, _)| *s == n),
                "drills/{n} is not in SHIPPED"
            );
        }
    }

    #[test]
    fn a_bad_drill_file_names_the_byte() {
        let e = parse("x", "x/drill.toml", "title = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x/drill.toml: byte "), "{e}");
    }
}
