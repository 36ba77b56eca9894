//! A recorded session played back through the core: position, speed, pause and the timeline's marks (alerts, the operator's actions, notes); the player in the runtime moves it, the replay keys steer it.

use serde::{Deserialize, Serialize};

/// How fast the recording plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Speed {
    /// Real time.
    X1,
    /// Ten times real time.
    X10,
    /// As fast as the core takes it.
    Max,
}

impl Speed {
    /// The next faster speed (the fastest stays).
    pub fn faster(self) -> Self {
        match self {
            Self::X1 => Self::X10,
            _ => Self::Max,
        }
    }

    /// The next slower speed (the slowest stays).
    pub fn slower(self) -> Self {
        match self {
            Self::Max => Self::X10,
            _ => Self::X1,
        }
    }

    /// Label in the replay bar.
    pub fn label(self) -> &'static str {
        match self {
            Self::X1 => "1×",
            Self::X10 => "10×",
            Self::Max => "max",
        }
    }
}

/// What a timeline mark is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkKind {
    /// An alert arrived.
    Alert,
    /// The operator did something (an action key, a pivot, a revealed secret).
    Action,
    /// The operator typed `:note`.
    Note,
}

/// One point of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// Boot-clock ns.
    pub ts_ns: u64,
    /// What happened.
    pub kind: MarkKind,
    /// A short label (rule, action name, note text); untrusted.
    pub label: String,
}

/// What the player tells the core.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplayStatus {
    /// A recording was opened: its span and marks.
    Opened {
        /// The file.
        file: String,
        /// First record's boot-clock ns.
        start_ns: u64,
        /// Last record's boot-clock ns.
        end_ns: u64,
        /// The timeline, by time.
        marks: Vec<Mark>,
    },
    /// Where the player is.
    At {
        /// Boot-clock ns of the last record played.
        pos_ns: u64,
        /// Speed.
        speed: Speed,
        /// Paused.
        paused: bool,
    },
    /// The file is damaged from here on (truncated, changed bytes): played up to it.
    Damaged(String),
    /// Every record was played.
    Ended,
}

/// What the core asks the player to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayCmd {
    /// Go on.
    Play,
    /// Stop where it is.
    Pause,
    /// Play at this speed.
    Speed(Speed),
    /// Jump to this boot-clock time (backwards: the core is rebuilt from the start).
    Seek(u64),
}

/// The replay bar's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayView {
    /// The file.
    pub file: String,
    /// Span of the recording (boot-clock ns).
    pub start_ns: u64,
    /// Span of the recording (boot-clock ns).
    pub end_ns: u64,
    /// Where the player is.
    pub pos_ns: u64,
    /// Speed.
    pub speed: Speed,
    /// Paused.
    pub paused: bool,
    /// The timeline.
    pub marks: Vec<Mark>,
    /// Damage met (shown as a banner).
    pub damage: Option<String>,
    /// Played to the end.
    pub ended: bool,
}

impl ReplayView {
    /// Applies what the player says.
    pub fn on_status(view: &mut Option<ReplayView>, status: ReplayStatus) {
        match status {
            ReplayStatus::Opened {
                file,
                start_ns,
                end_ns,
                marks,
            } => {
                *view = Some(ReplayView {
                    file,
                    start_ns,
                    end_ns,
                    pos_ns: start_ns,
                    speed: Speed::X1,
                    paused: false,
                    marks,
                    damage: None,
                    ended: false,
                });
            }
            ReplayStatus::At {
                pos_ns,
                speed,
                paused,
            } => {
                if let Some(v) = view.as_mut() {
                    v.ended = v.ended && pos_ns >= v.pos_ns;
                    (v.pos_ns, v.speed, v.paused) = (pos_ns, speed, paused);
                }
            }
            ReplayStatus::Damaged(why) => {
                if let Some(v) = view.as_mut() {
                    v.damage = Some(why);
                }
            }
            ReplayStatus::Ended => {
                if let Some(v) = view.as_mut() {
                    v.ended = true;
                    v.pos_ns = v.end_ns.max(v.pos_ns);
                }
            }
        }
    }

    /// The first mark of `kinds` after the position (`forward`), or the last one before it.
    pub fn next_mark(&self, kinds: &[MarkKind], forward: bool) -> Option<&Mark> {
        let of_kind = |m: &&Mark| kinds.contains(&m.kind);
        if forward {
            self.marks
                .iter()
                .filter(of_kind)
                .find(|m| m.ts_ns > self.pos_ns)
        } else {
            // a little before the position, so pressing twice goes further back
            let before = self.pos_ns.saturating_sub(500_000_000);
            self.marks
                .iter()
                .rev()
                .filter(of_kind)
                .find(|m| m.ts_ns < before)
        }
    }
}
