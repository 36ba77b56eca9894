//! ktriage: a terminal workbench for runtime-security incident triage on Kubernetes nodes.
//!
//! Data flows one way: sources (`collector`, /proc polling, terminal keys) turn
//! everything into [`app::Event`]s; [`app::update`] is the only place state
//! changes; the `runtime` starts the sources, runs the effects `update` asks for
//! (their results come back as events) and owns the session's one CRI cache and
//! one process table; the `ui` renders a snapshot of that state and the `headless`
//! commands print it. Recording happens at the `Event` boundary.

pub mod alerts;
pub mod app;
pub mod collector;
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
pub mod ui;
