//! Directory entries: file kind, `ls -l` style mode string and metadata from `stat`.

use std::ffi::OsString;
use std::fmt;

/// What a directory entry is (from `st_mode`, never following a final symlink).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link.
    Symlink,
    /// Character device.
    Char,
    /// Block device.
    Block,
    /// Named pipe.
    Fifo,
    /// Unix socket.
    Socket,
    /// Anything else `st_mode` can say.
    Unknown,
}

impl FileKind {
    /// The kind from a `st_mode`.
    pub fn from_mode(mode: u32) -> Self {
        match mode & libc::S_IFMT {
            libc::S_IFREG => FileKind::File,
            libc::S_IFDIR => FileKind::Dir,
            libc::S_IFLNK => FileKind::Symlink,
            libc::S_IFCHR => FileKind::Char,
            libc::S_IFBLK => FileKind::Block,
            libc::S_IFIFO => FileKind::Fifo,
            libc::S_IFSOCK => FileKind::Socket,
            _ => FileKind::Unknown,
        }
    }

    /// The `ls -l` type character (`-`, `d`, `l`, `c`, `b`, `p`, `s`, `?`).
    pub fn type_char(self) -> char {
        match self {
            FileKind::File => '-',
            FileKind::Dir => 'd',
            FileKind::Symlink => 'l',
            FileKind::Char => 'c',
            FileKind::Block => 'b',
            FileKind::Fifo => 'p',
            FileKind::Socket => 's',
            FileKind::Unknown => '?',
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::File => "regular file",
            FileKind::Dir => "directory",
            FileKind::Symlink => "symlink",
            FileKind::Char => "character device",
            FileKind::Block => "block device",
            FileKind::Fifo => "fifo",
            FileKind::Socket => "socket",
            FileKind::Unknown => "unknown file type",
        })
    }
}

/// One entry of a directory inside the root (`lstat` semantics).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DirEntry {
    /// File name for display (lossy UTF-8).
    pub name: String,
    /// Exact file name, for building the path of a child to open.
    #[serde(skip)]
    pub os_name: OsString,
    /// Entry kind (a symlink is a symlink, whatever it points at).
    pub kind: FileKind,
    /// `st_size` (for a symlink: the length of its text).
    pub size: u64,
    /// `ls -l` mode string, e.g. `-rwxr-xr-x`, `drwxrwxrwt`, `-rwsr-xr-x`.
    pub mode: String,
    /// Raw `st_mode`.
    pub st_mode: u32,
    /// Owner uid (as stored on disk: host ids for user-namespaced containers).
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Modification time, seconds since the Unix epoch.
    pub mtime: i64,
    /// For symlinks: the raw link text.
    pub link_target: Option<String>,
    /// For symlinks: the in-root path it resolves to; `None` if dangling,
    /// looping or unresolvable.
    pub link_resolved: Option<String>,
}

impl DirEntry {
    /// An entry from a `stat`; link fields are filled in by the caller.
    pub(super) fn from_stat(os_name: OsString, st: &libc::stat) -> Self {
        let kind = FileKind::from_mode(st.st_mode);
        DirEntry {
            name: os_name.to_string_lossy().into_owned(),
            os_name,
            kind,
            size: st.st_size.max(0) as u64,
            mode: mode_string(st.st_mode),
            st_mode: st.st_mode,
            uid: st.st_uid,
            gid: st.st_gid,
            mtime: st.st_mtime,
            link_target: None,
            link_resolved: None,
        }
    }
}

/// `ls -l` mode string: type character plus `rwx` triplets with setuid/setgid
/// (`s`/`S`) and sticky (`t`/`T`) bits.
pub fn mode_string(mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(FileKind::from_mode(mode).type_char());
    let special = [
        (libc::S_ISUID, 's'),
        (libc::S_ISGID, 's'),
        (libc::S_ISVTX, 't'),
    ];
    for (i, (bit, ch)) in special.into_iter().enumerate() {
        let shift = 6 - 3 * i;
        let rwx = (mode >> shift) & 0o7;
        s.push(if rwx & 4 != 0 { 'r' } else { '-' });
        s.push(if rwx & 2 != 0 { 'w' } else { '-' });
        s.push(match (rwx & 1 != 0, mode & bit != 0) {
            (true, true) => ch,
            (false, true) => ch.to_ascii_uppercase(),
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    s
}
