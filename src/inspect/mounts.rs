//! `/proc/PID/mountinfo`: mounts, the read-only root, binds from the host, and sensitive ones flagged.

use std::io;
use std::path::Path;

/// Filesystems that are never a bind of host data (their `root` is internal).
const SPECIAL_FS: [&str; 13] = [
    "proc",
    "sysfs",
    "cgroup",
    "cgroup2",
    "devpts",
    "mqueue",
    "securityfs",
    "debugfs",
    "tracefs",
    "bpf",
    "configfs",
    "fusectl",
    "pstore",
];

/// Socket names of container runtimes: a bind of one hands over the node.
pub const RUNTIME_SOCKETS: [&str; 4] = [
    "containerd.sock",
    "docker.sock",
    "crio.sock",
    "cri-dockerd.sock",
];

/// One mountinfo line, unescaped (fields are raw; sanitize before drawing).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mount {
    pub id: u32,
    pub parent: u32,
    /// `major:minor` of the filesystem.
    pub dev: String,
    /// The directory of the filesystem that is mounted (`/` unless a bind of a sub-path).
    pub root: String,
    pub mount_point: String,
    /// Per-mount options (`rw,nosuid,relatime`).
    pub options: String,
    /// Optional fields (`shared:1`, `master:3`, `propagate_from:2`, `unbindable`).
    pub optional: Vec<String>,
    pub fstype: String,
    pub source: String,
    pub super_options: String,
    /// The host path this mount shows, when the host's mount table located it.
    pub host_path: Option<String>,
    /// A bind of host data into the container (see [`annotate`]).
    pub bind_from_host: bool,
    /// Why this mount matters (`container runtime socket`, `host /etc`, ...).
    pub sensitive: Vec<String>,
}

impl Mount {
    /// Read-only per mount or per superblock.
    pub fn read_only(&self) -> bool {
        let has_ro = |o: &str| o.split(',').any(|x| x == "ro");
        has_ro(&self.options) || has_ro(&self.super_options)
    }

    /// `shared`, `slave`, `shared,slave`, `unbindable` or `private` from the optional fields.
    pub fn propagation(&self) -> String {
        let mut kinds = Vec::new();
        for (prefix, name) in [("shared:", "shared"), ("master:", "slave")] {
            if self.optional.iter().any(|o| o.starts_with(prefix)) {
                kinds.push(name);
            }
        }
        if self.optional.iter().any(|o| o == "unbindable") {
            kinds.push("unbindable");
        }
        if kinds.is_empty() {
            "private".into()
        } else {
            kinds.join(",")
        }
    }
}

/// Reads and parses `<proc_root>/<pid>/mountinfo`.
pub fn read_mountinfo(proc_root: &Path, pid: u32) -> io::Result<Vec<Mount>> {
    let raw = std::fs::read(proc_root.join(pid.to_string()).join("mountinfo"))?;
    Ok(parse_mountinfo(&String::from_utf8_lossy(&raw)))
}

/// Parses mountinfo text; malformed lines are skipped.
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Mount> {
    let (left, right) = line.split_once(" - ")?;
    let mut l = left.split(' ');
    let id = l.next()?.parse().ok()?;
    let parent = l.next()?.parse().ok()?;
    let dev = l.next()?.to_string();
    let root = unescape(l.next()?);
    let mount_point = unescape(l.next()?);
    let options = l.next()?.to_string();
    let optional = l.filter(|s| !s.is_empty()).map(String::from).collect();
    let mut r = right.split(' ');
    Some(Mount {
        id,
        parent,
        dev,
        root,
        mount_point,
        options,
        optional,
        fstype: r.next()?.to_string(),
        source: unescape(r.next().unwrap_or("")),
        super_options: r.next().unwrap_or("").to_string(),
        ..Mount::default()
    })
}

/// Undoes the kernel's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash).
pub fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let oct = b
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match oct {
            Some(d) if b[i] == b'\\' => {
                let v = d.iter().fold(0u32, |a, c| a * 8 + u32::from(c - b'0'));
                out.push(v as u8);
                i += 4;
            }
            _ => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `root_readonly`: whether the topmost mount on `/` is read-only (`None` if there is none).
pub fn root_readonly(mounts: &[Mount]) -> Option<bool> {
    mounts
        .iter()
        .rev()
        .find(|m| m.mount_point == "/")
        .map(Mount::read_only)
}

/// Mount id of the topmost `/`: mount ids are unique per mount, so two
/// processes with the same one share a mount namespace.
pub fn root_mount_id(mounts: &[Mount]) -> Option<u32> {
    mounts
        .iter()
        .rev()
        .find(|m| m.mount_point == "/")
        .map(|m| m.id)
}

/// Fills `host_path`, `bind_from_host` and `sensitive`. `host` is the host's
/// mount table (pid 1), used to turn `(dev, root)` into a host path: the host
/// mount of the same device whose root is the longest prefix. Without it (or
/// for a device the host does not mount) the rules apply to `root` itself.
/// A mount is a bind from the host when it is not on `/`, not a special fs,
/// not runtime masking under `/proc` or `/sys`, and either shows a sub-path
/// (`root` ≠ `/`) or the very filesystem the host mounts somewhere.
/// Sensitive: runtime sockets (by name), a host procfs (same device as the
/// host's `/proc`, or a proc mount off `/proc`), a writable sysfs, and binds
/// of host `/`, `/etc`, `/root`, `/proc`, `/var/lib/kubelet` (except this pod's
/// own `pods/<own_pod_uid>/` volumes), `/run` or `/var/run` themselves or a
/// direct child (deeper runtime state like the sandbox `/dev/shm` is normal).
pub fn annotate(mounts: &mut [Mount], host: Option<&[Mount]>, own_pod_uid: Option<&str>) {
    for m in mounts.iter_mut() {
        m.host_path = host.and_then(|h| host_path(m, h));
        let masking = ["/proc/", "/sys/"]
            .iter()
            .any(|p| m.mount_point.starts_with(p))
            && m.fstype != "proc";
        m.bind_from_host = m.mount_point != "/"
            && !SPECIAL_FS.contains(&m.fstype.as_str())
            && !masking
            && (m.root != "/" || (m.host_path.is_some() && m.fstype != "overlay"));
        m.sensitive = sensitive(m, host, own_pod_uid);
    }
}

fn host_path(m: &Mount, host: &[Mount]) -> Option<String> {
    let hm = host
        .iter()
        .filter(|h| h.dev == m.dev)
        .filter_map(|h| strip_dir(&m.root, &h.root).map(|rest| (h, rest)))
        .max_by_key(|(h, _)| h.root.len())?;
    let (h, rest) = hm;
    Some(join(&h.mount_point, rest))
}

/// `path` below `dir` (`""` when equal), `None` if not below it.
fn strip_dir<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    if dir == "/" {
        return Some(path.trim_start_matches('/'));
    }
    let rest = path.strip_prefix(dir)?;
    (rest.is_empty() || rest.starts_with('/')).then(|| rest.trim_start_matches('/'))
}

fn join(base: &str, rest: &str) -> String {
    match (base, rest) {
        (b, "") => b.to_string(),
        ("/", r) => format!("/{r}"),
        (b, r) => format!("{b}/{r}"),
    }
}

fn under(path: &str, dir: &str) -> bool {
    strip_dir(path, dir).is_some()
}

fn sensitive(m: &Mount, host: Option<&[Mount]>, own_pod_uid: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let name = |p: &str| p.rsplit('/').next().unwrap_or("").to_string();
    if RUNTIME_SOCKETS
        .iter()
        .any(|s| name(&m.root) == *s || name(&m.mount_point) == *s)
    {
        out.push("container runtime socket".to_string());
    }
    if m.fstype == "proc" {
        let host_proc =
            host.is_some_and(|h| h.iter().any(|x| x.fstype == "proc" && x.dev == m.dev));
        if host_proc || m.mount_point != "/proc" && !under(&m.mount_point, "/proc") {
            out.push("host procfs".to_string());
        }
    }
    if m.fstype == "sysfs" && !m.read_only() {
        out.push("writable /sys".to_string());
    }
    if m.bind_from_host {
        let p = m.host_path.as_deref().unwrap_or(&m.root);
        if p == "/" {
            out.push("host /".to_string());
        }
        for dir in ["/etc", "/root", "/proc"] {
            if under(p, dir) {
                out.push(format!("host {dir}"));
            }
        }
        // /run itself or a direct child (/run/containerd, /var/run/docker); deeper
        // runtime state such as the sandbox's /dev/shm is not called out.
        for dir in ["/run", "/var/run"] {
            if strip_dir(p, dir).is_some_and(|r| !r.contains('/')) {
                out.push(format!("host {dir}"));
            }
        }
        if let Some(rest) = strip_dir(p, "/var/lib/kubelet") {
            let other_pod = match rest.strip_prefix("pods/") {
                Some(r) => own_pod_uid.is_none_or(|u| r.split('/').next() != Some(u)),
                None => true,
            };
            if other_pod {
                out.push("host /var/lib/kubelet".to_string());
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "tests/mounts.rs"]
mod tests;
