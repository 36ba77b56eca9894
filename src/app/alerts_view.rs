//! The alerts pane's state: received alerts (capped), counts by rule and priority, the filter, selection and intake status.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::alert_filter::AlertFilter;
use crate::alerts::intake::{IntakeStats, Malformed};
use crate::alerts::{Alert, Priority};

/// Alerts kept (oldest dropped and counted).
pub const ALERTS_CAP: usize = 10_000;
/// Distinct rule names counted; later ones count under [`OTHER_RULES`].
pub const RULES_CAP: usize = 1_000;
/// Where rules past [`RULES_CAP`] are counted.
pub const OTHER_RULES: &str = "(other rules)";
/// Malformed intake lines kept for display.
pub const MALFORMED_KEEP: usize = 50;

/// One received alert.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertEntry {
    /// Arrival order (0, 1, 2...).
    pub seq: u64,
    /// The alert (raw text: sanitize before drawing).
    pub alert: Alert,
}

/// Everything the alerts pane shows.
#[derive(Clone, Debug)]
pub struct AlertsView {
    /// Received alerts, oldest first.
    pub entries: VecDeque<AlertEntry>,
    /// Cap on `entries`.
    pub cap: usize,
    /// Sequence number of the next alert.
    pub next_seq: u64,
    /// Alerts dropped at the cap.
    pub dropped: u64,
    /// Active filter.
    pub filter: AlertFilter,
    /// Sequence numbers matching a non-empty filter, oldest first.
    pub matched: VecDeque<u64>,
    /// Selected alert (sequence number).
    pub selected: Option<u64>,
    /// Keep the newest alert selected.
    pub follow: bool,
    /// Alerts received per rule (all received, including dropped ones).
    pub by_rule: BTreeMap<String, u64>,
    /// `by_rule` ranked, most first (ties by name): kept in order as alerts arrive.
    ranked: Vec<(String, u64)>,
    /// Rule → its index in `ranked`.
    rank_of: HashMap<String, usize>,
    /// Alerts received per priority, indexed like [`Priority::ALL`].
    pub by_priority: [u64; 8],
    /// Latest report of each intake (samples moved to `malformed`).
    pub intakes: BTreeMap<String, IntakeStats>,
    /// The latest malformed lines, oldest first.
    pub malformed: VecDeque<Malformed>,
    /// CLOCK_REALTIME − CLOCK_BOOTTIME (ns), to place an alert's wall time in the
    /// kernel stream; `None` until the runtime sets it.
    pub wall_offset_ns: Option<i128>,
}

impl Default for AlertsView {
    fn default() -> Self {
        Self {
            entries: VecDeque::new(),
            cap: ALERTS_CAP,
            next_seq: 0,
            dropped: 0,
            filter: AlertFilter::default(),
            matched: VecDeque::new(),
            selected: None,
            follow: true,
            by_rule: BTreeMap::new(),
            ranked: Vec::new(),
            rank_of: HashMap::new(),
            by_priority: [0; 8],
            intakes: BTreeMap::new(),
            malformed: VecDeque::new(),
            wall_offset_ns: None,
        }
    }
}

fn priority_index(p: Priority) -> usize {
    Priority::ALL.iter().position(|q| *q == p).unwrap_or(0)
}

impl AlertsView {
    /// Anything to show: an alert, or an intake configured.
    pub fn active(&self) -> bool {
        self.next_seq > 0 || !self.intakes.is_empty()
    }

    /// Alerts received so far (including dropped ones).
    pub fn received(&self) -> u64 {
        self.next_seq
    }

    /// Received count for one priority.
    pub fn count(&self, p: Priority) -> u64 {
        self.by_priority[priority_index(p)]
    }

    /// The most severe priority received, if any.
    pub fn worst(&self) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| self.count(*p) > 0)
    }

    /// Malformed lines over every intake.
    pub fn malformed_total(&self) -> u64 {
        self.intakes.values().map(|s| s.malformed).sum()
    }

    /// Rules by count, most first (ties by name): kept ranked by [`Self::push`], not sorted here.
    pub fn rules_by_count(&self) -> &[(String, u64)] {
        &self.ranked
    }

    /// Moves `rule` (whose count just became `n`) up past the rules it now outranks.
    fn rank(&mut self, rule: &str, n: u64) {
        let mut i = match self.rank_of.get(rule) {
            Some(i) => *i,
            None => {
                self.ranked.push((rule.to_string(), n));
                self.rank_of.insert(rule.to_string(), self.ranked.len() - 1);
                self.ranked.len() - 1
            }
        };
        self.ranked[i].1 = n;
        while i > 0 {
            let (prev, pn) = &self.ranked[i - 1];
            if *pn > n || (*pn == n && prev.as_str() < rule) {
                break;
            }
            self.ranked.swap(i - 1, i);
            if let Some(j) = self.rank_of.get_mut(&self.ranked[i].0) {
                *j = i;
            }
            i -= 1;
        }
        if let Some(j) = self.rank_of.get_mut(rule) {
            *j = i;
        }
    }

    /// Adds alerts; returns the sequence numbers they got.
    pub fn push(&mut self, alerts: Vec<Alert>) -> Vec<u64> {
        let mut seqs = Vec::with_capacity(alerts.len());
        for alert in alerts {
            let seq = self.next_seq;
            self.next_seq += 1;
            let key = if self.by_rule.len() < RULES_CAP || self.by_rule.contains_key(&alert.rule) {
                alert.rule.clone()
            } else {
                OTHER_RULES.to_string()
            };
            let n = {
                let c = self.by_rule.entry(key.clone()).or_default();
                *c += 1;
                *c
            };
            self.rank(&key, n);
            self.by_priority[priority_index(alert.priority)] += 1;
            if !self.filter.is_empty() && self.filter.matches(&alert) {
                self.matched.push_back(seq);
            }
            self.entries.push_back(AlertEntry { seq, alert });
            seqs.push(seq);
        }
        while self.entries.len() > self.cap {
            if let Some(old) = self.entries.pop_front() {
                self.dropped += 1;
                if self.matched.front() == Some(&old.seq) {
                    self.matched.pop_front();
                }
            }
        }
        if self.follow {
            self.selected = self.last_listed();
        } else if self.selected.is_some_and(|s| self.get(s).is_none()) {
            self.selected = self.seq_at(0);
        }
        seqs
    }

    /// Takes an intake report: keeps its samples, replaces its counters.
    pub fn on_intake(&mut self, mut stats: IntakeStats) {
        for m in stats.samples.drain(..) {
            if self.malformed.len() >= MALFORMED_KEEP {
                self.malformed.pop_front();
            }
            self.malformed.push_back(m);
        }
        self.intakes.insert(stats.intake.clone(), stats);
    }

    /// The alert with sequence number `seq`, if still held.
    pub fn get(&self, seq: u64) -> Option<&AlertEntry> {
        let first = self.entries.front()?.seq;
        self.entries
            .get(usize::try_from(seq.checked_sub(first)?).ok()?)
    }

    /// The selected alert.
    pub fn selected_entry(&self) -> Option<&AlertEntry> {
        self.get(self.selected?)
    }

    /// Number of listed alerts (filtered or all).
    pub fn len(&self) -> usize {
        if self.filter.is_empty() {
            self.entries.len()
        } else {
            self.matched.len()
        }
    }

    /// True when nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sequence number of the `i`-th listed alert.
    pub fn seq_at(&self, i: usize) -> Option<u64> {
        if self.filter.is_empty() {
            self.entries.get(i).map(|e| e.seq)
        } else {
            self.matched.get(i).copied()
        }
    }

    /// Position in the listing of the selected alert.
    pub fn pos(&self) -> Option<usize> {
        let sel = self.selected?;
        if self.filter.is_empty() {
            let first = self.entries.front()?.seq;
            let i = usize::try_from(sel.checked_sub(first)?).ok()?;
            (i < self.entries.len()).then_some(i)
        } else {
            let i = self.matched.partition_point(|s| *s < sel);
            (self.matched.get(i) == Some(&sel)).then_some(i)
        }
    }

    fn last_listed(&self) -> Option<u64> {
        self.len().checked_sub(1).and_then(|i| self.seq_at(i))
    }

    /// Applies a new filter and selects the newest match.
    pub fn set_filter(&mut self, filter: AlertFilter) {
        self.filter = filter;
        self.matched = if self.filter.is_empty() {
            VecDeque::new()
        } else {
            self.entries
                .iter()
                .filter(|e| self.filter.matches(&e.alert))
                .map(|e| e.seq)
                .collect()
        };
        self.follow = true;
        self.selected = self.last_listed();
    }

    /// Moves the selection by `delta` rows (clamped); following stops unless at the newest row.
    pub fn step(&mut self, delta: isize) {
        let len = self.len();
        if len == 0 {
            self.selected = None;
            return;
        }
        let cur = self.pos().unwrap_or(len - 1) as isize;
        let next = cur.saturating_add(delta).clamp(0, len as isize - 1) as usize;
        self.selected = self.seq_at(next);
        self.follow = next == len - 1 && delta > 0;
    }

    /// Follow on / off; turning it on selects the newest alert.
    pub fn toggle_follow(&mut self) {
        self.follow = !self.follow;
        if self.follow {
            self.selected = self.last_listed();
        }
    }
}
