//! ktriage: a terminal workbench for runtime-security incident triage on Kubernetes nodes.
//!
//! The shape, every import arrow pointing down:
//!
//! ```text
//! model, sanitize, redact, safe_fs, strings   leaf types and utilities (import nothing above)
//!   collector    eBPF probes, ring-buffer reader, /proc scan          -> model
//!   identity     pid -> container -> pod (cgroups, namespaces, CRI)
//!   inspect      /proc readers (status, fds, environ, root, mounts, ns)
//!   rules        Falco rule files, condition engine, process table
//!   alerts       alert model, Falco intake (HTTP, files)
//!   kube, posture  pod specs; declared / observed comparison
//!   app          the core: Event, Input/Action, AppState, update -> Effects; no I/O
//!   runtime      sources, /proc poller, effect runner, one CRI cache, one process table
//!   session      record, verify, replay, report
//!   scap         .scap captures: a session exported for sysdig (reads session files)
//!   drill        CKS drills: a private containerd lab, drills as data, grading, scores
//!   ui, headless, cli   the terminal edge (keys -> Input), commands
//! ```
//!
//! Every input becomes an [`app::Event`] (serde: a recording is the sequence of
//! them); [`app::Core`] is the only way into `update`, for the TUI, every headless
//! command, replay and the tests. Keys become [`app::input::Input`]s at the
//! terminal edge (`ui::input`), so a recording does not depend on the keymap.
//! `update` returns [`app::Effect`]s; the runtime carries them out and sends the
//! results back as Events. Rendering reads the state; it never does I/O.

pub mod alerts;
pub mod app;
pub mod collector;
pub mod drill;
pub mod headless;
pub mod identity;
pub mod inspect;
pub mod kube;
pub mod model;
pub mod posture;
pub mod redact;
pub mod rules;
pub mod runtime;
pub mod safe_fs;
pub mod sanitize;
pub mod scap;
pub mod session;
pub mod strings;
pub mod ui;
