//! The fuzzy finder: candidates (pids, comms, containers, pods, images) from the process table, ranked by fuzzy-matcher.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::event::ProcInfo;

/// Results kept (and drawn) at most.
pub const MAX_RESULTS: usize = 200;

/// What choosing a candidate pivots to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A process.
    Pid(u32),
    /// A container (full id).
    Container(String),
    /// A pod (namespace, name).
    Pod(String, String),
}

/// What a candidate's text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `1234 nginx` (pid and comm).
    Process,
    /// Container name or id.
    Container,
    /// `namespace/name`.
    Pod,
    /// Image reference.
    Image,
}

impl Kind {
    /// Short label drawn before the candidate.
    pub fn label(self) -> &'static str {
        match self {
            Self::Process => "proc",
            Self::Container => "ctr",
            Self::Pod => "pod",
            Self::Image => "image",
        }
    }
}

/// One thing the finder can pick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// What is matched and shown (untrusted: sanitize when drawing).
    pub text: String,
    /// Kind of candidate.
    pub kind: Kind,
    /// Where choosing it goes.
    pub target: Target,
}

/// Builds the candidates: every process, and each distinct container, pod and image once.
pub fn candidates(processes: &[ProcInfo]) -> Vec<Candidate> {
    let mut out = Vec::with_capacity(processes.len() + 16);
    let mut seen = std::collections::HashSet::new();
    for p in processes {
        out.push(Candidate {
            text: if p.entered_from_host {
                format!("{} {} {}", p.pid, p.comm, crate::strings::FINDER_ENTERED)
            } else {
                format!("{} {}", p.pid, p.comm)
            },
            kind: Kind::Process,
            target: Target::Pid(p.pid),
        });
        let Some(id) = &p.container_id else { continue };
        let short = &id[..id.len().min(12)];
        let ctr_text = match &p.container_name {
            Some(n) => format!("{n} {short}"),
            None => short.to_string(),
        };
        let mut push = |text: String, kind: Kind, target: Target| {
            if seen.insert((kind, text.clone())) {
                out.push(Candidate { text, kind, target });
            }
        };
        push(ctr_text, Kind::Container, Target::Container(id.clone()));
        if let (Some(ns), Some(name)) = (&p.pod_namespace, &p.pod_name) {
            push(
                format!("{ns}/{name}"),
                Kind::Pod,
                Target::Pod(ns.clone(), name.clone()),
            );
        }
        if let Some(img) = &p.image {
            push(img.clone(), Kind::Image, Target::Container(id.clone()));
        }
    }
    out
}

/// The finder's state: candidates, query, ranked results, selection.
#[derive(Clone, Debug, Default)]
pub struct Finder {
    /// Everything that can be found.
    pub candidates: Vec<Candidate>,
    /// What the user typed.
    pub query: String,
    /// Indexes into `candidates`, best first (at most [`MAX_RESULTS`]).
    pub results: Vec<usize>,
    /// Selected result.
    pub selected: usize,
}

impl Finder {
    /// A finder over `candidates` with an empty query.
    pub fn new(candidates: Vec<Candidate>) -> Self {
        let mut f = Self {
            candidates,
            ..Self::default()
        };
        f.rank();
        f
    }

    /// Replaces the query and re-ranks.
    pub fn set_query(&mut self, query: String) {
        self.query = query;
        self.rank();
    }

    fn rank(&mut self) {
        self.selected = 0;
        if self.query.is_empty() {
            self.results = (0..self.candidates.len().min(MAX_RESULTS)).collect();
            return;
        }
        let m = SkimMatcherV2::default().ignore_case();
        let mut scored: Vec<(i64, usize)> = self
            .candidates
            .iter()
            .enumerate()
            .filter_map(|(i, c)| m.fuzzy_match(&c.text, &self.query).map(|s| (s, i)))
            .collect();
        let keep = scored.len().min(MAX_RESULTS);
        if keep > 0 && scored.len() > keep {
            scored.select_nth_unstable_by(keep - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.truncate(keep);
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.results = scored.into_iter().map(|(_, i)| i).collect();
    }

    /// Moves the selection by `delta`, clamped.
    pub fn step(&mut self, delta: isize) {
        let n = self.results.len();
        if n > 0 {
            self.selected = (self.selected as isize + delta).clamp(0, n as isize - 1) as usize;
        }
    }

    /// The selected candidate.
    pub fn chosen(&self) -> Option<&Candidate> {
        self.candidates.get(*self.results.get(self.selected)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn procs() -> Vec<ProcInfo> {
        let p = |pid, comm: &str, ctr: Option<&str>| ProcInfo {
            pid,
            comm: comm.into(),
            container_id: ctr.map(str::to_string),
            container_name: ctr.map(|_| "nginx".into()),
            image: ctr.map(|_| "docker.io/library/nginx:1.25".into()),
            pod_name: ctr.map(|_| "web-0".into()),
            pod_namespace: ctr.map(|_| "team-a".into()),
            ..ProcInfo::default()
        };
        vec![
            p(1, "systemd", None),
            p(4300, "nginx", Some(&"ab".repeat(32))),
            p(4301, "nginx", Some(&"ab".repeat(32))),
        ]
    }

    #[test]
    fn candidates_dedupe_containers_pods_images() {
        let c = candidates(&procs());
        let kinds: Vec<Kind> = c.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Process,
                Kind::Process,
                Kind::Container,
                Kind::Pod,
                Kind::Image,
                Kind::Process
            ]
        );
        assert!(c.iter().any(|c| c.text == "team-a/web-0"
            && c.target == Target::Pod("team-a".into(), "web-0".into())));
    }

    #[test]
    fn fuzzy_query_ranks_and_pivots() {
        let mut f = Finder::new(candidates(&procs()));
        assert_eq!(f.results.len(), 6, "empty query lists everything");
        f.set_query("tmaweb".into());
        assert_eq!(
            f.chosen().map(|c| c.target.clone()),
            Some(Target::Pod("team-a".into(), "web-0".into()))
        );
        f.set_query("4301".into());
        assert_eq!(
            f.chosen().map(|c| c.target.clone()),
            Some(Target::Pid(4301))
        );
        f.set_query("zzzz".into());
        assert!(f.chosen().is_none());
        f.step(5);
        assert_eq!(f.selected, 0);
    }
}
