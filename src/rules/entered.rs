//! Processes entered into a container from the host: attributed by namespaces (live), or by the `/proc/PID/ns/*` files they opened (nsenter) when already gone.

use std::sync::Arc;

use super::engine::Engine;
use super::env::ContainerMeta;
use crate::identity::nsindex::NsOwner;
use crate::model::CgroupInfo;

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
        // while the process lives its namespaces decide; the nsenter target only stands in
        // once it is gone (an opened ns file alone proves nothing about a live process)
        let owner = match ns.pair_of(pid) {
            Some(pair) => ns.entered_pair(pair),
            None => target.and_then(|t| ns.owner_of_pid(t)),
        };
        let Some(owner) = owner else {
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
    use crate::collector::clock::WallClock;
    use crate::rules::append::{Append, ENTERED_FIELD};
    use crate::rules::tests::{exec, openat, run};
    use crate::rules::{Env, ProcTable, RuleSet};

    const CTR: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// `nsenter -t 50 -a cat /etc/shadow` replayed after both processes are gone: the
    /// nsenter target names the container.
    #[test]
    fn gone_nsenter_child_is_attributed_by_the_target_it_opened() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        std::fs::create_dir_all(r.join("1/ns")).expect("mkdir");
        std::os::unix::fs::symlink("pid:[100]", r.join("1/ns/pid")).expect("link");
        std::os::unix::fs::symlink("mnt:[200]", r.join("1/ns/mnt")).expect("link");
        std::fs::create_dir_all(r.join("50")).expect("mkdir");
        std::fs::write(
            r.join("50/cgroup"),
            format!("0::/kubepods/besteffort/podu1/{CTR}\n"),
        )
        .expect("cgroup");
        // a live process in namespaces of its own (unshare -p after opening /proc/50/ns/pid)
        std::fs::create_dir_all(r.join("73/ns")).expect("mkdir");
        std::os::unix::fs::symlink("pid:[300]", r.join("73/ns/pid")).expect("link");
        std::os::unix::fs::symlink("mnt:[400]", r.join("73/ns/mnt")).expect("link");
        let mut set = RuleSet::default();
        set.load_str(
            crate::rules::DEFAULT_RULES_NAME,
            crate::rules::DEFAULT_RULES,
        );
        let (mut e, _) = Engine::build(
            &set,
            ProcTable::new(Some(r.to_path_buf())),
            Env::empty("n"),
            WallClock::with_offset(0),
        );
        e.append = Some(Append::default());
        let evs = vec![
            exec(
                70,
                1,
                "/usr/bin/nsenter",
                "nsenter -t 50 -a cat /etc/shadow",
                Some((0, 0, 70)),
            ),
            openat(70, "/proc/50/ns/pid", 0, 3),
            openat(70, "/proc/50/ns/mnt", 0, 4),
            // the fork record was not seen: the parent's target still names the container
            exec(71, 70, "/bin/cat", "cat /etc/shadow", Some((0, 0, 5))),
            openat(71, "/etc/shadow", 0, 3),
            // a host cat (host pid namespace) is not attributed, whatever its parent opened
            exec(72, 70, "/bin/cat", "cat /etc/shadow", Some((0, 0, 72))),
            openat(72, "/etc/shadow", 0, 3),
            exec(73, 70, "/bin/cat", "cat /etc/shadow", Some((0, 0, 3))),
            openat(73, "/etc/shadow", 0, 3),
        ];
        let alerts = run(&mut e, vec![], evs);
        let cat = alerts
            .iter()
            .find(|a| a.pid == Some(71))
            .expect("alert for 71");
        assert_eq!(cat.output_fields["container.id"], &CTR[..12]);
        assert_eq!(cat.output_fields[ENTERED_FIELD], true);
        assert!(
            cat.output.ends_with(" entered_from_host=true"),
            "{}",
            cat.output
        );
        let ident = &cat.facts.as_deref().expect("facts").identity;
        assert!(ident.entered_from_host);
        let host = alerts
            .iter()
            .find(|a| a.pid == Some(72))
            .expect("alert for 72");
        assert_eq!(host.output_fields["container.id"], "host");
        assert_eq!(host.output_fields[ENTERED_FIELD], false);
        let own = alerts
            .iter()
            .find(|a| a.pid == Some(73))
            .expect("alert for 73");
        assert_eq!(
            own.output_fields["container.id"], "host",
            "a live process's own namespaces decide, not the files it opened"
        );
    }

    #[test]
    fn nsenter_targets() {
        assert_eq!(ns_target("/proc/4242/ns/pid"), Some(4242));
        assert_eq!(ns_target("/proc/4242/ns/mnt"), Some(4242));
        assert_eq!(ns_target("/proc/4242/ns/net"), None);
        assert_eq!(ns_target("/proc/self/ns/pid"), None);
        assert_eq!(ns_target("/proc/12/ns/pid/x"), None);
    }
}
