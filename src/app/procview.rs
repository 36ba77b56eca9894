//! The processes pane's row order: flat list or parent → children tree, sorted, keeping the selection on its pid.

use std::collections::HashMap;

use super::event::ProcInfo;
use super::state::{AppState, ProcSort};

fn cmp(
    a: &ProcInfo,
    b: &ProcInfo,
    sort: ProcSort,
    calls: &HashMap<u32, u64>,
) -> std::cmp::Ordering {
    let by = match sort {
        ProcSort::Pid => std::cmp::Ordering::Equal,
        ProcSort::Calls => calls
            .get(&b.pid)
            .unwrap_or(&0)
            .cmp(calls.get(&a.pid).unwrap_or(&0)),
        ProcSort::Comm => a.comm.cmp(&b.comm),
        ProcSort::Pod => (&a.pod_namespace, &a.pod_name, &a.container_name)
            .cmp(&(&b.pod_namespace, &b.pod_name, &b.container_name))
            .then(b.pod_name.is_some().cmp(&a.pod_name.is_some())),
    };
    by.then(a.pid.cmp(&b.pid))
}

/// Rows as (index into `procs`, depth).
pub fn order(
    procs: &[ProcInfo],
    tree: bool,
    sort: ProcSort,
    calls: &HashMap<u32, u64>,
) -> Vec<(usize, u16)> {
    let mut idx: Vec<usize> = (0..procs.len()).collect();
    idx.sort_by(|&a, &b| cmp(&procs[a], &procs[b], sort, calls));
    if !tree {
        return idx.into_iter().map(|i| (i, 0)).collect();
    }
    let by_pid: HashMap<u32, usize> = procs.iter().enumerate().map(|(i, p)| (p.pid, i)).collect();
    let mut children: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for &i in &idx {
        let p = &procs[i];
        if p.ppid != p.pid && by_pid.contains_key(&p.ppid) {
            children.entry(p.ppid).or_default().push(i);
        } else {
            roots.push(i);
        }
    }
    let mut out = Vec::with_capacity(procs.len());
    let mut stack: Vec<(usize, u16)> = roots.into_iter().rev().map(|i| (i, 0)).collect();
    let mut seen = vec![false; procs.len()];
    while let Some((i, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        out.push((i, depth));
        if let Some(kids) = children.get(&procs[i].pid) {
            stack.extend(kids.iter().rev().map(|&k| (k, depth.saturating_add(1))));
        }
    }
    out
}

/// Recomputes the rows after the table, the counts or the view changed; the
/// selection stays on its pid (kept in `process_key`, since `processes` may
/// already be the new table), or on the nearest row when that pid is gone.
pub fn refresh(state: &mut AppState) {
    let keep = state.process_key;
    let v = state.process_view;
    state.process_order = order(&state.processes, v.tree, v.sort, &state.process_calls);
    select_pid(state, keep);
}

/// Selects the row of `pid` (or the nearest row when it is gone) and remembers the pid now selected.
pub fn select_pid(state: &mut AppState, pid: Option<u32>) {
    let found = pid.and_then(|p| {
        state
            .process_order
            .iter()
            .position(|(i, _)| state.processes[*i].pid == p)
    });
    let row = match (found, pid) {
        (Some(i), _) => i,
        // Gone: the row where it would be in a pid-sorted flat list, else the same position.
        (None, Some(p)) if !state.process_view.tree && state.process_view.sort == ProcSort::Pid => {
            state
                .process_order
                .partition_point(|(i, _)| state.processes[*i].pid < p)
        }
        _ => state.process_selected,
    };
    state.process_selected = row.min(state.process_order.len().saturating_sub(1));
    state.process_key = state.selected_process().map(|p| p.pid);
}

/// Moves the selection by `delta` rows.
pub fn step(state: &mut AppState, delta: isize) {
    let len = state.process_order.len();
    state.process_selected = if len == 0 {
        0
    } else {
        (state.process_selected as isize)
            .saturating_add(delta)
            .clamp(0, len as isize - 1) as usize
    };
    state.process_key = state.selected_process().map(|p| p.pid);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: u32, ppid: u32, comm: &str) -> ProcInfo {
        ProcInfo {
            pid,
            ppid,
            comm: comm.into(),
            ..ProcInfo::default()
        }
    }

    #[test]
    fn tree_nests_children_under_parents() {
        let procs = vec![
            p(1, 0, "init"),
            p(30, 1, "b"),
            p(20, 1, "a"),
            p(31, 30, "c"),
            p(99, 77, "orphan"),
        ];
        let rows: Vec<(u32, u16)> = order(&procs, true, ProcSort::Pid, &HashMap::new())
            .into_iter()
            .map(|(i, d)| (procs[i].pid, d))
            .collect();
        assert_eq!(rows, vec![(1, 0), (20, 1), (30, 1), (31, 2), (99, 0)]);
    }

    #[test]
    fn sorts_by_calls_then_pid() {
        let procs = vec![p(1, 0, "a"), p(2, 0, "b"), p(3, 0, "c")];
        let calls = HashMap::from([(2, 50), (3, 50), (1, 7)]);
        let rows: Vec<u32> = order(&procs, false, ProcSort::Calls, &calls)
            .into_iter()
            .map(|(i, _)| procs[i].pid)
            .collect();
        assert_eq!(rows, vec![2, 3, 1]);
    }
}
