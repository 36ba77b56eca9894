//! The Falco HTTP intake under hostile loopback clients: 1,000 stalled connections, stalled bodies, trickled headers, idle keep-alive and the connection cap.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use ktriage::alerts::intake::IntakeFeed;
use ktriage::alerts::intake::IntakeSink;
use ktriage::alerts::intake::http::HttpIntake;
use ktriage::alerts::intake::http_conn::HttpLimits;
use tokio::sync::mpsc;

const ALERT: &str = r#"{"output":"10:12:31.516397588: Warning hardening probe (user=root)","priority":"Warning","rule":"Hardening probe","time":"2024-01-12T10:12:31.516397588Z","output_fields":{"proc.pid":4242}}"#;

/// Raises the soft open-files limit so the test's own client sockets fit.
fn raise_nofile(want: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit on one rlimit struct we own.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        if lim.rlim_cur < want {
            lim.rlim_cur = want.min(lim.rlim_max);
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
        }
    }
    assert!(
        lim.rlim_cur >= want,
        "RLIMIT_NOFILE hard limit {} < {want}",
        lim.rlim_max
    );
}

async fn start(limits: HttpLimits) -> (SocketAddr, mpsc::Receiver<IntakeFeed>) {
    let (tx, rx) = mpsc::channel(1024);
    let http = HttpIntake::bind("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind")
        .with_limits(limits);
    let addr = http.local_addr();
    tokio::spawn(http.serve(IntakeSink::new("http", tx)));
    (addr, rx)
}

fn post(body: &str) -> String {
    format!(
        "POST /falco HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Sends a valid POST on a fresh connection; returns the status line.
fn valid_post(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(post(ALERT).as_bytes()).expect("send");
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.lines().next().unwrap_or_default().to_string()
}

/// Waits (bounded) for the alert to reach the core.
async fn alert_arrives(rx: &mut mpsc::Receiver<IntakeFeed>, within: Duration) -> bool {
    let end = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(end, rx.recv()).await {
            Ok(Some(IntakeFeed::Alerts(a))) if a.iter().any(|a| a.rule == "Hardening probe") => {
                return true;
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return false,
        }
    }
}

/// Reads until the server closes; how long that took (None: still open at `max`).
fn closed_within(s: &mut TcpStream, max: Duration) -> Option<Duration> {
    let t0 = Instant::now();
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let mut buf = [0u8; 1024];
    while t0.elapsed() < max {
        match s.read(&mut buf) {
            Ok(0) => return Some(t0.elapsed()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return Some(t0.elapsed()),
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_stalled_connections_do_not_delay_a_valid_post() {
    raise_nofile(4096);
    let (addr, mut rx) = start(HttpLimits::default()).await;
    let held = tokio::task::spawn_blocking(move || {
        let mut held = Vec::new();
        for i in 0..1000 {
            let mut s = TcpStream::connect(addr).expect("connect");
            // A third silent, a third stalled in the headers, a third stalled in the body.
            let _ = match i % 3 {
                0 => Ok(()),
                1 => s.write_all(b"POST /falco HTTP/1.1\r\nHost: x\r\nContent-Le"),
                _ => s.write_all(
                    b"POST /falco HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"output\":\"",
                ),
            };
            held.push(s);
        }
        held
    })
    .await
    .expect("clients");
    assert_eq!(held.len(), 1000);
    let t0 = Instant::now();
    let status = tokio::task::spawn_blocking(move || valid_post(addr))
        .await
        .expect("post");
    let answered = t0.elapsed();
    assert!(status.contains(" 200 "), "valid POST answered {status:?}");
    assert!(
        alert_arrives(&mut rx, Duration::from_secs(1).saturating_sub(answered)).await,
        "the alert reached the core"
    );
    let took = t0.elapsed();
    eprintln!(
        "valid POST with 1000 stalled connections open: answered {answered:?}, alert in {took:?}"
    );
    assert!(took < Duration::from_secs(1), "took {took:?}");
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_at_the_deadline() {
    let limits = HttpLimits {
        request_deadline: Duration::from_millis(1000),
        idle_timeout: Duration::from_millis(700),
        ..HttpLimits::default()
    };
    let (addr, mut rx) = start(limits).await;
    let handle = tokio::task::spawn_blocking(move || {
        // Headers trickled a byte every 100 ms: progress never stops, the deadline does.
        let mut trickle = TcpStream::connect(addr).expect("connect");
        let head = b"POST /falco HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let t0 = Instant::now();
        let mut cut = None;
        for b in head {
            if trickle.write_all(&[*b]).is_err() {
                cut = Some(t0.elapsed());
                break;
            }
            if let Some(after) = closed_within(&mut trickle, Duration::from_millis(100)) {
                cut = Some(t0.elapsed().max(after));
                break;
            }
        }
        // A body that stalls after half its length.
        let mut stalled = TcpStream::connect(addr).expect("connect");
        stalled
            .write_all(b"POST /falco HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"out")
            .unwrap();
        let body_cut = closed_within(&mut stalled, Duration::from_secs(3));
        // A keep-alive connection idle after its answer.
        let mut keep = TcpStream::connect(addr).expect("connect");
        let req = post(ALERT).replace("Connection: close", "Connection: keep-alive");
        keep.write_all(req.as_bytes()).unwrap();
        let idle_cut = closed_within(&mut keep, Duration::from_secs(3));
        (cut, body_cut, idle_cut)
    });
    let (cut, body_cut, idle_cut) = handle.await.expect("clients");
    let cut = cut.expect("trickled headers were cut");
    assert!(
        cut >= Duration::from_millis(900) && cut < Duration::from_millis(1800),
        "trickled headers cut at {cut:?} (deadline 1 s)"
    );
    let body_cut = body_cut.expect("stalled body was cut");
    assert!(
        body_cut >= Duration::from_millis(900) && body_cut < Duration::from_millis(1800),
        "stalled body cut at {body_cut:?} (deadline 1 s)"
    );
    let idle_cut = idle_cut.expect("idle keep-alive connection was closed");
    assert!(
        idle_cut >= Duration::from_millis(600) && idle_cut < Duration::from_millis(1500),
        "idle connection closed at {idle_cut:?} (idle timeout 0.7 s)"
    );
    assert!(
        alert_arrives(&mut rx, Duration::from_secs(1)).await,
        "keep-alive POST taken in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excess_connections_are_refused_at_once() {
    let limits = HttpLimits {
        max_connections: 8,
        ..HttpLimits::default()
    };
    let (addr, mut rx) = start(limits).await;
    let (refused_in, status, after) = tokio::task::spawn_blocking(move || {
        let held: Vec<TcpStream> = (0..8)
            .map(|_| TcpStream::connect(addr).expect("connect"))
            .collect();
        // Let the server accept them (bounded poll: the ninth is refused once it has).
        let t_end = Instant::now() + Duration::from_secs(3);
        let (refused_in, status) = loop {
            let t0 = Instant::now();
            let mut extra = TcpStream::connect(addr).expect("connect");
            extra
                .set_read_timeout(Some(Duration::from_secs(2)))
                .unwrap();
            let mut resp = String::new();
            let _ = extra.read_to_string(&mut resp);
            if resp.contains(" 503 ") || Instant::now() > t_end {
                break (t0.elapsed(), resp);
            }
        };
        drop(held);
        // Once they close, a valid POST gets in again (bounded retries while slots free up).
        let mut after = String::new();
        for _ in 0..20 {
            after = valid_post(addr);
            if after.contains(" 200 ") {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        (refused_in, status, after)
    })
    .await
    .expect("clients");
    assert!(status.contains(" 503 "), "ninth connection: {status:?}");
    assert!(
        refused_in < Duration::from_millis(500),
        "refused in {refused_in:?}, not queued"
    );
    assert!(
        after.contains(" 200 "),
        "after the others closed: {after:?}"
    );
    assert!(alert_arrives(&mut rx, Duration::from_secs(1)).await);
}
