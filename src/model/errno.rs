//! Names of common Linux errno values (`ENOENT` for 2), for the stream pane's `ret` column and the rule engine's `evt.res`.

/// `(errno, name)` for the errors a triage session usually meets (x86_64 Linux values).
const ERRNOS: &[(i64, &str)] = &[
    (1, "EPERM"),
    (2, "ENOENT"),
    (3, "ESRCH"),
    (4, "EINTR"),
    (5, "EIO"),
    (6, "ENXIO"),
    (7, "E2BIG"),
    (8, "ENOEXEC"),
    (9, "EBADF"),
    (10, "ECHILD"),
    (11, "EAGAIN"),
    (12, "ENOMEM"),
    (13, "EACCES"),
    (14, "EFAULT"),
    (16, "EBUSY"),
    (17, "EEXIST"),
    (18, "EXDEV"),
    (19, "ENODEV"),
    (20, "ENOTDIR"),
    (21, "EISDIR"),
    (22, "EINVAL"),
    (23, "ENFILE"),
    (24, "EMFILE"),
    (25, "ENOTTY"),
    (26, "ETXTBSY"),
    (27, "EFBIG"),
    (28, "ENOSPC"),
    (29, "ESPIPE"),
    (30, "EROFS"),
    (31, "EMLINK"),
    (32, "EPIPE"),
    (34, "ERANGE"),
    (35, "EDEADLK"),
    (36, "ENAMETOOLONG"),
    (38, "ENOSYS"),
    (39, "ENOTEMPTY"),
    (40, "ELOOP"),
    (61, "ENODATA"),
    (75, "EOVERFLOW"),
    (88, "ENOTSOCK"),
    (89, "EDESTADDRREQ"),
    (90, "EMSGSIZE"),
    (91, "EPROTOTYPE"),
    (92, "ENOPROTOOPT"),
    (93, "EPROTONOSUPPORT"),
    (95, "EOPNOTSUPP"),
    (97, "EAFNOSUPPORT"),
    (98, "EADDRINUSE"),
    (99, "EADDRNOTAVAIL"),
    (100, "ENETDOWN"),
    (101, "ENETUNREACH"),
    (103, "ECONNABORTED"),
    (104, "ECONNRESET"),
    (105, "ENOBUFS"),
    (106, "EISCONN"),
    (107, "ENOTCONN"),
    (110, "ETIMEDOUT"),
    (111, "ECONNREFUSED"),
    (113, "EHOSTUNREACH"),
    (114, "EALREADY"),
    (115, "EINPROGRESS"),
    (122, "EDQUOT"),
    (125, "ECANCELED"),
];

/// The symbolic name of errno `e` (positive), if it is a common one.
pub fn name(e: i64) -> Option<&'static str> {
    ERRNOS
        .binary_search_by_key(&e, |(n, _)| *n)
        .ok()
        .map(|i| ERRNOS[i].1)
}

/// A syscall return value as shown: `3`, `-2 ENOENT`, or `-512` for unknown errors.
pub fn ret_text(ret: i64) -> String {
    match ret.checked_neg().and_then(name) {
        Some(n) if ret < 0 => format!("{ret} {n}"),
        _ => ret.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_text() {
        assert!(ERRNOS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ret_text(-2), "-2 ENOENT");
        assert_eq!(ret_text(-13), "-13 EACCES");
        assert_eq!(ret_text(-111), "-111 ECONNREFUSED");
        assert_eq!(ret_text(-512), "-512");
        assert_eq!(ret_text(3), "3");
        assert_eq!(ret_text(i64::MIN), i64::MIN.to_string());
    }
}
