//! Event types as the rules name them (`open`, `execve`, `procexit`...) mapped to dense ids, and id sets.

use crate::collector::syscalls;
use crate::model::{EventKind, SysEvent};

/// Number of syscall slots (ids below this are x86_64 syscall numbers).
const SYSCALLS: u16 = 512;
/// `procexit`: a process (thread group leader) ended.
pub const PROCEXIT: u16 = SYSCALLS;
/// `clone`/`fork`/`vfork`/`clone3`: a process or thread was created (one id for all).
pub const CLONE: u16 = SYSCALLS + 1;
/// Number of ids.
pub const N: usize = SYSCALLS as usize + 2;
const WORDS: usize = N.div_ceil(64);

/// The id of the event type called `name`, if it is one ktriage can see.
pub fn id(name: &str) -> Option<u16> {
    match name {
        "procexit" => Some(PROCEXIT),
        "clone" | "clone3" | "fork" | "vfork" => Some(CLONE),
        _ => syscalls::number(name)
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| *n < SYSCALLS),
    }
}

/// The name of type `id` (`clone` for the clone family).
pub fn name(id: u16) -> &'static str {
    match id {
        PROCEXIT => "procexit",
        CLONE => "clone",
        n => syscalls::name(u32::from(n)).unwrap_or("unknown"),
    }
}

/// The type id of an event, `None` for events the rules never see (failed execs:
/// `spawned_process` is an exec that succeeded; thread exits).
pub fn of_event(ev: &SysEvent) -> Option<u16> {
    match ev.kind {
        EventKind::Exec => u16::try_from(ev.nr).ok().filter(|n| *n < SYSCALLS),
        EventKind::Fork => Some(CLONE),
        EventKind::Exit => (ev.args[0] == 1).then_some(PROCEXIT),
        EventKind::Syscall => {
            let t = *syscall_types().get(ev.nr as usize)?;
            (t != NONE).then_some(t)
        }
    }
}

const NONE: u16 = u16::MAX;

/// Type id of each syscall record number (a table built once).
fn syscall_types() -> &'static [u16] {
    static TABLE: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..u32::from(SYSCALLS))
            .map(|nr| match syscalls::name(nr) {
                // a successful exec is its own record; failed ones are not spawns
                Some("execve" | "execveat") => NONE,
                Some("clone" | "clone3" | "fork" | "vfork") => CLONE,
                _ => nr as u16,
            })
            .collect()
    })
}

/// A set of event type ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeSet([u64; WORDS]);

impl TypeSet {
    /// No type.
    pub const fn empty() -> Self {
        Self([0; WORDS])
    }

    /// Every type.
    pub fn all() -> Self {
        let mut s = Self([u64::MAX; WORDS]);
        let extra = WORDS * 64 - N;
        s.0[WORDS - 1] >>= extra;
        s
    }

    pub fn insert(&mut self, id: u16) {
        let i = usize::from(id);
        if i < N {
            self.0[i / 64] |= 1 << (i % 64);
        }
    }

    pub fn contains(&self, id: u16) -> bool {
        let i = usize::from(id);
        i < N && self.0[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn union(&self, o: &Self) -> Self {
        Self(std::array::from_fn(|i| self.0[i] | o.0[i]))
    }

    pub fn intersect(&self, o: &Self) -> Self {
        Self(std::array::from_fn(|i| self.0[i] & o.0[i]))
    }

    pub fn complement(&self) -> Self {
        Self::all().intersect(&Self(std::array::from_fn(|i| !self.0[i])))
    }

    pub fn is_all(&self) -> bool {
        *self == Self::all()
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// The ids in the set, ascending.
    pub fn ids(&self) -> impl Iterator<Item = u16> + '_ {
        (0..N as u16).filter(|i| self.contains(*i))
    }

    /// The syscall numbers in the set (pseudo types left out).
    pub fn syscalls(&self) -> Vec<u32> {
        self.ids()
            .filter(|i| *i < SYSCALLS)
            .map(u32::from)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_names() {
        let open = id("openat").expect("openat");
        let mut s = TypeSet::empty();
        s.insert(open);
        s.insert(PROCEXIT);
        assert!(s.contains(open) && !s.contains(0));
        assert_eq!(s.complement().complement(), s);
        assert!(s.union(&s.complement()).is_all());
        assert!(s.intersect(&s.complement()).is_empty());
        assert_eq!(name(id("vfork").expect("vfork")), "clone");
        assert_eq!(id("no_such_call"), None);
        assert_eq!(s.syscalls(), vec![u32::from(open)]);
    }
}
