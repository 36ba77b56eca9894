//! Unit tests of `inspect::overview` on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::inspect::fixture_root;

#[test]
fn cmdline_splits_on_nul() {
    assert_eq!(
        read_cmdline(&fixture_root(), 4242).unwrap(),
        ["nginx: master process nginx -g daemon off;"]
    );
    assert_eq!(
        read_cmdline(&fixture_root(), 6666).unwrap(),
        ["sh", "-c", "echo \x1b]0;pwned\x07"]
    );
    assert_eq!(parse_cmdline(b"a\0\0b"), ["a", "", "b"]);
    assert_eq!(parse_cmdline(b"no-trailing"), ["no-trailing"]);
    assert!(parse_cmdline(b"").is_empty());
}

#[test]
fn exe_and_cwd() {
    let exe = read_exe(&fixture_root(), 4242).unwrap();
    assert_eq!(exe.path, "/usr/sbin/nginx");
    assert!(!exe.deleted);
    // The fixture's exe link does not reach a real inode: cannot tell.
    assert_eq!(exe.replaced, None);
    let deleted = read_exe(&fixture_root(), 6666).unwrap();
    assert_eq!(
        (deleted.path.as_str(), deleted.deleted),
        ("/bin/busybox", true)
    );
    assert_eq!(
        read_cwd(&fixture_root(), 4242).unwrap(),
        "/usr/share/nginx/html"
    );
    assert_eq!(read_cwd(&fixture_root(), 6666).unwrap(), "/tmp/\x1b[2J");
    assert!(read_exe(&fixture_root(), 8888).is_err());
}

#[test]
fn names_come_from_the_containers_own_files() {
    let (u, g) = lookup_ids(&fixture_root(), 4242, 101, 101);
    assert_eq!(u.name.as_deref(), Some("nginx"));
    assert_eq!(g.name.as_deref(), Some("nginx"));
    let (u, _) = lookup_ids(&fixture_root(), 4242, 4000, 0);
    assert_eq!(u.name_or_unknown(), "unknown");
}

#[test]
fn symlinks_in_the_container_cannot_reach_host_accounts() {
    // 8888's /etc/passwd and /etc/group point "out" of its root; the host's
    // files would name uid 0 "root". Inside the root they loop back: unknown.
    let (u, g) = lookup_ids(&fixture_root(), 8888, 0, 0);
    assert_eq!((u.name, g.name), (None, None));
}

#[test]
fn passwd_and_group_parsing() {
    let passwd = "# comment\nroot:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
    assert_eq!(lookup_name(passwd, 1000).as_deref(), Some("app"));
    assert_eq!(lookup_name(passwd, 0).as_deref(), Some("root"));
    assert_eq!(lookup_name(passwd, 5), None);
    assert_eq!(
        lookup_name("wheel:x:10:alice,bob\n", 10).as_deref(),
        Some("wheel")
    );
    assert_eq!(lookup_name(":x:7:\nbroken\n", 7), None);
}

#[test]
fn parent_chain_marks_the_container_init() {
    let chain = parent_chain(&fixture_root(), 4243);
    let pids: Vec<u32> = chain.iter().map(|p| p.pid).collect();
    assert_eq!(pids, [4243, 4242, 4100, 1]);
    let inits: Vec<bool> = chain.iter().map(|p| p.pidns_init).collect();
    assert_eq!(inits, [false, true, false, false]);
    assert_eq!(chain[1].name, "nginx");
    assert_eq!(chain[2].pid_ns, Some(4026531836));
    // A chain starting at a host process has no boundary.
    assert!(
        parent_chain(&fixture_root(), 4100)
            .iter()
            .all(|p| !p.pidns_init)
    );
    // Unknown parents end the chain quietly.
    assert_eq!(parent_chain(&fixture_root(), 424242), vec![]);
}

#[test]
fn state_text_uses_the_word() {
    let st = Status {
        state: 'D',
        ..Status::default()
    };
    assert_eq!(state_text(&st), "D (disk sleep)");
}

#[test]
fn boundaries_tell_init_runtime_exec_and_entered_apart() {
    use super::{Boundary, boundary};
    assert_eq!(boundary(Some(1), "containerd-shim"), Boundary::Init);
    assert_eq!(boundary(None, "bash"), Boundary::Init, "vpid unknown");
    assert_eq!(
        boundary(Some(7), "containerd-shim"),
        Boundary::RuntimeExec,
        "ExecSync / runc exec: the shim is the parent"
    );
    assert_eq!(boundary(Some(7), "runc:[2:INIT]"), Boundary::RuntimeExec);
    assert_eq!(boundary(Some(7), "nsenter"), Boundary::EnteredFromHost);
    assert_eq!(boundary(Some(7), "bash"), Boundary::EnteredFromHost);
}
