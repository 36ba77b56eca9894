//! Lab images built by hand from `/bin/busybox` (one layer: busybox, its applets, the drill's files) and imported with `ctr`; no registry.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Component, Path};
use std::process::Command;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{BUSYBOX, LabDirs, LabError};

/// An ELF without a `PT_INTERP` program header runs without a dynamic loader.
pub fn is_static_elf(path: &Path) -> std::io::Result<bool> {
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(64 * 1024)
        .read_to_end(&mut head)?;
    let rd = |o: usize, n: usize| -> u64 {
        head.get(o..o + n).map_or(0, |b| {
            b.iter().rev().fold(0, |a, &x| (a << 8) | u64::from(x))
        })
    };
    if head.get(..5) != Some(b"\x7fELF\x02") {
        return Ok(false);
    }
    let (phoff, phentsize, phnum) = (rd(0x20, 8) as usize, rd(0x36, 2) as usize, rd(0x38, 2));
    Ok((0..phnum as usize).all(|i| rd(phoff + i * phentsize, 4) != 3))
}

/// Runs `cmd` to success; its stdout.
pub fn run(cmd: &mut Command) -> Result<String, LabError> {
    let name = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| LabError::Command {
        cmd: name.clone(),
        detail: e.to_string(),
    })?;
    if !out.status.success() {
        return Err(LabError::Command {
            cmd: name,
            detail: format!(
                "{}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn io(what: &str, p: &Path) -> impl FnOnce(std::io::Error) -> LabError {
    let what = format!("{what} {}", p.display());
    move |e| LabError::io(what, e)
}

/// Moves `bytes` into the blob store; their OCI descriptor.
fn add_blob(blobs: &Path, bytes: &[u8], media_type: &str) -> Result<Value, LabError> {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let p = blobs.join(&hex);
    std::fs::write(&p, bytes).map_err(io("writing blob", &p))?;
    Ok(json!({ "mediaType": media_type, "digest": format!("sha256:{hex}"), "size": bytes.len() }))
}

/// A path inside the image: absolute, no `..`.
fn inside(rootfs: &Path, path: &str) -> Result<std::path::PathBuf, LabError> {
    let p = Path::new(path);
    if !p.is_absolute() || p.components().any(|c| c == Component::ParentDir) {
        return Err(LabError::io(
            format!("image file {path:?}"),
            std::io::Error::other("want an absolute path without `..`"),
        ));
    }
    Ok(rootfs.join(p.strip_prefix("/").unwrap_or(p)))
}

/// Builds image `name` (busybox + applets + `files`, default command `cmd`) and imports it.
pub fn build_and_import(
    dirs: &LabDirs,
    name: &str,
    cmd: &[&str],
    files: &BTreeMap<String, String>,
) -> Result<(), LabError> {
    let work = dirs.root.join("images").join(name.replace(['/', ':'], "_"));
    let _ = std::fs::remove_dir_all(&work);
    let rootfs = work.join("rootfs");
    let layout = work.join("layout");
    let blobs = layout.join("blobs/sha256");
    for d in [
        "bin", "etc", "tmp", "usr/bin", "usr/sbin", "sbin", "dev", "proc",
    ] {
        let p = rootfs.join(d);
        std::fs::create_dir_all(&p).map_err(io("mkdir", &p))?;
    }
    std::fs::create_dir_all(&blobs).map_err(io("mkdir", &blobs))?;
    let bb = rootfs.join("bin/busybox");
    std::fs::copy(BUSYBOX, &bb).map_err(io("copying busybox to", &bb))?;
    let applets = run(Command::new(BUSYBOX).arg("--list"))?;
    for applet in applets
        .lines()
        .map(str::trim)
        .filter(|a| !a.is_empty() && *a != "busybox")
    {
        let _ = symlink("busybox", rootfs.join("bin").join(applet));
    }
    std::fs::write(rootfs.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
        .map_err(io("writing", &rootfs))?;
    std::fs::write(rootfs.join("etc/group"), "root:x:0:\n").map_err(io("writing", &rootfs))?;
    for (path, content) in files {
        let p = inside(&rootfs, path)?;
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(io("mkdir", parent))?;
        }
        std::fs::write(&p, content).map_err(io("writing", &p))?;
        if content.starts_with("#!") {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755))
                .map_err(io("chmod", &p))?;
        }
    }
    let layer = work.join("layer.tar");
    run(Command::new("tar")
        .args(["--numeric-owner", "--owner=0", "--group=0", "-C"])
        .arg(&rootfs)
        .arg("-cf")
        .arg(&layer)
        .arg("."))?;
    let layer_bytes = std::fs::read(&layer).map_err(io("reading", &layer))?;
    let _ = std::fs::remove_file(&layer);
    let layer_desc = add_blob(
        &blobs,
        &layer_bytes,
        "application/vnd.oci.image.layer.v1.tar",
    )?;
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    let config = json!({
        "architecture": arch, "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": cmd,
            "WorkingDir": "/",
        },
        "rootfs": { "type": "layers", "diff_ids": [layer_desc["digest"]] },
    });
    let config_desc = add_blob(
        &blobs,
        config.to_string().as_bytes(),
        "application/vnd.oci.image.config.v1+json",
    )?;
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config_desc,
        "layers": [layer_desc],
    });
    let mut man_desc = add_blob(
        &blobs,
        manifest.to_string().as_bytes(),
        "application/vnd.oci.image.manifest.v1+json",
    )?;
    man_desc["platform"] = json!({ "architecture": arch, "os": "linux" });
    man_desc["annotations"] = json!({
        "io.containerd.image.name": name,
        "org.opencontainers.image.ref.name": name.rsplit(':').next().unwrap_or("latest"),
    });
    let index = json!({ "schemaVersion": 2, "manifests": [man_desc] });
    let ix = layout.join("index.json");
    std::fs::write(&ix, index.to_string()).map_err(io("writing", &ix))?;
    let ol = layout.join("oci-layout");
    std::fs::write(&ol, r#"{"imageLayoutVersion":"1.0.0"}"#).map_err(io("writing", &ol))?;
    let archive = work.join("image.tar");
    run(Command::new("tar")
        .arg("-C")
        .arg(&layout)
        .arg("-cf")
        .arg(&archive)
        .args(["oci-layout", "index.json", "blobs"]))?;
    run(Command::new("ctr")
        .arg("--address")
        .arg(dirs.socket())
        .args(["-n", "k8s.io", "images", "import"])
        .arg(&archive))?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}
