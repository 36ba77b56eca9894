//! Pod security posture: the declared securityContext (pod spec) next to what /proc shows, as findings and an immutability verdict.
//!
//! Pod specs come from a manifest ([`manifest`], `--pod-manifest`) or, later, the
//! API server; [`declared`] merges pod and container levels as Kubernetes does;
//! [`observed`] is what a container's processes really have (from
//! [`crate::inspect`]); [`evaluate`] turns both into findings; [`store`] keeps one
//! evaluation per pod and recomputes only the pod a watch event touched.
//!
//! # Findings
//!
//! Every finding has a stable id, a severity, a one-line message and a
//! remediation snippet. Ids never change meaning; new checks take new numbers.
//!
//! | id | name | kind | severity |
//! |----|------|------|----------|
//! | KT-POS-001 | run-as-root-mismatch | mismatch | critical |
//! | KT-POS-002 | run-as-user-mismatch | mismatch | high |
//! | KT-POS-003 | capabilities-mismatch | mismatch | high |
//! | KT-POS-004 | read-only-root-mismatch | mismatch | high |
//! | KT-POS-005 | seccomp-mismatch | mismatch | high |
//! | KT-POS-006 | no-new-privs-mismatch | mismatch | high |
//! | KT-POS-007 | privileged-observed | mismatch | critical |
//! | KT-POS-008 | applied-mismatch | mismatch | critical (runAsNonRoot) / high |
//! | KT-POS-009 | changed-since-start | mismatch | critical (capabilities, uid 0) / high |
//! | KT-POS-010 | lsm-unavailable | mismatch | high |
//! | KT-POS-101 | privileged | static | critical |
//! | KT-POS-102 | dangerous-capability | static | critical (SYS_ADMIN, ALL) / high |
//! | KT-POS-103 | no-capability-drop | static | medium |
//! | KT-POS-104 | seccomp-unconfined | static | high (Unconfined) / medium (none) |
//! | KT-POS-105 | privilege-escalation-allowed | static | medium |
//! | KT-POS-106 | sensitive-host-path | static | critical (writable) / high (read-only) |
//! | KT-POS-107 | host-namespace | static | high |
//! | KT-POS-108 | secret-in-env | static | low |
//! | KT-POS-109 | service-account-token | static | low |
//!
//! "mismatch" findings compare the declaration with a running process and
//! exist only when the container's processes were observed; "static" findings
//! read the spec alone (in the spirit of kubesec). The applied column
//! ([`applied`]) is what the runtime was told (the container's OCI bundle):
//! KT-POS-008 when it differs from the declaration (the runtime did not apply
//! the spec), KT-POS-009 when the process differs from it (it changed since it
//! started). AppArmor and SELinux ([`lsm`]) take part, normalised (a declared
//! `RuntimeDefault` is the runtime's default profile; `Unconfined`, no profile
//! in the bundle and `unconfined` in /proc are one thing); KT-POS-010 when a
//! declared or applied AppArmor profile or SELinux label cannot be enforced
//! because the node does not run that LSM.
//!
//! # Immutability
//!
//! A pod is immutable (the CKS sense) when none of its containers is
//! privileged, can write to its root filesystem, or has a writable hostPath
//! mount. The root filesystem counts as writable when `readOnlyRootFilesystem`
//! is not declared `true`, or when a running process's `/` is mounted
//! read-write. emptyDir, secret and configMap volumes do not break it.

pub mod applied;
pub mod declared;
pub mod eval;
pub mod finding;
mod json;
pub mod lsm;
pub mod manifest;
pub mod observed;
mod rules;
pub mod store;

pub use declared::{ContainerKind, Declared};
pub use eval::{ContainerPosture, PodPosture, compare_rows, evaluate, evaluate_container};
pub use finding::{Finding, FindingKind, Rule, Severity};
pub use manifest::{ManifestError, load_manifest, parse_manifest};
pub use observed::Observed;
pub use store::PostureStore;
