//! An HTTP listener compatible with Falco's `http_output`: each POST body (JSON, JSON lines, a JSON array, or text lines) is taken in.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::Mutex;

use super::{IntakeSink, IntakeState, LineError, MAX_BODY, from_value, parse_line};

/// Connections served at once at most.
pub const MAX_CONNECTIONS: usize = 64;

/// Default port when only a host is given (Falco's examples use 2801 for sidekick; this is ours).
pub const DEFAULT_PORT: u16 = 8765;

/// A bound listener, not yet serving.
#[derive(Debug)]
pub struct HttpIntake {
    listener: TcpListener,
    addr: SocketAddr,
}

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
        Ok(Self { listener, addr })
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
        let sink = Arc::new(Mutex::new(sink));
        let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        loop {
            let Ok(slot) = slots.clone().acquire_owned().await else {
                return;
            };
            let stream = tokio::select! {
                r = self.listener.accept() => match r {
                    Ok((s, _)) => s,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                _ = tx.closed() => return,
            };
            let sink = sink.clone();
            tokio::spawn(async move {
                let _slot = slot;
                let svc = service_fn(move |req| handle(req, sink.clone()));
                let _ = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(10))
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    }
}

fn reply(status: StatusCode, text: impl Into<String>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text.into() + "\n")));
    *r.status_mut() = status;
    r
}

async fn handle(
    req: Request<Incoming>,
    sink: Arc<Mutex<IntakeSink>>,
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
        match Limited::new(req.into_body(), MAX_BODY).collect().await {
            Ok(b) => Ok(b.to_bytes()),
            Err(_) => Err(too_large(b"(body cut at the limit)")),
        }
    };
    let mut sink = sink.lock().await;
    let status = match body {
        Err((head, e)) => {
            sink.reject(&head, e.clone());
            reply(StatusCode::PAYLOAD_TOO_LARGE, e.to_string())
        }
        Ok(bytes) => take_body(&mut sink, &bytes),
    };
    sink.flush().await;
    Ok(status)
}

/// Parses a body into the sink; 200 when all of it parsed, else 400 with the first reason.
fn take_body(sink: &mut IntakeSink, bytes: &[u8]) -> Response<Full<Bytes>> {
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
