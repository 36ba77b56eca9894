//! Syscall totals of exited processes kept per container, so container and pod summaries keep what short-lived processes did.
//!
//! The map poller folds the kernel rows of exited processes into one pseudo
//! process (for the "all" summary) and also sends them as [`super::Event::Retired`].
//! The core learned, from each process's kernel records (its exit record at the
//! latest), which container it ran in; the retired rows are added to that
//! container's totals here.

use std::collections::{BTreeMap, HashMap};

use super::event::AggRow;
use super::state::SummaryScope;

/// Processes remembered between their last record and their retirement at most.
const TGID_CAP: usize = 65_536;

/// Retired totals by container, and what is needed to place them.
#[derive(Clone, Debug, Default)]
pub struct Retired {
    /// Container of each process whose exit was seen, until its rows retire.
    tgid_container: HashMap<u32, String>,
    /// (container id, syscall) → totals of its exited processes.
    by_container: BTreeMap<(String, u32), AggRow>,
    /// Pod (namespace, name) of each container seen with one.
    pods: HashMap<String, (String, String)>,
}

impl Retired {
    /// Notes the container of a process whose exit record was seen (`container`: from the record's cgroup).
    pub fn on_exit(&mut self, tgid: u32, container: Option<&str>) {
        let Some(c) = container else { return };
        if self.tgid_container.len() >= TGID_CAP && !self.tgid_container.contains_key(&tgid) {
            // an exit storm without retirements: forget what is known rather than grow
            self.tgid_container.clear();
        }
        self.tgid_container.insert(tgid, c.to_string());
    }

    /// Remembers the pod of a container (from the process table).
    pub fn note_pod(&mut self, container: &str, ns: &str, name: &str) {
        if self
            .pods
            .get(container)
            .is_none_or(|p| p.0 != ns || p.1 != name)
        {
            self.pods
                .insert(container.to_string(), (ns.to_string(), name.to_string()));
        }
    }

    /// Adds the rows of processes that left the kernel map to their containers' totals.
    pub fn retire(&mut self, rows: &[AggRow]) {
        for r in rows {
            let Some(c) = self.tgid_container.get(&r.tgid) else {
                continue;
            };
            let e = self
                .by_container
                .entry((c.clone(), r.nr))
                .or_insert(AggRow {
                    // the pseudo process of exited ones (the collector's EXITED_TGID)
                    tgid: 0,
                    nr: r.nr,
                    ..AggRow::default()
                });
            e.calls += r.calls;
            e.errors += r.errors;
            e.time_ns += r.time_ns;
        }
        for r in rows {
            self.tgid_container.remove(&r.tgid);
        }
    }

    /// Retired rows that belong to a container or pod scope (none for `All`/`Pid`:
    /// the "all" summary has them under the pseudo process already).
    pub fn rows(&self, scope: &SummaryScope) -> Vec<AggRow> {
        let wanted = |c: &str| match scope {
            SummaryScope::Container(id) => !id.is_empty() && c.starts_with(id.as_str()),
            SummaryScope::Pod(ns, name) => {
                self.pods.get(c).is_some_and(|p| &p.0 == ns && &p.1 == name)
            }
            SummaryScope::All | SummaryScope::Pid(_) => false,
        };
        self.by_container
            .iter()
            .filter(|((c, _), _)| wanted(c))
            .map(|(_, r)| *r)
            .collect()
    }
}
