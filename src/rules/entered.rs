//! Processes entered into a container from the host: attributed by namespaces (live), or by the `/proc/PID/ns/*` files they opened (nsenter) when already gone.

use std::sync::Arc;

use super::engine::Engine;
use super::env::ContainerMeta;
use crate::app::event::CgroupInfo;
use crate::identity::nsindex::NsOwner;

/// `N` of `/proc/N/ns/pid` or `/proc/N/ns/mnt` (what `nsenter -t N` opens).
pub fn ns_target(path: &str) -> Option<u32> {
    let rest = path.strip_prefix("/proc/")?;
    let (pid, ns) = rest.split_once('/')?;
    matches!(ns, "ns/pid" | "ns/mnt")
        .then(|| pid.parse().ok())
        .flatten()
}

impl Engine {
    /// For a process in a host cgroup inside a child pid namespace: records the container it
    /// was entered into, if any (its namespaces while it lives; else the nsenter target).
    pub(super) fn attribute(&mut self, pid: u32, cgroup_id: u64) {
        if self.env.container(cgroup_id).is_some() {
            return;
        }
        let Some(p) = self.procs.get(pid) else {
            return;
        };
        if p.entered.is_some() || p.vpid == 0 || p.vpid == p.pid {
            return;
        }
        // the target nsenter opened: the process's own, else its parent's (fork not seen)
        let target = p
            .ns_target
            .or_else(|| self.procs.parent(p).and_then(|pp| pp.ns_target));
        let Some(ns) = self.ns.as_mut() else {
            return;
        };
        let Some(owner) = ns
            .entered(pid)
            .or_else(|| target.and_then(|t| ns.owner_of_pid(t)))
        else {
            return;
        };
        let meta = self.entered_meta(owner);
        if let Some(p) = self.procs.get_mut(pid) {
            p.entered = Some(meta);
        }
    }

    fn entered_meta(&mut self, owner: NsOwner) -> Arc<ContainerMeta> {
        if let Some(m) = self.entered_meta.get(&owner.container_id) {
            return m.clone();
        }
        let cg = CgroupInfo {
            id: 0,
            path: Some(owner.cgroup_path),
            container_id: Some(owner.container_id.clone()),
        };
        let meta = Arc::new(
            self.env
                .lookup
                .lookup(&cg)
                .unwrap_or_else(|| ContainerMeta::from_id(&owner.container_id)),
        );
        self.entered_meta.insert(owner.container_id, meta.clone());
        meta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nsenter_targets() {
        assert_eq!(ns_target("/proc/4242/ns/pid"), Some(4242));
        assert_eq!(ns_target("/proc/4242/ns/mnt"), Some(4242));
        assert_eq!(ns_target("/proc/4242/ns/net"), None);
        assert_eq!(ns_target("/proc/self/ns/pid"), None);
        assert_eq!(ns_target("/proc/12/ns/pid/x"), None);
    }
}
