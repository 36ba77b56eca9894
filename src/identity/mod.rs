//! Who a process is: pid → container → pod, from cgroup paths and the container runtime (CRI).

pub mod apipods;
pub mod bundle;
pub mod cgroup;
pub mod cri;
pub mod nsindex;
pub mod resolve;

pub use crate::model::identity::{ContainerInfo, Identity, PodInfo, is_kubelet_label};
