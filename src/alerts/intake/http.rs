//! An HTTP listener compatible with Falco's `http_output`: each POST body (JSON, JSON lines, a JSON array, or text lines) is taken in.
//!
//! A slow or stalled client never delays others: each request has a deadline
//! (headers and body), idle connections are closed, connections past the cap are
//! refused at once, and the bodies held in memory are bounded.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};

use super::http_conn::{ConnClock, HttpLimits, Watched, fit_connections};
use super::{IntakeSink, IntakeState, LineError, MAX_BODY, from_value, parse_line};

/// Default port when only a host is given (Falco's examples use 2801 for sidekick; this is ours).
pub const DEFAULT_PORT: u16 = 8765;

/// A bound listener, not yet serving.
#[derive(Debug)]
pub struct HttpIntake {
    listener: TcpListener,
    addr: SocketAddr,
    limits: HttpLimits,
}

/// What every connection's service shares.
struct Shared {
    sink: Mutex<IntakeSink>,
    /// Body bytes that may be held at once, over all connections.
    budget: Arc<Semaphore>,
    limits: HttpLimits,
}

/// Answer to a connection past the cap, written without waiting, before closing it.
const BUSY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";

/// Parses `--falco-listen`: `PORT` (on 127.0.0.1), `HOST:PORT`, or `[V6]:PORT`.
pub fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    let s = s.trim();
    if let Ok(port) = s.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Some(host) = s.strip_suffix(':') {
        return parse_listen(&format!("{host}:{DEFAULT_PORT}"));
    }
    let with_local = if s.starts_with(':') {
        format!("127.0.0.1{s}")
    } else {
        s.to_string()
    };
    if let Ok(a) = with_local.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Some(port) = with_local.strip_prefix("localhost:") {
        return parse_listen(port);
    }
    Err(format!(
        "`{s}` is not a listen address (expected PORT, HOST:PORT or [V6]:PORT)"
    ))
}

impl HttpIntake {
    /// Binds `addr` (port 0: any free port).
    pub async fn bind(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        Ok(Self {
            listener,
            addr,
            limits: HttpLimits::default(),
        })
    }

    /// The same with other limits (the connection cap is lowered to what the open-files limit allows).
    pub fn with_limits(mut self, limits: HttpLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the core goes away.
    pub async fn serve(self, mut sink: IntakeSink) {
        sink.set_state(IntakeState::Running(format!("listening on {}", self.addr)));
        if !sink.flush().await {
            return;
        }
        let tx = sink.sender();
        let mut limits = self.limits;
        limits.max_connections = fit_connections(limits.max_connections);
        let shared = Arc::new(Shared {
            sink: Mutex::new(sink),
            budget: Arc::new(Semaphore::new(limits.body_budget)),
            limits,
        });
        let open = Arc::new(AtomicUsize::new(0));
        loop {
            let stream = tokio::select! {
                r = self.listener.accept() => match r {
                    Ok((s, _)) => s,
                    Err(_) => {
                        // Out of fds or memory: let closing connections free some.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                },
                _ = tx.closed() => return,
            };
            if open.fetch_add(1, Ordering::AcqRel) >= limits.max_connections {
                open.fetch_sub(1, Ordering::AcqRel);
                let _ = stream.try_write(BUSY);
                continue;
            }
            let (shared, open) = (shared.clone(), open.clone());
            tokio::spawn(async move {
                serve_connection(stream, shared).await;
                open.fetch_sub(1, Ordering::AcqRel);
            });
        }
    }
}

/// One connection until it closes, overruns its request deadline or idles out.
async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let clock = ConnClock::new();
    let limits = shared.limits;
    let svc_clock = clock.clone();
    let svc = service_fn(move |req| {
        let (shared, clock) = (shared.clone(), svc_clock.clone());
        async move {
            let r = handle(req, &shared).await;
            clock.request_done();
            r
        }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.request_deadline)
        .serve_connection(TokioIo::new(Watched::new(stream, clock.clone())), svc);
    tokio::select! {
        _ = conn => {}
        _ = clock.expired(limits) => {}
    }
}

fn reply(status: StatusCode, text: impl Into<String>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text.into() + "\n")));
    *r.status_mut() = status;
    r
}

async fn handle(
    req: Request<Incoming>,
    shared: &Shared,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() != Method::POST {
        return Ok(reply(
            StatusCode::METHOD_NOT_ALLOWED,
            "POST Falco alerts (http_output) here",
        ));
    }
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let too_large = |head: &[u8]| (head.to_vec(), LineError::BodyTooLarge(MAX_BODY));
    let body = if declared.is_some_and(|n| n > MAX_BODY) {
        Err(too_large(b"(body not read)"))
    } else {
        match read_body(req.into_body(), &shared.budget).await {
            Ok(b) => Ok(b),
            Err(BodyError::TooLarge) => Err(too_large(b"(body cut at the limit)")),
            Err(BodyError::Busy) => {
                return Ok(reply(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "too many request bodies in flight; retry",
                ));
            }
            Err(BodyError::Broken) => {
                return Ok(reply(StatusCode::BAD_REQUEST, "body not read"));
            }
        }
    };
    let mut sink = shared.sink.lock().await;
    let status = match body {
        Err((head, e)) => {
            sink.reject(&head, e.clone());
            reply(StatusCode::PAYLOAD_TOO_LARGE, e.to_string())
        }
        Ok((bytes, _held)) => take_body(&mut sink, &bytes),
    };
    sink.flush().await;
    Ok(status)
}

enum BodyError {
    TooLarge,
    Busy,
    Broken,
}

/// Reads a body of at most [`MAX_BODY`] bytes, holding budget permits for what it keeps.
async fn read_body(
    mut body: Incoming,
    budget: &Arc<Semaphore>,
) -> Result<(Vec<u8>, Option<OwnedSemaphorePermit>), BodyError> {
    let mut out = Vec::new();
    let mut held: Option<OwnedSemaphorePermit> = None;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Broken)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if out.len() + data.len() > MAX_BODY {
            return Err(BodyError::TooLarge);
        }
        let permit = u32::try_from(data.len())
            .ok()
            .and_then(|n| budget.clone().try_acquire_many_owned(n).ok())
            .ok_or(BodyError::Busy)?;
        match held.as_mut() {
            Some(h) => h.merge(permit),
            None => held = Some(permit),
        }
        out.extend_from_slice(&data);
    }
    Ok((out, held))
}

/// Parses a body into the sink; 200 when all of it parsed, else 400 with the first reason.
fn take_body(sink: &mut IntakeSink, bytes: &[u8]) -> Response<Full<Bytes>> {
    if sink.is_audit() {
        return take_audit_body(sink, bytes);
    }
    let text = String::from_utf8_lossy(bytes);
    let ctx = sink.ctx();
    let mut first_err: Option<LineError> = None;
    let mut note = |sink: &mut IntakeSink, raw: &[u8], e: LineError| {
        first_err.get_or_insert(e.clone());
        sink.reject(raw, e);
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        note(sink, b"", LineError::Empty);
    } else if trimmed.starts_with('[') {
        match serde_json::from_str::<Vec<Value>>(trimmed) {
            Ok(items) => {
                for v in items {
                    let raw = v.to_string();
                    match from_value(v, &ctx) {
                        Ok(a) => sink.accept(a),
                        Err(e) => note(sink, raw.as_bytes(), e),
                    }
                }
            }
            Err(e) => note(sink, bytes, LineError::Json(e.to_string())),
        }
    } else if let Some(v) = trimmed
        .starts_with('{')
        .then(|| serde_json::from_str::<Value>(trimmed).ok())
        .flatten()
    {
        // One object, possibly pretty-printed over several lines.
        match from_value(v, &ctx) {
            Ok(a) => sink.accept(a),
            Err(e) => note(sink, bytes, e),
        }
    } else {
        for line in trimmed.lines().filter(|l| !l.trim().is_empty()) {
            match parse_line(line, &ctx) {
                Ok(a) => sink.accept(a),
                Err(e) => note(sink, line.as_bytes(), e),
            }
        }
    }
    match first_err {
        None => reply(StatusCode::OK, "ok"),
        Some(e) => reply(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

/// An audit webhook body (EventList): 200 when every item parsed, else 400 with the first reason.
fn take_audit_body(sink: &mut IntakeSink, bytes: &[u8]) -> Response<Full<Bytes>> {
    let items = match super::audit::parse_body(&String::from_utf8_lossy(bytes)) {
        Ok(items) => items,
        Err(e) => {
            sink.reject(bytes, e.clone());
            return reply(StatusCode::BAD_REQUEST, e.to_string());
        }
    };
    let mut first_err = None;
    let mut good = Vec::new();
    for item in items {
        match item {
            Ok(e) => good.push(e),
            Err((raw, e)) => {
                first_err.get_or_insert(e.clone());
                sink.reject(raw.as_bytes(), e);
            }
        }
    }
    sink.accept_audit(good);
    match first_err {
        None => reply(StatusCode::OK, "ok"),
        Some(e) => reply(StatusCode::BAD_REQUEST, e.to_string()),
    }
}
