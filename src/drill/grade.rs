//! Grading: each check of a drill against the live lab and the last answer; a failed check says why (never the expected value).

use std::collections::{BTreeSet, HashMap};

use super::lab::{LabDirs, LabError, LabPods, LabState};
use super::live;
use super::spec::{Check, Drill};

/// One check's outcome.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CheckResult {
    /// What was checked, in words.
    pub what: String,
    pub passed: bool,
    /// Why it failed (empty when it passed).
    pub why: String,
}

/// A drill's grade.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Grade {
    pub drill: String,
    pub passed: bool,
    pub elapsed_secs: u64,
    /// Hints revealed before this grade (`drill hint` and the TUI's).
    pub hints_shown: usize,
    pub checks: Vec<CheckResult>,
}

/// The answer's words: split on white space and commas; `ns/name` also counts as `name`.
fn words(answer: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in answer.split(|c: char| c.is_whitespace() || c == ',') {
        let w = w.trim();
        if w.is_empty() {
            continue;
        }
        out.push(w.to_string());
        if let Some((_, name)) = w.split_once('/') {
            out.push(name.to_string());
        }
    }
    out
}

fn has(answer: &str, want: &str) -> bool {
    words(answer).iter().any(|w| w == want)
}

struct Ctx<'a> {
    state: &'a LabState,
    answer: &'a str,
    lab: Option<&'a LabPods>,
}

type Outcome = Result<(), String>;

impl Ctx<'_> {
    fn pid(&self, pod: &str, container: &str) -> Result<(String, Vec<u32>), String> {
        let c = self
            .state
            .container(pod, container)
            .ok_or_else(|| format!("the lab has no container {pod}/{container}"))?;
        let pids = live::container_pids(&c.id);
        if pids.is_empty() {
            return Err(format!(
                "container {pod}/{container} is not running any more"
            ));
        }
        Ok((c.id.clone(), pids))
    }

    fn expect(&self, want: &str, what: &str) -> Outcome {
        if self.answer.trim().is_empty() {
            return Err(format!(
                "no answer given (`ktriage drill answer TEXT`); want {what}"
            ));
        }
        if has(self.answer, want) {
            Ok(())
        } else {
            Err(format!("the answer does not hold {what}"))
        }
    }

    fn pod_where(&self, what: &str, test: impl Fn(u32) -> bool) -> Outcome {
        let pods: Vec<&str> = self
            .state
            .pods
            .iter()
            .filter(|p| {
                p.containers
                    .iter()
                    .any(|c| live::container_pids(&c.id).into_iter().any(&test))
            })
            .map(|p| p.name.as_str())
            .collect();
        let [pod] = pods[..] else {
            return Err(format!(
                "the lab has {} pods {what} (want exactly one)",
                pods.len()
            ));
        };
        self.expect(pod, &format!("the name of the pod {what}"))
    }

    fn running(&self, pod: &str, container: &str) -> Result<bool, String> {
        let c = self
            .state
            .container(pod, container)
            .ok_or_else(|| format!("the lab has no container {pod}/{container}"))?;
        let lab = self.lab.ok_or("the lab's containerd does not answer")?;
        lab.running(&c.id).map_err(|e| e.to_string())
    }

    fn mutable_pods(&self, dirs: &LabDirs) -> Result<BTreeSet<String>, String> {
        let pods = crate::posture::load_manifest(&dirs.manifests()).map_err(|e| e.to_string())?;
        Ok(pods
            .iter()
            .filter(|p| !crate::posture::evaluate(p, &HashMap::new()).immutable)
            .filter_map(|p| p.metadata.name.clone())
            .collect())
    }

    fn check(&self, dirs: &LabDirs, check: &Check, drill: &Drill) -> Outcome {
        match check {
            Check::AnswerEnv {
                pod,
                container,
                var,
            } => {
                let (_, pids) = self.pid(pod, container)?;
                let v = live::env_value(pids[0], var)
                    .ok_or_else(|| format!("{pod}/{container} has no {var} now"))?;
                self.expect(&v, &format!("the value of {var} in {pod}/{container}"))
            }
            Check::AnswerFile {
                pod,
                container,
                path,
            } => {
                let (_, pids) = self.pid(pod, container)?;
                let v = live::file_in_root(pids[0], path)
                    .ok_or_else(|| format!("{path} cannot be read in {pod}/{container}"))?;
                self.expect(&v, &format!("the content of {path} in {pod}/{container}"))
            }
            Check::AnswerFd {
                pod,
                container,
                path,
            } => {
                let (_, pids) = self.pid(pod, container)?;
                let fds: BTreeSet<u32> = live::fds_on(&pids, path)
                    .into_iter()
                    .map(|(_, fd)| fd)
                    .collect();
                let fds: Vec<u32> = fds.into_iter().collect();
                let [fd] = fds[..] else {
                    return Err(format!(
                        "{pod}/{container} has {} fds open on {path} (want one)",
                        fds.len()
                    ));
                };
                self.expect(&fd.to_string(), &format!("the fd number of {path}"))
            }
            Check::AnswerSyscallCount {
                pod,
                container,
                syscall,
                per_second_file,
                window_secs,
                tolerance_pct,
            } => {
                let (_, pids) = self.pid(pod, container)?;
                let rate = live::file_in_root(pids[0], per_second_file)
                    .and_then(|v| v.parse::<u64>().ok())
                    .ok_or_else(|| {
                        format!("{pod}/{container} does not say its rate in {per_second_file}")
                    })?;
                super::grade_syscall::check(
                    self.answer,
                    syscall,
                    rate,
                    *window_secs,
                    *tolerance_pct,
                    &format!("{pod}/{container}"),
                )
            }
            Check::AnswerTtyPod => self.pod_where("with a process on a terminal", live::has_tty),
            Check::AnswerDeletedExePod => {
                self.pod_where("running a binary deleted from disk", live::exe_deleted)
            }
            Check::AnswerListener { port } => {
                let inode = live::listening_inode(*port)
                    .ok_or_else(|| format!("nothing listens on port {port} any more"))?;
                let owner = self.state.pods.iter().find_map(|p| {
                    p.containers.iter().find_map(|c| {
                        live::socket_owner(&live::container_pids(&c.id), inode).map(|pid| (p, pid))
                    })
                });
                let (pod, pid) =
                    owner.ok_or_else(|| format!("no lab pod listens on port {port}"))?;
                self.expect(&pod.name, &format!("the pod listening on port {port}"))?;
                self.expect(
                    &pid.to_string(),
                    &format!("the host pid listening on port {port}"),
                )
            }
            Check::AnswerPod { pod } => {
                if self.state.pod(pod).is_none() {
                    return Err(format!("the lab has no pod {pod}"));
                }
                self.expect(pod, "the name of the pod asked for")
            }
            Check::AnswerSeccomp { pod, container } => {
                let (_, pids) = self.pid(pod, container)?;
                let (mode, _) = live::security(pids[0]).ok_or("its status cannot be read")?;
                let name = crate::inspect::status::seccomp_mode_name(mode);
                if has(self.answer, &mode.to_string()) || has(&self.answer.to_lowercase(), name) {
                    Ok(())
                } else {
                    Err(format!(
                        "the answer does not hold the seccomp mode of {pod}/{container} (a number or its name)"
                    ))
                }
            }
            Check::AnswerCaps { pod, container } => {
                let (_, pids) = self.pid(pod, container)?;
                let (_, caps) = live::security(pids[0]).ok_or("its status cannot be read")?;
                let want: BTreeSet<String> = caps.into_iter().collect();
                let given: BTreeSet<String> = words(self.answer)
                    .iter()
                    .map(|w| w.to_uppercase())
                    .filter(|w| w.starts_with("CAP_"))
                    .collect();
                if given == want {
                    Ok(())
                } else {
                    Err(format!(
                        "the CAP_ names in the answer ({}) are not the effective capabilities of {pod}/{container}",
                        given.len()
                    ))
                }
            }
            Check::AnswerMutablePods => {
                let want = self.mutable_pods(dirs)?;
                let names: BTreeSet<String> =
                    self.state.pods.iter().map(|p| p.name.clone()).collect();
                let given: BTreeSet<String> = words(self.answer)
                    .into_iter()
                    .filter(|w| names.contains(w))
                    .collect();
                if given == want {
                    Ok(())
                } else {
                    Err(format!(
                        "the answer names {} of the lab's pods; that is not the set of pods that are not immutable",
                        given.len()
                    ))
                }
            }
            Check::RuleAlert {
                pod,
                container,
                path,
                rules_file,
                reference,
            } => {
                let (_, pids) = self.pid(pod, container)?;
                let argv = live::cmdline(pids[0]).ok_or("its command line cannot be read")?;
                let events = || super::replay::write_events(pids[0], &argv, path);
                let want = super::replay::run("reference", Err(reference), events())
                    .map_err(|e| format!("the drill's reference rule does not load: {e}"))?;
                let want = want
                    .first()
                    .ok_or("the drill's reference rule raises no alert")?;
                let file = dirs.work().join(rules_file);
                let got = super::replay::run("", Ok(&file), events())
                    .map_err(|e| format!("{} does not load cleanly:\n{e}", file.display()))?;
                if got
                    .iter()
                    .any(|a| a.priority == want.priority && a.output == want.output)
                {
                    return Ok(());
                }
                let seen: Vec<String> = got
                    .iter()
                    .map(|a| format!("{} {} [rule {}]", a.priority.name(), a.output, a.rule))
                    .collect();
                Err(if seen.is_empty() {
                    format!("the replayed write to {path} by {pod}/{container} raised no alert")
                } else {
                    format!(
                        "the replayed write to {path} raised other alerts: {}",
                        seen.join("; ")
                    )
                })
            }
            Check::VerifyScript {
                name,
                script,
                timeout_secs,
            } => {
                let t = std::time::Duration::from_secs(*timeout_secs);
                let v = super::verify::run(dirs, name, script, self.answer, t)
                    .map_err(|e| format!("{name} cannot run: {e}"))?;
                super::verify::outcome(name, &v, t)
            }
            Check::Stopped { pod, container } => match self.running(pod, container)? {
                false => Ok(()),
                true => Err(format!("{pod}/{container} still runs")),
            },
            Check::OthersRunning => {
                let stopped: Vec<(&str, &str)> = drill
                    .checks
                    .iter()
                    .filter_map(|c| match c {
                        Check::Stopped { pod, container } => {
                            Some((pod.as_str(), container.as_str()))
                        }
                        _ => None,
                    })
                    .collect();
                for p in &self.state.pods {
                    for c in &p.containers {
                        if !stopped.contains(&(p.name.as_str(), c.name.as_str()))
                            && !self.running(&p.name, &c.name)?
                        {
                            return Err(format!("{}/{} was stopped too", p.name, c.name));
                        }
                    }
                }
                Ok(())
            }
            Check::MutablePodsStopped => {
                let mutable = self.mutable_pods(dirs)?;
                for p in &self.state.pods {
                    for c in &p.containers {
                        let run = self.running(&p.name, &c.name)?;
                        match (mutable.contains(&p.name), run) {
                            (true, true) => {
                                return Err(format!(
                                    "{}/{} is not immutable and still runs",
                                    p.name, c.name
                                ));
                            }
                            (false, false) => {
                                return Err(format!(
                                    "{}/{} is immutable and was stopped",
                                    p.name, c.name
                                ));
                            }
                            _ => {}
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

/// What a check checks, in words.
pub fn describe(check: &Check) -> String {
    match check {
        Check::AnswerEnv { var, .. } => format!("answer: the value of {var}"),
        Check::AnswerFile { path, .. } => format!("answer: the content of {path}"),
        Check::AnswerFd { path, .. } => format!("answer: the fd of {path}"),
        Check::AnswerSyscallCount { window_secs, .. } => {
            format!("answer: the most frequent syscall and its count in {window_secs} s")
        }
        Check::AnswerTtyPod => "answer: the pod with a terminal shell".into(),
        Check::AnswerListener { port } => format!("answer: pod and pid listening on {port}"),
        Check::AnswerDeletedExePod => "answer: the pod running a deleted binary".into(),
        Check::AnswerPod { .. } => "answer: the pod".into(),
        Check::AnswerSeccomp { .. } => "answer: the seccomp mode".into(),
        Check::AnswerCaps { .. } => "answer: the effective capabilities".into(),
        Check::AnswerMutablePods => "answer: the pods that are not immutable".into(),
        Check::RuleAlert { rules_file, .. } => {
            format!("{rules_file}: the replayed write raises the asked alert")
        }
        Check::Stopped { pod, container } => format!("{pod}/{container} is stopped"),
        Check::OthersRunning => "every other container still runs".into(),
        Check::MutablePodsStopped => "non-immutable pods stopped, immutable ones running".into(),
        Check::VerifyScript { name, .. } => format!("{name} exits 0"),
    }
}

/// Grades `drill` on the lab in `dirs` with the last answer of `state`.
pub fn grade(dirs: &LabDirs, drill: &Drill, state: &LabState) -> Result<Grade, LabError> {
    let lab = LabPods::connect(dirs).ok();
    let answer = state.answers.last().map_or("", String::as_str);
    let ctx = Ctx {
        state,
        answer,
        lab: lab.as_ref(),
    };
    let checks: Vec<CheckResult> = drill
        .checks
        .iter()
        .map(|c| {
            let r = ctx.check(dirs, c, drill);
            CheckResult {
                what: describe(c),
                passed: r.is_ok(),
                why: r.err().unwrap_or_default(),
            }
        })
        .collect();
    Ok(Grade {
        drill: drill.name.clone(),
        passed: checks.iter().all(|c| c.passed),
        elapsed_secs: state.elapsed_secs(),
        hints_shown: state.hints_shown,
        checks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_words_split_on_space_and_commas_and_namespaces() {
        assert!(has("team-a/web-1 4242", "web-1"));
        assert!(has("pid 4242, fd 3", "3"));
        assert!(!has("fd 33", "3"));
        assert!(!has("", "x"));
    }
}
