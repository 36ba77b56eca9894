//! Who a process is: container id from its cgroup (pid → container → pod grows here).

pub mod cgroup;
