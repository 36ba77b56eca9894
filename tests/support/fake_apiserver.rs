//! A fake Kubernetes API server for tests: plain HTTP on 127.0.0.1, pods only, answering as the real one does.
//!
//! Discovery (`/version`, `/api`, `/apis`, `/api/v1`), list (cluster-wide and
//! namespaced, `fieldSelector`, `labelSelector`, `limit`/`continue`,
//! `resourceVersion`/`resourceVersionMatch`), get, and `watch=true` streams of
//! newline-delimited ADDED/MODIFIED/DELETED (+ BOOKMARK) events. A
//! resourceVersion older than the last [`FakeApiServer::compact`] gives an
//! ERROR watch event carrying a 410 Expired Status (HTTP 200, as the watch
//! cache does), and an expired `continue` a 410 response.
//! Test controls: put/delete pods (bumping the resourceVersion), compact,
//! freeze/close watches, bookmarks, hang or fail every request.

mod select;
mod store;
mod wire;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use select::Selector;
use store::{Store, Sub, event_line, watch_event};
use wire::{Body, json_response, status, status_response};

/// How the server answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Accept, read the request, never answer.
    Hang,
    /// Send the headers and the start of a body, then stall.
    StallBody,
    /// Answer every request with this HTTP code and an InternalError Status.
    Fail(u16),
}

struct Inner {
    store: Mutex<Store>,
    mode: Mutex<Mode>,
    requests: Mutex<Vec<String>>,
    /// Compact right after serving this many more list pages.
    compact_after_lists: Mutex<Option<usize>>,
    addr: SocketAddr,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The running fake; stops accepting when dropped.
pub struct FakeApiServer {
    inner: Arc<Inner>,
    accept: JoinHandle<()>,
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        self.accept.abort();
        lock(&self.inner.store).subs.clear();
    }
}

/// A minimal pod as a controller would create it.
pub fn pod(namespace: &str, name: &str, node: &str) -> Value {
    json!({
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "nodeName": node,
            "containers": [{"name": "main", "image": "busybox:1.36"}]
        },
        "status": {"phase": "Running"}
    })
}

/// `shop/api-7d9f` on `node-a` whose status names container `api` (`shop/api:2.1`) by `cid`.
#[allow(dead_code)]
pub fn shop_api_pod(cid: &str) -> Value {
    let mut p = pod("shop", "api-7d9f", "node-a");
    p["status"]["containerStatuses"] = json!([{
        "name": "api", "image": "shop/api:2.1", "imageID": "", "ready": true,
        "restartCount": 0, "containerID": format!("containerd://{cid}")
    }]);
    p
}

impl FakeApiServer {
    /// Binds 127.0.0.1:0 and serves on the current tokio runtime.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake API server");
        let addr = listener.local_addr().expect("local addr");
        let inner = Arc::new(Inner {
            store: Mutex::new(Store::default()),
            mode: Mutex::new(Mode::Normal),
            requests: Mutex::new(Vec::new()),
            compact_after_lists: Mutex::new(None),
            addr,
        });
        let srv = inner.clone();
        let accept = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let srv = srv.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        let srv = srv.clone();
                        async move { Ok::<_, std::convert::Infallible>(handle(srv, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tcp), svc)
                        .await;
                });
            }
        });
        Self { inner, accept }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// Writes a kubeconfig for this server (context `fake`, namespace `default`) into `dir`.
    pub fn kubeconfig(&self, dir: &Path) -> PathBuf {
        let path = dir.join("kubeconfig");
        std::fs::write(&path, kubeconfig_yaml(&[("fake", &self.url())], "fake"))
            .expect("write kubeconfig");
        path
    }

    /// Creates or replaces a pod; returns it as stored (with uid and resourceVersion).
    pub fn put_pod(&self, pod: Value) -> Value {
        lock(&self.inner.store).put(pod)
    }

    pub fn delete_pod(&self, namespace: &str, name: &str) -> bool {
        lock(&self.inner.store).delete(namespace, name)
    }

    /// The current pods (with kind/apiVersion), in (namespace, name) order.
    pub fn pods(&self) -> Vec<Value> {
        lock(&self.inner.store)
            .current()
            .values()
            .cloned()
            .collect()
    }

    pub fn resource_version(&self) -> u64 {
        lock(&self.inner.store).rv
    }

    /// Forgets the history: older resourceVersions now give 410 Gone.
    pub fn compact(&self) {
        lock(&self.inner.store).compact();
    }

    /// Open watches stop receiving events (a stalled connection).
    pub fn freeze_watches(&self) {
        for s in lock(&self.inner.store).subs.iter_mut() {
            s.frozen = true;
        }
    }

    /// Ends every open watch stream, as the server does at `timeoutSeconds`.
    pub fn close_watches(&self) {
        lock(&self.inner.store).subs.clear();
    }

    /// Open, unfrozen watches.
    pub fn open_watches(&self) -> usize {
        let mut st = lock(&self.inner.store);
        st.subs.retain(|s| !s.tx.is_closed());
        st.subs.iter().filter(|s| !s.frozen).count()
    }

    /// Sends a BOOKMARK at the current resourceVersion to watches that asked for them.
    pub fn bookmark(&self) {
        let st = lock(&self.inner.store);
        let line = event_line("BOOKMARK", &bookmark_object(st.rv, false));
        for s in st.subs.iter().filter(|s| s.bookmarks && !s.frozen) {
            let _ = s.tx.send(line.clone());
        }
    }

    /// After the `n`th next list page is served, something else writes and the
    /// history is compacted (expiring that page's continue token).
    pub fn compact_after_lists(&self, n: usize) {
        *lock(&self.inner.compact_after_lists) = Some(n);
    }

    pub fn set_mode(&self, mode: Mode) {
        *lock(&self.inner.mode) = mode;
    }

    /// Every request so far, as `METHOD path?query` (decoded query).
    pub fn requests(&self) -> Vec<String> {
        lock(&self.inner.requests).clone()
    }
}

/// A kubeconfig with one cluster+context per `(name, url)`.
pub fn kubeconfig_yaml(servers: &[(&str, &str)], current: &str) -> String {
    let mut y = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
    for (n, u) in servers {
        y += &format!("- name: {n}\n  cluster:\n    server: {u}\n");
    }
    y += "contexts:\n";
    for (n, _) in servers {
        y += &format!(
            "- name: {n}\n  context:\n    cluster: {n}\n    user: {n}\n    namespace: default\n"
        );
    }
    y += "users:\n";
    for (n, _) in servers {
        y += &format!("- name: {n}\n  user:\n    token: fake-token-{n}\n");
    }
    y + &format!("current-context: {current}\n")
}

fn bookmark_object(rv: u64, initial_end: bool) -> Value {
    let mut meta = json!({"resourceVersion": rv.to_string(), "creationTimestamp": null});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"kind": "Pod", "apiVersion": "v1", "metadata": meta,
           "spec": {"containers": null}, "status": {}})
}

async fn handle(srv: Arc<Inner>, req: Request<Incoming>) -> Response<Body> {
    let q = wire::query(req.uri().query());
    let mut keys: Vec<_> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
    keys.sort();
    lock(&srv.requests).push(format!(
        "{} {}?{}",
        req.method(),
        req.uri().path(),
        keys.join("&")
    ));
    let mode = *lock(&srv.mode);
    match mode {
        Mode::Hang => futures::future::pending::<()>().await,
        Mode::Fail(code) => {
            return status_response(code, "InternalError", "fake: injected failure");
        }
        Mode::StallBody => {
            let start = futures::stream::iter([Ok(Frame::data(Bytes::from_static(
                b"{\"kind\":\"PodList\",\"apiVersion\":\"v1\",",
            )))]);
            let body = start.chain(futures::stream::pending());
            return Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .body(StreamBody::new(body).boxed_unsync())
                .unwrap_or_else(|_| Response::new(wire::full("")));
        }
        Mode::Normal => {}
    }
    if req.method() != Method::GET {
        return status_response(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        );
    }
    let path: Vec<&str> = req.uri().path().trim_matches('/').split('/').collect();
    match path.as_slice() {
        ["version"] => json_response(200, &wire::version()),
        ["api"] => json_response(200, &wire::api_versions(&srv.addr.to_string())),
        ["apis"] => json_response(200, &wire::api_groups()),
        ["api", "v1"] => json_response(200, &wire::core_v1_resources()),
        ["api", "v1", "pods"] => list_or_watch(&srv, None, &q),
        ["api", "v1", "namespaces", ns, "pods"] => list_or_watch(&srv, Some(ns), &q),
        ["api", "v1", "namespaces", ns, "pods", name] => get(&srv, ns, name),
        ["api", "v1", ..] => status_response(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
        _ => wire::not_found_text(),
    }
}

fn get(srv: &Inner, ns: &str, name: &str) -> Response<Body> {
    let st = lock(&srv.store);
    match st.current().get(&(ns.to_string(), name.to_string())) {
        Some(p) => json_response(200, p),
        None => json_response(
            404,
            &status(
                404,
                "NotFound",
                &format!("pods \"{name}\" not found"),
                Some(json!({"name": name, "kind": "pods"})),
            ),
        ),
    }
}

fn list_or_watch(
    srv: &Inner,
    ns: Option<&str>,
    q: &std::collections::HashMap<String, String>,
) -> Response<Body> {
    let param = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let sel = match Selector::parse(param("fieldSelector"), param("labelSelector")) {
        Ok(s) => s,
        Err(msg) => return status_response(400, "BadRequest", &msg),
    };
    if matches!(param("watch"), "true" | "1") {
        watch(srv, ns, sel, q)
    } else {
        let resp = list(srv, ns, &sel, q);
        let mut after = lock(&srv.compact_after_lists);
        if let Some(n) = after.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                *after = None;
                let mut st = lock(&srv.store);
                st.tick();
                st.compact();
            }
        }
        resp
    }
}

fn list(
    srv: &Inner,
    ns: Option<&str>,
    sel: &Selector,
    q: &std::collections::HashMap<String, String>,
) -> Response<Body> {
    let param = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let st = lock(&srv.store);
    let (snap, after) = if !param("continue").is_empty() {
        let Some((rv, cns, cname)) = wire::decode_continue(param("continue")) else {
            return status_response(
                400,
                "BadRequest",
                "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
            );
        };
        if rv < st.compacted_rv {
            return status_response(
                410,
                "Expired",
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
            );
        }
        (rv, Some((cns, cname)))
    } else {
        match param("resourceVersion") {
            "" | "0" => (st.rv, None),
            v => {
                let Ok(n) = v.parse::<u64>() else {
                    return status_response(
                        400,
                        "BadRequest",
                        &format!("invalid resource version: {v}"),
                    );
                };
                if n > st.rv {
                    return json_response(
                        504,
                        &status(
                            504,
                            "Timeout",
                            &format!("Too large resource version: {n}, current: {}", st.rv),
                            Some(
                                json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1}),
                            ),
                        ),
                    );
                }
                if param("resourceVersionMatch") == "Exact" {
                    if n < st.compacted_rv {
                        return status_response(
                            410,
                            "Expired",
                            &format!("too old resource version: {n} ({})", st.compacted_rv),
                        );
                    }
                    (n, None)
                } else {
                    (st.rv, None)
                }
            }
        }
    };
    let limit: usize = param("limit").parse().unwrap_or(0);
    let mut items: Vec<(store::Key, Value)> = st
        .state_at(snap)
        .into_iter()
        .filter(|(k, o)| ns.is_none_or(|n| k.0 == n) && sel.matches(o))
        .filter(|(k, _)| after.as_ref().is_none_or(|a| k > a))
        .collect();
    let mut meta = json!({"resourceVersion": snap.to_string()});
    if limit > 0 && items.len() > limit {
        let rest = items.len() - limit;
        items.truncate(limit);
        if let Some(((kns, kname), _)) = items.last() {
            meta["continue"] = json!(wire::encode_continue(snap, kns, kname));
        }
        if param("fieldSelector").is_empty() && param("labelSelector").is_empty() {
            meta["remainingItemCount"] = json!(rest);
        }
    }
    // Items of a list carry no kind/apiVersion on the wire.
    let items: Vec<Value> = items
        .into_iter()
        .map(|(_, mut o)| {
            if let Some(m) = o.as_object_mut() {
                m.remove("kind");
                m.remove("apiVersion");
            }
            o
        })
        .collect();
    json_response(
        200,
        &json!({"kind": "PodList", "apiVersion": "v1", "metadata": meta, "items": items}),
    )
}

fn watch(
    srv: &Inner,
    ns: Option<&str>,
    sel: Selector,
    q: &std::collections::HashMap<String, String>,
) -> Response<Body> {
    let param = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let bookmarks = param("allowWatchBookmarks") == "true";
    let (tx, rx) = mpsc::unbounded_channel::<Bytes>();
    let mut st = lock(&srv.store);
    let mut register = true;
    match param("resourceVersion") {
        "" | "0" => {
            for o in st.current().values() {
                if ns.is_none_or(|n| store::key_of(o).0 == n) && sel.matches(o) {
                    let _ = tx.send(event_line("ADDED", o));
                }
            }
            if param("sendInitialEvents") == "true" && bookmarks {
                let _ = tx.send(event_line("BOOKMARK", &bookmark_object(st.rv, true)));
            }
        }
        v => {
            let Ok(n) = v.parse::<u64>() else {
                return status_response(
                    400,
                    "BadRequest",
                    &format!("invalid resource version: {v}"),
                );
            };
            if n < st.compacted_rv {
                let s = status(
                    410,
                    "Expired",
                    &format!("too old resource version: {n} ({})", st.compacted_rv),
                    None,
                );
                let _ = tx.send(event_line("ERROR", &s));
                register = false;
            } else {
                for c in st.changes_after(n) {
                    if let Some((kind, o)) = watch_event(c, ns, &sel) {
                        let _ = tx.send(event_line(kind, &o));
                    }
                }
            }
        }
    }
    if register {
        st.subs.push(Sub {
            namespace: ns.map(str::to_string),
            sel,
            bookmarks,
            frozen: false,
            tx,
        });
    }
    drop(st);
    let timeout = param("timeoutSeconds").parse::<u64>().unwrap_or(1800);
    let frames = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok(Frame::data(b)), rx))
    })
    .take_until(tokio::time::sleep(Duration::from_secs(timeout)));
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-cache, private")
        .body(StreamBody::new(frames).boxed_unsync())
        .unwrap_or_else(|_| Response::new(wire::full("")))
}
