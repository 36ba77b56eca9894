//! Unit tests of `inspect::sockets` on the fixture tree `tests/fixtures/proc`.
use super::*;
use crate::inspect::fixture_root;

#[test]
fn decodes_addresses() {
    assert_eq!(
        decode_endpoint("0100007F:1F90").as_deref(),
        Some("127.0.0.1:8080")
    );
    assert_eq!(
        decode_endpoint("0501000A:0050").as_deref(),
        Some("10.0.1.5:80")
    );
    assert_eq!(
        decode_endpoint("00000000000000000000000001000000:01BB").as_deref(),
        Some("[::1]:443")
    );
    assert_eq!(
        decode_endpoint("0000000000000000FFFF00000100007F:1F90").as_deref(),
        Some("[::ffff:127.0.0.1]:8080")
    );
    assert_eq!(
        decode_ipv6("B80D01200000000000000000010000000").map(|a| a.to_string()),
        None
    );
    assert_eq!(
        decode_ipv6("B80D0120000000000000000001000000")
            .unwrap()
            .to_string(),
        "2001:db8::1"
    );
    assert_eq!(decode_endpoint("zz:1"), None);
    assert_eq!(tcp_state_name(10), "LISTEN");
    assert_eq!(tcp_state_name(1), "ESTABLISHED");
    assert_eq!(tcp_state_name(6), "TIME_WAIT");
    assert_eq!(tcp_state_name(99), "UNKNOWN");
}

#[test]
fn reads_the_processes_own_tables() {
    let t = read_tables(&fixture_root(), 4242).unwrap();
    let listen = t.get(31001).unwrap();
    assert_eq!(listen.proto, "tcp");
    assert_eq!(listen.local.as_deref(), Some("0.0.0.0:80"));
    assert_eq!(listen.remote.as_deref(), Some("0.0.0.0:0"));
    assert_eq!(listen.state, "LISTEN");
    let est = t.get(31002).unwrap();
    assert_eq!(
        (
            est.local.as_deref(),
            est.remote.as_deref(),
            est.state.as_str()
        ),
        (Some("10.0.1.5:80"), Some("10.0.0.1:50000"), "ESTABLISHED")
    );
    let v6 = t.get(31003).unwrap();
    assert_eq!(
        (v6.proto.as_str(), v6.local.as_deref()),
        ("tcp6", Some("[::]:80"))
    );
    let udp = t.get(31004).unwrap();
    assert_eq!(
        (udp.local.as_deref(), udp.state.as_str()),
        (Some("0.0.0.0:5353"), "UNCONN")
    );
    assert!(t.get(99999).is_none());
}

#[test]
fn unix_sockets() {
    let t = read_tables(&fixture_root(), 4242).unwrap();
    let l = t.get(31010).unwrap();
    assert_eq!(
        (
            l.proto.as_str(),
            l.state.as_str(),
            l.path.as_deref(),
            l.sock_type.as_deref()
        ),
        (
            "unix",
            "LISTEN",
            Some("/var/run/nginx.sock"),
            Some("stream")
        )
    );
    let c = t.get(31011).unwrap();
    assert_eq!((c.state.as_str(), c.path.as_deref()), ("CONNECTED", None));
    let a = t.get(31012).unwrap();
    assert_eq!(
        (a.path.as_deref(), a.sock_type.as_deref()),
        (Some("@abstract name"), Some("dgram"))
    );
    assert!(l.local.is_none());
}

#[test]
fn no_tables_is_an_error() {
    assert!(read_tables(&fixture_root(), 8888).is_err());
    assert!(parse_inet("header only\n", "tcp").is_empty());
    assert!(parse_unix("Num RefCount\nbad line\n").is_empty());
}
