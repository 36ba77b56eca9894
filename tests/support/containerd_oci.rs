//! OCI image layout blobs (content-addressed files plus their descriptors) for the hand-built test images.

use std::path::Path;

use super::*;

/// Moves `file` into the blob store; returns its OCI descriptor.
pub(super) fn add_blob(blobs: &Path, file: &Path, media_type: &str) -> serde_json::Value {
    let sum = run(Command::new("sha256sum").arg(file));
    let hex = sum.split_whitespace().next().expect("sha256sum output");
    let size = std::fs::metadata(file).expect("blob size").len();
    std::fs::rename(file, blobs.join(hex)).expect("move blob");
    json!({ "mediaType": media_type, "digest": format!("sha256:{hex}"), "size": size })
}

pub(super) fn add_json_blob(
    blobs: &Path,
    work: &Path,
    v: &serde_json::Value,
    media_type: &str,
) -> serde_json::Value {
    let tmp = work.join("blob.json");
    std::fs::write(&tmp, v.to_string()).expect("write json blob");
    add_blob(blobs, &tmp, media_type)
}
