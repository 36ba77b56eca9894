//! Unit tests of `inspect::namespaces` on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::inspect::fixture_root;

#[test]
fn container_namespaces_against_the_host() {
    let ns = read_namespaces(&fixture_root(), 4242, 1).unwrap();
    assert_eq!(ns.entries.len(), 8);
    let net = ns.get("net").unwrap();
    assert_eq!(
        (net.inode, net.host_inode),
        (Some(4026532523), Some(4026531840))
    );
    assert_eq!(net.shared_with_host(), Some(false));
    assert_eq!(ns.shared_with_host(), ["time", "user"]);
    assert_eq!(ns.callouts(), ["shares host user"]);
    assert_eq!(
        ns.uid_map,
        [IdMap {
            inside: 0,
            outside: 0,
            count: u32::MAX
        }]
    );
    assert_eq!(ns.gid_map.len(), 1);
}

#[test]
fn host_pid_and_net_are_called_out() {
    let ns = read_namespaces(&fixture_root(), 6666, 1).unwrap();
    assert_eq!(
        ns.callouts(),
        [
            "shares host ipc",
            "shares host net",
            "shares host pid",
            "shares host user",
            "shares host uts"
        ]
    );
    assert_eq!(ns.get("mnt").unwrap().shared_with_host(), Some(false));
    assert!(ns.uid_map.is_empty());
}

#[test]
fn unreadable_namespaces_are_an_error_unknown_host_is_none() {
    assert!(read_namespaces(&fixture_root(), 8888, 1).is_err());
    let ns = read_namespaces(&fixture_root(), 4242, 8888).unwrap();
    assert!(ns.entries.iter().all(|n| n.shared_with_host().is_none()));
    assert!(ns.callouts().is_empty());
}

#[test]
fn link_and_map_parsing() {
    assert_eq!(parse_ns_link("net:[4026531840]"), Some(("net", 4026531840)));
    assert_eq!(
        parse_ns_link("pid_for_children:[1]"),
        Some(("pid_for_children", 1))
    );
    assert_eq!(parse_ns_link("net:4026531840"), None);
    assert_eq!(parse_ns_link("net:[x]"), None);
    let m = parse_id_map("         0     100000      65536\ngarbage\n");
    assert_eq!(
        m,
        [IdMap {
            inside: 0,
            outside: 100000,
            count: 65536
        }]
    );
}
