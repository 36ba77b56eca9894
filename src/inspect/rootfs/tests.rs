//! Tests for in-root browsing: symlinks stay inside, special files are refused, views are exact.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::*;

const SAMPLE: &[u8] = b"hello\n\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09 world! ABCDEFG";

/// A fake container root; the `TempDir` must outlive the `RootFs`.
fn fixture() -> (tempfile::TempDir, RootFs) {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = dir.path();
    for d in ["etc", "app/sub"] {
        std::fs::create_dir_all(r.join(d)).expect("mkdir");
    }
    std::fs::write(r.join("etc/shadow"), "container-shadow").expect("write");
    symlink("/etc/shadow", r.join("app/shadow-link")).expect("symlink");
    symlink("../../../../etc/shadow", r.join("app/up")).expect("symlink");
    symlink("/etc", r.join("app/dir-link")).expect("symlink");
    symlink("/nowhere", r.join("app/dangling")).expect("symlink");
    std::fs::write(r.join("app/sample.bin"), SAMPLE).expect("write");
    std::fs::write(r.join("app/large"), vec![b'x'; DEFAULT_PREVIEW_CAP + 4096]).expect("write");
    let fifo = sys::cstring(r.join("app/fifo").as_os_str().as_bytes()).expect("cstr");
    // SAFETY: `fifo` is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");
    let fs = RootFs::open(r).expect("open root");
    (dir, fs)
}

#[test]
fn absolute_and_dotdot_links_stay_inside_the_root() {
    let (_d, fs) = fixture();
    for p in [
        "/app/shadow-link",
        "/app/up",
        "app/shadow-link",
        "/app/dir-link/shadow",
    ] {
        let v = fs.read(p, DEFAULT_PREVIEW_CAP).expect(p);
        assert_eq!(
            v.data, b"container-shadow",
            "{p} must show the container's file"
        );
        assert_eq!(v.resolved, "/etc/shadow", "{p}");
        assert!(!v.truncated);
        assert_eq!(fs.resolve(p).expect(p), "/etc/shadow");
    }
    assert_eq!(fs.resolve("/../../..").expect("dotdot"), "/");
    assert_eq!(fs.resolve("/app/dir-link/../app").expect("dotdot"), "/app");
    assert_eq!(fs.resolve("/").expect("root"), "/");
}

#[test]
fn lists_dirs_first_with_link_details() {
    let (_d, fs) = fixture();
    let ents = fs.list("/app").expect("list");
    let names: Vec<&str> = ents.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "sub",
            "dangling",
            "dir-link",
            "fifo",
            "large",
            "sample.bin",
            "shadow-link",
            "up"
        ]
    );
    let link = ents.iter().find(|e| e.name == "shadow-link").expect("link");
    assert_eq!(link.kind, FileKind::Symlink);
    assert_eq!(link.link_target.as_deref(), Some("/etc/shadow"));
    assert_eq!(link.link_resolved.as_deref(), Some("/etc/shadow"));
    assert!(link.mode.starts_with('l'));
    let up = ents.iter().find(|e| e.name == "up").expect("up");
    assert_eq!(up.link_resolved.as_deref(), Some("/etc/shadow"));
    let dangling = ents
        .iter()
        .find(|e| e.name == "dangling")
        .expect("dangling");
    assert_eq!(dangling.link_resolved, None);
    let fifo = ents.iter().find(|e| e.name == "fifo").expect("fifo");
    assert_eq!(
        (fifo.kind, fifo.mode.as_str()),
        (FileKind::Fifo, "prw-r--r--")
    );
    let sample = ents
        .iter()
        .find(|e| e.name == "sample.bin")
        .expect("sample");
    assert_eq!(
        (sample.kind, sample.size),
        (FileKind::File, SAMPLE.len() as u64)
    );

    let through = fs.list("/app/dir-link").expect("list through link");
    assert_eq!(through.len(), 1);
    assert_eq!((through[0].name.as_str(), through[0].size), ("shadow", 16));

    let st = fs.stat("/app/dir-link").expect("lstat");
    assert_eq!(
        st.kind,
        FileKind::Symlink,
        "stat does not follow the final link"
    );
    assert_eq!(st.link_resolved.as_deref(), Some("/etc"));
    assert_eq!(fs.stat("/").expect("root").kind, FileKind::Dir);
}

#[test]
fn refuses_special_files_without_blocking() {
    let (_d, fs) = fixture();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(fs.read("/app/fifo", 16).map(|_| ()));
    });
    let res = rx
        .recv_timeout(Duration::from_secs(5))
        .expect("reading a fifo must not block");
    assert!(
        matches!(
            res,
            Err(RootFsError::NotRegularFile {
                kind: FileKind::Fifo,
                ..
            })
        ),
        "{res:?}"
    );

    let host = RootFs::open(Path::new("/")).expect("open /");
    let dev = host.read("/dev/null", 16);
    assert!(
        matches!(
            dev,
            Err(RootFsError::NotRegularFile {
                kind: FileKind::Char,
                ..
            })
        ),
        "{dev:?}"
    );
}

#[test]
fn typed_errors() {
    let (_d, fs) = fixture();
    assert!(matches!(
        fs.read("/nope", 1),
        Err(RootFsError::NotFound { .. })
    ));
    assert!(matches!(
        fs.read("/app/dangling", 1),
        Err(RootFsError::NotFound { .. })
    ));
    assert!(matches!(
        fs.list("/etc/shadow"),
        Err(RootFsError::NotADirectory { .. })
    ));
    assert!(matches!(
        fs.read("/etc", 1),
        Err(RootFsError::NotRegularFile {
            kind: FileKind::Dir,
            ..
        })
    ));
    let gone = RootFs::open(Path::new("/proc/999999999/root"));
    assert!(
        matches!(gone, Err(RootFsError::Exited { pid: 999_999_999 })),
        "{gone:?}"
    );
    // /proc/self/root is a magic link: refused even when the root is the host's `/`.
    let host = RootFs::open(Path::new("/")).expect("open /");
    let magic = host.read("/proc/self/root/etc/hostname", 16);
    assert!(matches!(magic, Err(RootFsError::Loop { .. })), "{magic:?}");
    let exdev = map_err(std::io::Error::from_raw_os_error(libc::EXDEV), "/x");
    assert_eq!(exdev.to_string(), "/x: path leaves the root");
    assert!(matches!(
        map_err(std::io::Error::from_raw_os_error(libc::ENOSYS), "/x"),
        RootFsError::Unsupported
    ));
}

#[test]
fn cap_and_truncation() {
    let (_d, fs) = fixture();
    let v = fs.read("/app/large", DEFAULT_PREVIEW_CAP).expect("read");
    assert_eq!(v.data.len(), DEFAULT_PREVIEW_CAP);
    assert_eq!(v.size, (DEFAULT_PREVIEW_CAP + 4096) as u64);
    assert!(v.truncated && !v.is_binary());
    let v = fs.read("/app/sample.bin", 5).expect("read");
    assert_eq!((v.data.as_slice(), v.truncated), (&b"hello"[..], true));
    let v = fs.read("/app/sample.bin", SAMPLE.len()).expect("read");
    assert!(!v.truncated);
    assert!(v.is_binary());
}

#[test]
fn strings_and_hex_dump_match_the_tools() {
    let (_d, fs) = fixture();
    let v = fs
        .read("/app/sample.bin", DEFAULT_PREVIEW_CAP)
        .expect("read");
    // `strings -t x -n 4` prints "0 hello" and "f \t world! ABCDEFG".
    assert_eq!(
        v.strings(DEFAULT_STRINGS_MIN),
        [
            (0, "hello".to_string()),
            (0xf, "\t world! ABCDEFG".to_string())
        ]
    );
    assert_eq!(v.strings(6), [(0xf, "\t world! ABCDEFG".to_string())]);
    // `hexdump -C` output, line for line.
    assert_eq!(
        v.hex_dump(10),
        [
            "00000000  68 65 6c 6c 6f 0a 00 01  02 03 04 05 06 07 08 09  |hello...........|",
            "00000010  20 77 6f 72 6c 64 21 20  41 42 43 44 45 46 47     | world! ABCDEFG|",
        ]
    );
    assert_eq!(v.hex_dump(1).len(), 1);
}

#[test]
fn binary_heuristic() {
    let view = |data: &[u8], truncated| FileView {
        path: String::new(),
        resolved: String::new(),
        data: data.to_vec(),
        size: data.len() as u64,
        truncated,
    };
    assert!(!view(b"plain text\n\ttabbed\n", false).is_binary());
    assert!(!view("héllo wörld".as_bytes(), false).is_binary());
    assert!(
        !view(&"é".as_bytes()[..1], true).is_binary(),
        "char cut by the cap"
    );
    assert!(view(b"ELF\x00\x01", false).is_binary());
    assert!(view(&[0xff, 0xfe, b'a', 0x80, 0x81], false).is_binary());
    assert!(!view(b"", false).is_binary());
}

#[test]
fn mode_strings_and_prefixes() {
    assert_eq!(mode_string(libc::S_IFREG | 0o4755), "-rwsr-xr-x");
    assert_eq!(mode_string(libc::S_IFDIR | 0o1777), "drwxrwxrwt");
    assert_eq!(mode_string(libc::S_IFREG | 0o2644), "-rw-r-Sr--");
    assert_eq!(mode_string(libc::S_IFLNK | 0o777), "lrwxrwxrwx");
    assert_eq!(
        strip_root("/", "/etc/shadow").as_deref(),
        Some("/etc/shadow")
    );
    assert_eq!(strip_root("/tmp/x", "/tmp/x").as_deref(), Some("/"));
    assert_eq!(strip_root("/tmp/x", "/tmp/x/etc").as_deref(), Some("/etc"));
    assert_eq!(strip_root("/tmp/x", "/tmp/xy/etc"), None);
    assert_eq!(strip_root("/tmp/x", "/etc/shadow"), None);
}

#[test]
fn real_process_root() {
    let fs = RootFs::open(Path::new("/proc/self/root")).expect("open /proc/self/root");
    let ents = fs.list("/").expect("list /");
    let etc = ents
        .iter()
        .find(|e| e.name == "etc")
        .expect("/ contains etc");
    assert_eq!(etc.kind, FileKind::Dir);
    let pid = std::process::id();
    let fs =
        RootFs::open(&Path::new("/proc").join(pid.to_string()).join("root")).expect("pid root");
    assert_eq!(fs.resolve("/etc").expect("resolve"), "/etc");
}

#[test]
fn pseudo_filesystem_files_are_listed_but_never_read() {
    // The host's own root stands in for a root that mounts procfs and sysfs.
    let root = RootFs::open(Path::new("/")).expect("open /");
    for (path, fs) in [
        ("/proc/self/environ", "proc"),
        ("/proc/kmsg", "proc"),
        ("/sys/kernel/uevent_seqnum", "sysfs"),
    ] {
        match root.read(path, 4096) {
            Err(RootFsError::PseudoFs { fs: got, .. }) => assert_eq!(got, fs, "{path}"),
            other => panic!("{path}: {other:?}"),
        }
    }
    let e = root.read("/proc/self/environ", 16).expect_err("refused");
    assert_eq!(
        e.to_string(),
        "/proc/self/environ: on a pseudo-filesystem (proc), not read"
    );
    // Listing names is fine.
    let names: Vec<_> = root
        .list("/proc/self")
        .expect("list")
        .into_iter()
        .map(|e| e.os_name)
        .collect();
    assert!(names.iter().any(|n| n == "environ"), "{names:?}");
}
