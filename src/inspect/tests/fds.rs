//! Unit tests of `inspect::fds` on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::inspect::fixture_root;

fn fd(list: &[Fd], n: u32) -> &Fd {
    list.iter().find(|f| f.fd == n).unwrap()
}

#[test]
fn classifies_every_kind() {
    let l = list_fds(&fixture_root(), 4242).unwrap();
    assert_eq!(l.len(), 15);
    assert!(l.windows(2).all(|w| w[0].fd < w[1].fd));
    assert_eq!(fd(&l, 0).kind, FdKind::CharDevice);
    assert_eq!(fd(&l, 0).target, "/dev/null");
    assert_eq!(fd(&l, 1).kind, FdKind::Pipe);
    assert_eq!(fd(&l, 3).kind, FdKind::Socket(31001));
    assert_eq!(fd(&l, 6).kind, FdKind::AnonInode("eventpoll".into()));
    assert_eq!(fd(&l, 7).kind, FdKind::AnonInode("eventfd".into()));
    assert_eq!(fd(&l, 8).kind, FdKind::Memfd("nginx-cache".into()));
    assert_eq!(fd(&l, 9).kind, FdKind::File);
    assert_eq!(fd(&l, 12).kind, FdKind::Dir);
    assert_eq!(fd(&l, 13).kind, FdKind::AnonInode("inotify".into()));
    assert_eq!(fd(&l, 13).kind.name(), "anon_inode");
    assert!(
        fd(&l, 3).socket.is_none(),
        "resolution is the inspector's job"
    );
}

#[test]
fn flags_and_pos_from_fdinfo() {
    let l = list_fds(&fixture_root(), 4242).unwrap();
    let log = fd(&l, 9);
    assert_eq!(log.flags, Some(0o2002001));
    assert_eq!(log.pos, Some(1234));
    assert_eq!(log.flag_names(), ["O_WRONLY", "O_APPEND", "O_CLOEXEC"]);
    assert_eq!(
        fd(&l, 3).flag_names(),
        ["O_RDWR", "O_NONBLOCK", "O_CLOEXEC"]
    );
    assert_eq!(fd(&l, 1).flag_names(), ["O_RDWR"]);
}

#[test]
fn hostile_targets_are_kept_raw() {
    let l = list_fds(&fixture_root(), 6666).unwrap();
    assert_eq!(l[0].target, "/tmp/\x1b[31mred\nfile");
    assert_eq!(l[0].flag_names(), ["O_RDONLY", "O_CREAT"]);
    assert!(list_fds(&fixture_root(), 8888).is_err());
}

#[test]
fn flag_decoding() {
    assert_eq!(decode_flags(0), ["O_RDONLY"]);
    let sync = decode_flags(libc::O_SYNC as u32 | 1);
    assert_eq!(sync, ["O_WRONLY", "O_SYNC"]);
    assert_eq!(decode_flags(libc::O_DSYNC as u32), ["O_RDONLY", "O_DSYNC"]);
    assert_eq!(decode_flags(0o2 | 0o100000000), ["O_RDWR", "O_UNKNOWN"]);
    assert_eq!(
        decode_flags((libc::O_TMPFILE | libc::O_RDWR) as u32),
        ["O_RDWR", "O_DIRECTORY", "O_TMPFILE"]
    );
    assert!(decode_flags(KERNEL_O_LARGEFILE as u32).contains(&"O_LARGEFILE"));
}

#[test]
fn fdinfo_and_classify_edges() {
    assert_eq!(
        parse_fdinfo("pos:\t7\nflags:\t0100002\n"),
        (Some(0o100002), Some(7))
    );
    assert_eq!(parse_fdinfo("junk"), (None, None));
    assert_eq!(classify("net:[4026531840]", None), FdKind::Other);
    assert_eq!(classify("/dev/pts/0", None), FdKind::CharDevice);
    assert_eq!(classify("socket:[x]", None), FdKind::Socket(0));
}
