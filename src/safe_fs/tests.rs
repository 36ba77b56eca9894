//! Unit tests of the safe file rules on a temp directory.

use std::ffi::CString;
use std::io::Write;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;

use super::*;

fn mkfifo(p: &Path) {
    let c = CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().mode() & 0o7777
}

#[test]
fn new_outputs_are_0600() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("out");
    create_output("-o", &p, Existing::Refuse)
        .unwrap()
        .write_all(b"x")
        .unwrap();
    assert_eq!(mode(&p), 0o600);
    let q = d.path().join("alerts");
    open_append("--alerts-file", &q).unwrap();
    assert_eq!(mode(&q), 0o600);
}

#[test]
fn symlinked_outputs_are_refused_and_targets_untouched() {
    let d = tempfile::tempdir().unwrap();
    let target = d.path().join("target");
    std::fs::write(&target, "precious").unwrap();
    let link = d.path().join("link");
    symlink(&target, &link).unwrap();
    for ex in [Existing::Refuse, Existing::Truncate] {
        let e = create_output("-o", &link, ex).unwrap_err();
        assert!(matches!(e, FileError::Symlink { .. }), "{e}");
    }
    let e = open_append("--alerts-file", &link).unwrap_err();
    assert!(e.to_string().contains("--alerts-file"), "{e}");
    assert!(matches!(e, FileError::Symlink { .. }), "{e}");
    // A dangling link is not created through either.
    let dangling = d.path().join("dangling");
    symlink(d.path().join("new"), &dangling).unwrap();
    assert!(create_output("-o", &dangling, Existing::Truncate).is_err());
    assert!(open_append("--alerts-file", &dangling).is_err());
    assert!(!d.path().join("new").exists());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
}

#[test]
fn existing_outputs_are_kept_unless_truncation_is_asked() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("out");
    std::fs::write(&p, "old").unwrap();
    let e = create_output("-o", &p, Existing::Refuse).unwrap_err();
    assert!(matches!(e, FileError::Exists { .. }), "{e}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
    create_output("-o", &p, Existing::Truncate)
        .unwrap()
        .write_all(b"new")
        .unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
    // Appending keeps what is there.
    open_append("--alerts-file", &p)
        .unwrap()
        .write_all(b"+")
        .unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "new+");
}

#[test]
fn hard_linked_and_special_outputs_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("out");
    std::fs::write(&p, "old").unwrap();
    std::fs::hard_link(&p, d.path().join("other")).unwrap();
    let e = create_output("-o", &p, Existing::Truncate).unwrap_err();
    assert!(matches!(e, FileError::HardLinks { links: 2, .. }), "{e}");
    assert!(open_append("--alerts-file", &p).is_err());
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
    let fifo = d.path().join("fifo");
    mkfifo(&fifo);
    let e = open_append("--alerts-file", &fifo).unwrap_err();
    assert!(
        matches!(e, FileError::NotRegular { kind: "FIFO", .. }),
        "{e}"
    );
    let e = create_output("-o", Path::new("/dev/null"), Existing::Truncate).unwrap_err();
    assert!(matches!(e, FileError::NotRegular { .. }), "{e}");
    let e = create_output("-o", d.path(), Existing::Truncate).unwrap_err();
    assert!(
        matches!(
            e,
            FileError::NotRegular {
                kind: "directory",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn inputs_must_be_regular_files_under_the_cap() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("fifo");
    mkfifo(&fifo);
    // Returns at once (no writer would block a plain open forever).
    let e = read_input("--rules", &fifo, 10).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "--rules {}: is a FIFO, not a regular file; refusing it",
            fifo.display()
        )
    );
    let e = read_input("--pod-manifest", Path::new("/dev/zero"), 10).unwrap_err();
    assert!(
        matches!(
            e,
            FileError::NotRegular {
                kind: "character device",
                ..
            }
        ),
        "{e}"
    );
    let e = read_input("--theme", d.path(), 10).unwrap_err();
    assert!(
        matches!(
            e,
            FileError::NotRegular {
                kind: "directory",
                ..
            }
        ),
        "{e}"
    );
    let link = d.path().join("fifo-link");
    symlink(&fifo, &link).unwrap();
    assert!(open_input("--falco-file", &link).is_err());

    let big = d.path().join("big");
    std::fs::write(&big, [b'a'; 11]).unwrap();
    let e = read_input("--rules", &big, 10).unwrap_err();
    assert!(matches!(e, FileError::TooLarge { cap: 10, .. }), "{e}");
    assert_eq!(read_input("--rules", &big, 11).unwrap().len(), 11);
    // A symlink to a regular file is a fine input.
    let ok = d.path().join("ok-link");
    symlink(&big, &ok).unwrap();
    assert_eq!(read_input("--rules", &ok, 100).unwrap().len(), 11);
    let e = read_input("--rules", &d.path().join("missing"), 10).unwrap_err();
    assert!(e.is_not_found(), "{e}");
}

#[test]
fn size_less_pseudo_files_are_capped_while_reading() {
    // procfs files report size 0; the cap must hold anyway.
    let e = read_input("--rules", Path::new("/proc/self/maps"), 16).unwrap_err();
    assert!(matches!(e, FileError::TooLarge { .. }), "{e}");
}

#[test]
fn pseudo_filesystems_are_named() {
    let f = std::fs::File::open("/proc/self/status").unwrap();
    assert_eq!(pseudo_fs(f.as_fd()).unwrap(), Some("proc"));
    let f = std::fs::File::open("/sys/kernel").unwrap();
    assert_eq!(pseudo_fs(f.as_fd()).unwrap(), Some("sysfs"));
    let d = tempfile::tempdir().unwrap();
    let f = std::fs::File::open(d.path()).unwrap();
    assert_eq!(pseudo_fs(f.as_fd()).unwrap(), None);
}

#[test]
fn private_dirs_are_0700_and_refuse_symlinks() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("a/b");
    create_private_dir("--lab", &p).unwrap();
    assert_eq!(mode(&p), 0o700);
    assert_eq!(mode(&d.path().join("a")), 0o700);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    create_private_dir("--lab", &p).unwrap();
    assert_eq!(mode(&p), 0o700, "narrowed");
    let link = d.path().join("link");
    symlink(&p, &link).unwrap();
    let e = create_private_dir("--lab", &link).unwrap_err();
    assert!(matches!(e, FileError::Symlink { .. }), "{e}");
    let file = d.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    assert!(create_private_dir("--lab", &file).is_err());
}
