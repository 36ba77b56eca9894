//! Captures in the sysdig/Falco `.scap` format: [`write`] turns a session file into a capture `sysdig -r` reads.
//!
//! Layering: at the level of `session` (imports `model`, `app`, `session`, `safe_fs`, `redact`);
//! only `cli` and `headless` import it.

pub mod write;
