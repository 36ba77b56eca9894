//! Kernel event collection: aya loader, ring-buffer reader, decoding, drop accounting.

pub mod args;
pub mod clock;
pub mod config;
pub mod decode;
pub mod drive;
pub mod error;
pub mod probes;
pub mod procfs;
pub mod reader;
mod slots;
pub mod source;
pub mod stop;
mod syscall_table;
pub mod syscalls;

pub use config::CollectorConfig;
pub use error::{CollectorError, EXIT_NO_BPF};
pub use source::{KernelFeed, KernelSource, Source, TimingSwitch};
