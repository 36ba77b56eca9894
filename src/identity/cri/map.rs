//! Maps CRI messages into the shared [`ContainerInfo`] / [`PodInfo`] types.

use std::collections::{BTreeMap, HashMap};

use super::generated as g;
use super::{LABEL_CONTAINER_NAME, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID};
use crate::identity::{ContainerInfo, PodInfo};

/// True for image ids (`sha256:<64 hex>` or bare 64 hex) rather than human references.
pub fn is_image_id(s: &str) -> bool {
    let hex = s.strip_prefix("sha256:").unwrap_or(s);
    hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// How human an image string is: a tag (`nginx:1.25`) beats a digest reference
/// (`nginx@sha256:...`), which beats a bare id.
fn image_rank(s: &str) -> u8 {
    if is_image_id(s) {
        2
    } else if s.contains('@') {
        1
    } else {
        0
    }
}

/// The most human of the non-empty `candidates` (the first among equals).
pub(crate) fn best_image<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .filter(|s| !s.is_empty())
        .enumerate()
        .min_by_key(|(i, s)| (image_rank(s), *i))
        .map(|(_, s)| s.to_string())
}

/// `sha256:<hex>` form of an image id, for map keys.
pub(crate) fn normalize_image_id(s: &str) -> String {
    if s.starts_with("sha256:") {
        s.to_ascii_lowercase()
    } else {
        format!("sha256:{}", s.to_ascii_lowercase())
    }
}

/// Image id → best human name, from a `ListImages` answer.
pub(crate) fn image_names(images: &[g::Image]) -> HashMap<String, String> {
    images
        .iter()
        .filter_map(|img| {
            let name = best_image(
                img.repo_tags
                    .iter()
                    .chain(img.repo_digests.iter())
                    .map(String::as_str),
            )?;
            (!is_image_id(&name)).then(|| (normalize_image_id(&img.id), name))
        })
        .collect()
}

/// Candidate image strings of a container, most specific first.
fn image_candidates<'a>(spec: Option<&'a g::ImageSpec>, image_ref: &'a str) -> [&'a str; 3] {
    let (user, image) = spec.map_or(("", ""), |s| {
        (s.user_specified_image.as_str(), s.image.as_str())
    });
    [user, image, image_ref]
}

fn nonempty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn sorted(labels: &HashMap<String, String>) -> BTreeMap<String, String> {
    labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The pod named by the kubelet's `io.kubernetes.pod.*` labels, if any is set.
pub fn pod_from_labels<'a>(
    labels: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Option<PodInfo> {
    let mut pod = PodInfo::default();
    for (k, v) in labels {
        let slot = match k.as_str() {
            LABEL_POD_NAME => &mut pod.name,
            LABEL_POD_NAMESPACE => &mut pod.namespace,
            LABEL_POD_UID => &mut pod.uid,
            _ => continue,
        };
        *slot = nonempty(v);
    }
    (pod.name.is_some() || pod.namespace.is_some() || pod.uid.is_some()).then_some(pod)
}

/// The pod of a sandbox: its metadata, with the labels filling any gap.
pub(crate) fn pod_from_sandbox(sb: &g::PodSandbox) -> PodInfo {
    let meta = sb.metadata.as_ref();
    let labels = pod_from_labels(&sb.labels).unwrap_or_default();
    PodInfo {
        name: meta.and_then(|m| nonempty(&m.name)).or(labels.name),
        namespace: meta
            .and_then(|m| nonempty(&m.namespace))
            .or(labels.namespace),
        uid: meta.and_then(|m| nonempty(&m.uid)).or(labels.uid),
        qos: None,
        labels: sorted(&sb.labels),
    }
}

/// Fills the gaps of `primary` (from the sandbox) with `fallback` (from the container labels).
pub(crate) fn merge_pod(primary: Option<PodInfo>, fallback: Option<PodInfo>) -> Option<PodInfo> {
    match (primary, fallback) {
        (Some(p), Some(f)) => Some(PodInfo {
            name: p.name.or(f.name),
            namespace: p.namespace.or(f.namespace),
            uid: p.uid.or(f.uid),
            qos: p.qos.or(f.qos),
            labels: if p.labels.is_empty() {
                f.labels
            } else {
                p.labels
            },
        }),
        (p, f) => p.or(f),
    }
}

fn container_name(
    meta: Option<&g::ContainerMetadata>,
    labels: &HashMap<String, String>,
) -> Option<String> {
    meta.and_then(|m| nonempty(&m.name))
        .or_else(|| labels.get(LABEL_CONTAINER_NAME).and_then(|s| nonempty(s)))
}

/// A listed container; an image known only by id is named through `images` when possible.
pub(crate) fn from_list(
    c: &g::Container,
    runtime: Option<&str>,
    images: &HashMap<String, String>,
) -> ContainerInfo {
    let cands = image_candidates(c.image.as_ref(), &c.image_ref);
    let mut image = best_image(cands.into_iter().chain([c.image_id.as_str()]));
    if let Some(id) = image.as_deref().filter(|i| is_image_id(i))
        && let Some(name) = images.get(&normalize_image_id(id))
    {
        image = Some(name.clone());
    }
    ContainerInfo {
        id: c.id.to_ascii_lowercase(),
        runtime: runtime.and_then(nonempty),
        name: container_name(c.metadata.as_ref(), &c.labels),
        image,
        labels: sorted(&c.labels),
    }
}

/// A container from its `ContainerStatus` (whose image is usually already a tag).
pub(crate) fn from_status(s: &g::ContainerStatus, runtime: Option<&str>) -> ContainerInfo {
    let cands = image_candidates(s.image.as_ref(), &s.image_ref);
    ContainerInfo {
        id: s.id.to_ascii_lowercase(),
        runtime: runtime.and_then(nonempty),
        name: container_name(s.metadata.as_ref(), &s.labels),
        image: best_image(cands.into_iter().chain([s.image_id.as_str()])),
        labels: sorted(&s.labels),
    }
}

/// True when `image_names` would help: some listed container is known only by image id.
pub(crate) fn needs_image_names(containers: &[g::Container]) -> bool {
    containers.iter().any(|c| {
        let cands = image_candidates(c.image.as_ref(), &c.image_ref);
        best_image(cands.into_iter().chain([c.image_id.as_str()])).is_none_or(|i| is_image_id(&i))
    })
}

#[cfg(test)]
#[path = "map_tests.rs"]
mod tests;
