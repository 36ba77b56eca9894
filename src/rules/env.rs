//! What fields need beyond the event and the process: host name, user and group names, containers by cgroup.

use std::collections::HashMap;

use crate::model::hash::FxMap;
use std::sync::Arc;

use crate::identity::cgroup::parse_cgroup_path;
use crate::identity::resolve::Resolver;
use crate::model::CgroupInfo;

/// A container as the fields show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerMeta {
    /// Full id.
    pub id: Arc<str>,
    /// 12-character id (`container.id`, as Falco prints it).
    pub short: Arc<str>,
    pub name: Option<Arc<str>>,
    pub image: Option<Arc<str>>,
    pub repository: Option<Arc<str>>,
    pub tag: Option<Arc<str>>,
    pub pod_name: Option<Arc<str>>,
    pub namespace: Option<Arc<str>>,
    pub pod_uid: Option<Arc<str>>,
}

impl ContainerMeta {
    /// A container known by id only.
    pub fn from_id(id: &str) -> Self {
        Self {
            id: id.into(),
            short: id.get(..12).unwrap_or(id).into(),
            ..Self::default()
        }
    }

    /// Sets the image and splits it into repository and tag (`repo[:tag][@digest]`).
    pub fn set_image(&mut self, image: &str) {
        self.image = Some(image.into());
        let no_digest = image.split('@').next().unwrap_or(image);
        let slash = no_digest.rfind('/').map_or(0, |i| i + 1);
        match no_digest[slash..].rfind(':') {
            Some(c) => {
                self.repository = Some(no_digest[..slash + c].into());
                self.tag = Some(no_digest[slash + c + 1..].into());
            }
            None => {
                self.repository = Some(no_digest.into());
                self.tag = None;
            }
        }
    }
}

/// Resolves a cgroup first seen in a batch to its container (if any).
pub trait ContainerLookup: Send {
    fn lookup(&mut self, cg: &CgroupInfo) -> Option<ContainerMeta>;
}

/// Container ids from cgroup paths only (tests, benchmarks, no runtime).
pub struct CgroupOnly;

impl ContainerLookup for CgroupOnly {
    fn lookup(&mut self, cg: &CgroupInfo) -> Option<ContainerMeta> {
        let id = cg.container_id.as_deref()?;
        let mut m = ContainerMeta::from_id(id);
        if let Some(path) = &cg.path {
            m.pod_uid = parse_cgroup_path(path).pod_uid.map(Arc::from);
        }
        Some(m)
    }
}

/// Names and images from the container runtime (CRI), cgroup facts otherwise.
pub struct CriLookup(pub Resolver);

impl ContainerLookup for CriLookup {
    fn lookup(&mut self, cg: &CgroupInfo) -> Option<ContainerMeta> {
        let id = cg.container_id.as_deref()?;
        let mut parsed = parse_cgroup_path(cg.path.as_deref().unwrap_or_default());
        parsed.container_id = Some(id.to_string());
        let ident = self.0.identify_cgroup(&parsed);
        let mut m = ContainerMeta::from_id(id);
        if let Some(c) = ident.container {
            m.name = c.name.map(Arc::from);
            if let Some(i) = c.image {
                m.set_image(&i);
            }
        }
        if let Some(p) = ident.pod {
            m.pod_name = p.name.map(Arc::from);
            m.namespace = p.namespace.map(Arc::from);
            m.pod_uid = p.uid.map(Arc::from);
        }
        Some(m)
    }
}

/// Host-wide facts.
pub struct Env {
    pub hostname: Arc<str>,
    pub users: FxMap<u32, Arc<str>>,
    pub groups: FxMap<u32, Arc<str>>,
    /// cgroup id -> its container (`None`: the host).
    pub cgroups: FxMap<u64, Option<Arc<ContainerMeta>>>,
    pub lookup: Box<dyn ContainerLookup>,
    /// Names of server addresses (`fd.sip.name`), filled by the engine's resolver.
    pub dns: HashMap<std::net::IpAddr, Arc<str>>,
}

impl Env {
    /// Host name, `/etc/passwd` and `/etc/group` of this machine; containers from cgroups only.
    pub fn host() -> Self {
        Self {
            hostname: hostname().into(),
            users: id_names("/etc/passwd"),
            groups: id_names("/etc/group"),
            cgroups: FxMap::default(),
            lookup: Box::new(CgroupOnly),
            dns: HashMap::new(),
        }
    }

    /// Empty facts (tests, benchmarks).
    pub fn empty(hostname: &str) -> Self {
        Self {
            hostname: hostname.into(),
            users: FxMap::default(),
            groups: FxMap::default(),
            cgroups: FxMap::default(),
            lookup: Box::new(CgroupOnly),
            dns: HashMap::new(),
        }
    }

    /// Records cgroups first seen in a batch.
    pub fn add_cgroups(&mut self, cgs: &[CgroupInfo]) {
        for cg in cgs {
            let meta = self.lookup.lookup(cg).map(Arc::new);
            self.cgroups.insert(cg.id, meta);
        }
    }

    /// The name an address was resolved from, if any.
    pub fn dns_name(&self, ip: std::net::IpAddr) -> Option<&str> {
        self.dns.get(&ip).map(|s| &**s)
    }

    /// The container of cgroup `id` (`None`: host or unknown).
    pub fn container(&self, cgroup_id: u64) -> Option<&ContainerMeta> {
        self.cgroups.get(&cgroup_id)?.as_deref()
    }
}

/// This machine's host name.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it or truncates.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) };
    if r != 0 {
        return "localhost".into();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// `name:x:id:...` lines of a passwd or group file, by id.
pub fn id_names(path: &str) -> FxMap<u32, Arc<str>> {
    parse_id_names(&std::fs::read_to_string(path).unwrap_or_default())
}

/// Parses passwd/group text into id -> name (first name wins).
pub fn parse_id_names(text: &str) -> FxMap<u32, Arc<str>> {
    let mut m = FxMap::default();
    for line in text.lines() {
        let mut f = line.split(':');
        let (Some(name), Some(_), Some(id)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        if let Ok(id) = id.parse::<u32>() {
            m.entry(id).or_insert_with(|| Arc::from(name));
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_ids() {
        let mut m = ContainerMeta::from_id("0123456789abcdef0123");
        assert_eq!(&*m.short, "0123456789ab");
        m.set_image("registry:5000/team/app:1.2@sha256:abc");
        assert_eq!(m.repository.as_deref(), Some("registry:5000/team/app"));
        assert_eq!(m.tag.as_deref(), Some("1.2"));
        m.set_image("busybox");
        assert_eq!(
            (m.repository.as_deref(), m.tag.as_deref()),
            (Some("busybox"), None)
        );
        let u = parse_id_names("root:x:0:0::/root:/bin/sh\nbad\nbob:x:1000:1000::/h:/bin/sh\n");
        assert_eq!(u.get(&1000).map(|s| &**s), Some("bob"));
    }
}
