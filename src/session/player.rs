//! Replay: reads a session file's items (or another format's, through [`ItemSource`]) in order and hands them out at the recording's pace (1×, 10×, as fast as possible), paused, or up to a time sought; the timeline's marks come from a first streaming pass.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::entry::{Item, ItemDecoder};
use super::{Header, SessionError, SessionReader};
use crate::app::input::Input;
use crate::app::replay::{Mark, MarkKind, ReplayCmd, ReplayStatus, Speed};
use crate::app::{Action, Event, Fact};

/// Marks kept at most (a hostile file cannot grow memory through them).
const MAX_MARKS: usize = 10_000;

/// The items of a file of another format (a scap capture), from its start.
pub trait ItemSource {
    /// The next item, the damage (as text), or `None` at the end.
    fn next_item(&mut self) -> Option<Result<Item, String>>;
}

/// A file of another format opened at its start, with its header (or why it could not be).
pub type OtherOpened = Result<(Box<dyn ItemSource>, Header), String>;

/// Opens a file of another format; `None` when `path` is not of that format.
pub type OpenOther = fn(&Path) -> Option<OtherOpened>;

/// Where the items come from: a session file, or another format's source.
enum Source {
    Session {
        reader: Box<SessionReader<BufReader<File>>>,
        decoder: ItemDecoder,
    },
    Other(Box<dyn ItemSource>),
}

impl Source {
    /// Opens `path` at its start, with its header (`other` first, when given).
    fn open(path: &Path, other: Option<OpenOther>) -> Result<(Self, Header), SessionError> {
        if let Some(r) = other.and_then(|open| open(path)) {
            let (src, header) = r.map_err(SessionError::Other)?;
            return Ok((Self::Other(src), header));
        }
        let reader = Box::new(SessionReader::open(path)?);
        let header = reader.header().clone();
        let decoder = ItemDecoder::default();
        Ok((Self::Session { reader, decoder }, header))
    }

    /// The next item, the damage (as text), or `None` at the end.
    fn next_item(&mut self) -> Option<Result<Item, String>> {
        match self {
            Self::Session { reader, decoder } => Some(match reader.next()? {
                Ok(rec) => decoder.item(rec).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            }),
            Self::Other(src) => src.next_item(),
        }
    }
}

/// A recording being played.
pub struct Player {
    path: PathBuf,
    other: Option<OpenOther>,
    source: Source,
    /// The next item, read but not yet due.
    next: Option<Item>,
    speed: Speed,
    paused: bool,
    /// Recording time of the last item handed out.
    pos_ns: u64,
    /// Pace anchor: at `Instant`, the recording was at this time.
    anchor: Option<(Instant, u64)>,
    /// Hand out everything up to this recording time at once (a seek).
    target: Option<u64>,
    /// The damage met (shown once).
    damage: Option<String>,
    ended: bool,
}

/// What opening a recording found: the player, its header and the replay bar's opening status.
pub struct Opened {
    /// The player, at the start.
    pub player: Player,
    /// The file's header.
    pub header: Header,
    /// Span and marks, for the core.
    pub status: ReplayStatus,
}

impl Player {
    /// Opens `path`: one streaming pass for the span and the marks, then positioned at the start.
    pub fn open(path: &Path) -> Result<Opened, SessionError> {
        Self::open_with(path, None)
    }

    /// Opens `path` as [`Player::open`] does, or through `other` when that format's opener takes it.
    pub fn open_with(path: &Path, other: Option<OpenOther>) -> Result<Opened, SessionError> {
        let (mut first, header) = Source::open(path, other)?;
        let (mut start, mut end) = (u64::MAX, 0u64);
        let mut marks = Vec::new();
        while let Some(Ok(it)) = first.next_item() {
            let ts = it.ts_ns();
            if ts > 0 {
                start = start.min(ts);
                end = end.max(ts);
            }
            if marks.len() < MAX_MARKS {
                marks.extend(mark_of(&it));
            }
        }
        if start == u64::MAX {
            start = header.boot_start_ns;
            end = end.max(start);
        }
        marks.sort_by_key(|m: &Mark| m.ts_ns);
        let player = Player {
            path: path.to_path_buf(),
            other,
            source: Source::open(path, other)?.0,
            next: None,
            speed: Speed::X1,
            paused: false,
            pos_ns: start,
            anchor: None,
            target: None,
            damage: None,
            ended: false,
        };
        let status = ReplayStatus::Opened {
            file: path.display().to_string(),
            start_ns: start,
            end_ns: end,
            marks,
        };
        Ok(Opened {
            player,
            header,
            status,
        })
    }

    /// Obeys a replay command; `true` when the core must be rebuilt from the start (a seek backwards).
    pub fn command(&mut self, cmd: ReplayCmd) -> Result<bool, SessionError> {
        match cmd {
            ReplayCmd::Play => {
                self.paused = false;
                self.anchor = None;
            }
            ReplayCmd::Pause => self.paused = true,
            ReplayCmd::Speed(s) => {
                self.speed = s;
                self.anchor = None;
            }
            ReplayCmd::Seek(t) => {
                self.anchor = None;
                self.target = Some(t);
                if t < self.pos_ns {
                    self.source = Source::open(&self.path, self.other)?.0;
                    self.next = None;
                    self.ended = false;
                    self.damage = None;
                    self.pos_ns = 0;
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Where the player is, for the core.
    pub fn status(&self) -> ReplayStatus {
        ReplayStatus::At {
            pos_ns: self.pos_ns,
            speed: self.speed,
            paused: self.paused,
        }
    }

    /// Played to the end (or to the damage).
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// The items due at `now`, at most `budget` of them; the damage, once, as a status.
    pub fn due(&mut self, now: Instant, budget: usize) -> (Vec<Item>, Option<ReplayStatus>) {
        let mut out = Vec::new();
        let mut status = None;
        while out.len() < budget {
            if self.next.is_none() {
                match self.source.next_item() {
                    None => {
                        if !self.ended {
                            self.ended = true;
                            status = Some(ReplayStatus::Ended);
                        }
                        break;
                    }
                    Some(Err(e)) => {
                        self.ended = true;
                        status = Some(ReplayStatus::Damaged(e.clone()));
                        self.damage = Some(e);
                        break;
                    }
                    Some(Ok(it)) => self.next = Some(it),
                }
            }
            let Some(next) = self.next.as_ref() else {
                break;
            };
            let ts = next.ts_ns().max(self.pos_ns);
            if !self.is_due(ts, now) {
                break;
            }
            self.pos_ns = ts;
            out.extend(self.next.take());
        }
        if self.target.is_some_and(|t| self.pos_ns >= t || self.ended) {
            self.target = None;
            self.anchor = None;
        }
        (out, status)
    }

    fn is_due(&mut self, ts: u64, now: Instant) -> bool {
        if self.target.is_some_and(|t| ts <= t) {
            return true;
        }
        if self.target.is_some() {
            // the seek is done: the pace starts again from here
            self.target = None;
            self.anchor = None;
        }
        if self.paused {
            return false;
        }
        let factor = match self.speed {
            Speed::Max => return true,
            Speed::X1 => 1,
            Speed::X10 => 10,
        };
        let (at, rec) = *self.anchor.get_or_insert((now, self.pos_ns));
        let elapsed = now.saturating_duration_since(at).as_nanos() as u64;
        ts <= rec.saturating_add(elapsed.saturating_mul(factor))
    }
}

/// The timeline mark of an item, if it is one (alerts, the operator's actions and facts, notes).
pub fn mark_of(it: &Item) -> Vec<Mark> {
    let mk = |ts_ns, kind, label: String| Mark { ts_ns, kind, label };
    match it {
        Item::Event {
            ts_ns,
            event: Event::Alerts(alerts),
        } => alerts
            .iter()
            .map(|a| mk(*ts_ns, MarkKind::Alert, a.rule.clone()))
            .collect(),
        Item::Event {
            ts_ns,
            event: Event::Input(Input::Action(a)),
        } if !is_move(*a) => vec![mk(*ts_ns, MarkKind::Action, a.name().to_string())],
        Item::Fact { ts_ns, fact } => vec![match fact {
            Fact::Note { text } => mk(*ts_ns, MarkKind::Note, text.clone()),
            Fact::Pivot { rule, .. } => mk(*ts_ns, MarkKind::Action, format!("pivot: {rule}")),
            Fact::Revealed { pid, .. } => mk(
                *ts_ns,
                MarkKind::Action,
                format!("revealed secrets of pid {pid}"),
            ),
            Fact::DrillAnswer { drill, .. } => {
                mk(*ts_ns, MarkKind::Action, format!("drill {drill}: answer"))
            }
            Fact::DrillHint { drill, shown, of } => mk(
                *ts_ns,
                MarkKind::Action,
                format!("drill {drill}: hint {shown}/{of}"),
            ),
            Fact::DrillGraded { drill, result } => {
                mk(*ts_ns, MarkKind::Action, format!("drill {drill}: {result}"))
            }
        }],
        _ => Vec::new(),
    }
}

/// Cursor moves are not worth a mark.
fn is_move(a: Action) -> bool {
    matches!(
        a,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
    )
}
