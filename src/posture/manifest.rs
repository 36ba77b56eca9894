//! `--pod-manifest FILE`: Pods from YAML (multi-document) or JSON, one Pod or a List/PodList as `kubectl get pods -o yaml|json` writes it.

use std::path::Path;

use k8s_openapi::api::core::v1::{Pod, PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;

/// Largest manifest read (a node's pods as YAML are a few MiB).
pub const MAX_MANIFEST_BYTES: u64 = crate::safe_fs::MANIFEST_CAP;

/// Why a manifest could not be loaded. Parse errors carry `file:line:column`.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read: missing, not a regular file, over [`MAX_MANIFEST_BYTES`]...
    #[error(transparent)]
    Read(#[from] crate::safe_fs::FileError),
    /// Not YAML/JSON, or not shaped like a Pod.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        file: String,
        line: u64,
        column: u64,
        message: String,
    },
    /// A document of another kind (Deployment, Service, ...).
    #[error("{file}: document {index} is a {kind}; want a Pod, PodList or List of Pods")]
    Kind {
        file: String,
        index: usize,
        kind: String,
    },
}

/// The `kind` of a document, read first so other kinds get a clear error.
#[derive(Deserialize)]
struct Head {
    kind: Option<String>,
}

/// A Pod or a List of Pods.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Doc {
    kind: Option<String>,
    #[serde(default)]
    metadata: ObjectMeta,
    spec: Option<PodSpec>,
    status: Option<PodStatus>,
    items: Option<Vec<Pod>>,
}

/// Reads and parses `path` (`-`: stdin): a regular file of at most [`MAX_MANIFEST_BYTES`].
pub fn load_manifest(path: &Path) -> Result<Vec<Pod>, ManifestError> {
    let file = path.display().to_string();
    let bytes = crate::safe_fs::read_input("--pod-manifest", path, MAX_MANIFEST_BYTES)?;
    let text = String::from_utf8_lossy(&bytes);
    parse_manifest(&file, &text)
}

/// Parses manifest text; `file` names it in errors.
pub fn parse_manifest(file: &str, text: &str) -> Result<Vec<Pod>, ManifestError> {
    let is_json = text.trim_start().starts_with('{');
    let parsed: Result<Vec<Doc>, ManifestError> = if is_json {
        json_docs(file, text)
    } else {
        yaml_docs(file, text)
    };
    // Kinds are checked on the documents as parsed; when parsing failed, a
    // document of another kind (its spec is no PodSpec) is the clearer error.
    let heads: Vec<Head> = match &parsed {
        Ok(docs) => docs
            .iter()
            .map(|d| Head {
                kind: d.kind.clone(),
            })
            .collect(),
        Err(_) if is_json => json_docs(file, text).unwrap_or_default(),
        Err(_) => yaml_docs(file, text).unwrap_or_default(),
    };
    for (i, h) in heads.iter().enumerate() {
        if let Some(k) = h.kind.as_deref()
            && !matches!(k, "Pod" | "PodList" | "List")
        {
            return Err(ManifestError::Kind {
                file: file.into(),
                index: i + 1,
                kind: k.into(),
            });
        }
    }
    let docs = parsed?;
    let mut pods = Vec::new();
    for d in docs {
        match (d.kind.as_deref(), d.items) {
            (Some("List" | "PodList"), items) | (None, items @ Some(_)) => {
                pods.extend(items.unwrap_or_default());
            }
            _ => pods.push(Pod {
                metadata: d.metadata,
                spec: d.spec,
                status: d.status,
            }),
        }
    }
    Ok(pods)
}

fn yaml_docs<T: for<'de> Deserialize<'de>>(
    file: &str,
    text: &str,
) -> Result<Vec<T>, ManifestError> {
    serde_saphyr::from_multiple::<T>(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        ManifestError::Parse {
            file: file.into(),
            line,
            column,
            message: first_line(&e.to_string()),
        }
    })
}

fn json_docs<T: for<'de> Deserialize<'de>>(
    file: &str,
    text: &str,
) -> Result<Vec<T>, ManifestError> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<T>()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| ManifestError::Parse {
            file: file.into(),
            line: e.line() as u64,
            column: e.column() as u64,
            message: strip_json_position(&e.to_string()),
        })
}

/// The message without the position serde_json appends (it is in the prefix already).
fn strip_json_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// The first line of a saphyr message, without its `error: line L column C: ` prefix.
fn first_line(msg: &str) -> String {
    let line = msg.lines().next().unwrap_or_default();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let rest = line
        .strip_prefix("line ")
        .and_then(|r| r.split_once(": "))
        .filter(|(pos, _)| pos.contains(" column "))
        .map(|(_, m)| m);
    rest.unwrap_or(line).to_string()
}

#[cfg(test)]
#[path = "tests/manifest.rs"]
mod tests;
