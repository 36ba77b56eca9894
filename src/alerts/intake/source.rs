//! The intake sources (followed file, stdin, journald, HTTP) as async tasks feeding an [`IntakeSink`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::sync::mpsc::Sender;

use super::follow::{Change, FollowState, Follower};
use super::http::HttpIntake;
use super::journald::{self, JournaldConfig};
use super::lines::LineSplitter;
use super::{IntakeFeed, IntakeSink, IntakeState, MAX_LINE};

/// How often a followed file is polled.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(200);

/// Where Falco alerts come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntakeSource {
    /// Falco's `file_output` file, followed like `tail -F`.
    File {
        /// The file.
        path: PathBuf,
        /// Read what is already in it first (default: only new lines).
        from_start: bool,
    },
    /// Lines on standard input (headless only: in the TUI stdin is the terminal).
    Stdin,
    /// `journalctl -u UNIT -o json -f`.
    Journald(JournaldConfig),
    /// An HTTP listener for Falco's `http_output`.
    Http(SocketAddr),
    /// The API server's audit log (audit events, not alerts), followed like `tail -F`.
    AuditFile {
        /// The log.
        path: PathBuf,
        /// Read what is already in it first.
        from_start: bool,
    },
    /// A listener for the API server's audit webhook backend (EventList POSTs).
    AuditHttp(SocketAddr),
}

impl IntakeSource {
    /// The name alerts of this source carry (`AlertOrigin::Falco(name)`).
    pub fn name(&self) -> String {
        match self {
            Self::File { path, .. } => format!("file:{}", path.display()),
            Self::Stdin => "stdin".into(),
            Self::Journald(c) => format!("journald:{}", c.unit),
            Self::Http(a) => format!("http:{a}"),
            Self::AuditFile { path, .. } => format!("audit:file:{}", path.display()),
            Self::AuditHttp(a) => format!("audit:http:{a}"),
        }
    }
}

/// Runs one source until it ends or the core goes away. Never fails: problems
/// are reported as the intake's state.
pub async fn run_source(source: IntakeSource, tx: Sender<IntakeFeed>) {
    let mut sink = IntakeSink::new(source.name(), tx);
    if matches!(
        source,
        IntakeSource::AuditFile { .. } | IntakeSource::AuditHttp(_)
    ) {
        sink = sink.audit();
    }
    match source {
        IntakeSource::Stdin => read_stdin(sink).await,
        IntakeSource::Journald(cfg) => {
            let mut sink = sink.with_parser(journald::parse_record);
            journald::run(cfg, &mut sink).await;
        }
        IntakeSource::File { path, from_start } | IntakeSource::AuditFile { path, from_start } => {
            follow_file(path, from_start, sink).await
        }
        IntakeSource::Http(addr) | IntakeSource::AuditHttp(addr) => {
            match HttpIntake::bind(addr).await {
                Ok(h) => h.serve(sink).await,
                Err(e) => {
                    sink.set_state(IntakeState::Failed(format!("cannot listen on {addr}: {e}")));
                    sink.flush().await;
                }
            }
        }
    }
}

/// Follows a file until the core goes away.
pub async fn follow_file(path: PathBuf, from_start: bool, mut sink: IntakeSink) {
    let mut follower = Follower::new(path, from_start);
    let mut split = LineSplitter::new(MAX_LINE);
    let shown = follower.path().display().to_string();
    let mut tick = tokio::time::interval(FOLLOW_EVERY);
    loop {
        tick.tick().await;
        let polled = follower.poll(|c| match c {
            Change::Data(d) => split.push(d, |p| sink.piece(p)),
            Change::Rotated => split.finish(|p| sink.piece(p)),
            Change::Truncated => split.reset(),
        });
        sink.set_state(match polled {
            Ok(FollowState::Following) => IntakeState::Running(format!("following {shown}")),
            Ok(FollowState::Missing) => IntakeState::Waiting(format!("{shown} does not exist yet")),
            Err(e) => IntakeState::Waiting(format!("{shown}: {e}")),
        });
        if !sink.flush().await {
            return;
        }
    }
}

/// Reads stdin to its end.
pub async fn read_stdin(mut sink: IntakeSink) {
    sink.set_state(IntakeState::Running("reading stdin".into()));
    let mut stdin = tokio::io::stdin();
    let mut split = LineSplitter::new(MAX_LINE);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match stdin.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                sink.set_state(IntakeState::Failed(format!("stdin: {e}")));
                break;
            }
        };
        split.push(&buf[..n], |p| sink.piece(p));
        if !sink.flush().await {
            return;
        }
    }
    split.finish(|p| sink.piece(p));
    if !matches!(sink.stats().state, IntakeState::Failed(_)) {
        sink.set_state(IntakeState::Ended);
    }
    sink.flush().await;
}
