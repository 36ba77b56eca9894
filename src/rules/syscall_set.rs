//! The syscalls to stream for a rule set: the event types its rules name, plus what the fd table needs.

use super::evtypes::TypeSet;
use crate::collector::args::default_stream_set;
use crate::collector::syscalls;

/// Calls whose results the fd table needs when socket rules are loaded.
const SOCKET_HELPERS: &[&str] = &["socket", "connect", "accept", "accept4", "bind"];
const SOCKET_USERS: &[&str] = &[
    "connect", "accept", "accept4", "sendto", "sendmsg", "dup", "dup2", "dup3", "listen",
];

/// Stream set for rules wanting `types` (rules without a type restriction are
/// left out of `types` by the caller): those syscalls, the socket helpers when a
/// socket call is wanted, and the default security set; sorted, no duplicates.
pub fn stream_set(types: &TypeSet) -> Vec<u32> {
    let mut set = default_stream_set();
    let wanted = types.syscalls();
    let any_socket = wanted
        .iter()
        .any(|nr| syscalls::name(*nr).is_some_and(|n| SOCKET_USERS.contains(&n)));
    set.extend(wanted);
    if any_socket {
        set.extend(SOCKET_HELPERS.iter().filter_map(|n| syscalls::number(n)));
    }
    set.sort_unstable();
    set.dedup();
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::evtypes;

    #[test]
    fn adds_rule_types_and_socket_helpers() {
        let mut t = TypeSet::empty();
        for n in ["dup2", "ptrace", "procexit"] {
            t.insert(evtypes::id(n).expect("known"));
        }
        let set = stream_set(&t);
        for n in ["dup2", "socket", "connect", "openat", "ptrace"] {
            let nr = syscalls::number(n).expect("known");
            assert!(set.contains(&nr), "{n}");
        }
        assert!(set.windows(2).all(|w| w[0] < w[1]));
    }
}
