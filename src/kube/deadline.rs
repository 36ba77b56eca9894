//! A tower layer that bounds every API call: the response headers within the
//! timeout, then each body chunk within the timeout (watch streams: within the
//! watch's own `timeoutSeconds` plus the timeout).
//!
//! kube's `read_timeout` acts on the connection and would cut idle watch
//! streams; this layer looks at each request instead.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body::{Body as HttpBody, Frame, SizeHint};
use kube::client::Body;
use thiserror::Error;
use tokio::time::{Instant, Sleep};
use tower::{BoxError, Layer, Service};

/// The API server kept us waiting longer than allowed.
#[derive(Debug, Error)]
#[error("no answer within {}s", .0.as_secs_f32())]
pub struct DeadlineElapsed(pub Duration);

/// Applies [`DeadlineService`] with `timeout`.
#[derive(Clone, Copy, Debug)]
pub struct DeadlineLayer {
    pub timeout: Duration,
}

impl<S> Layer<S> for DeadlineLayer {
    type Service = DeadlineService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        DeadlineService {
            inner,
            timeout: self.timeout,
        }
    }
}

/// See the module doc.
pub struct DeadlineService<S> {
    inner: S,
    timeout: Duration,
}

type BoxFut<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

impl<S, B> Service<Request<Body>> for DeadlineService<S>
where
    S: Service<Request<Body>, Response = Response<B>, Error = BoxError>,
    S::Future: Send + 'static,
    B: HttpBody<Data = Bytes, Error = BoxError> + Send + Unpin + 'static,
{
    type Response = Response<IdleBody<B>>;
    type Error = BoxError;
    type Future = BoxFut<Self::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let timeout = self.timeout;
        let idle = body_idle_limit(req.uri().query().unwrap_or(""), timeout);
        let fut = self.inner.call(req);
        Box::pin(async move {
            match tokio::time::timeout(timeout, fut).await {
                Err(_) => Err(Box::new(DeadlineElapsed(timeout)) as BoxError),
                Ok(Err(e)) => Err(e),
                Ok(Ok(resp)) => Ok(resp.map(|b| IdleBody::new(b, idle))),
            }
        })
    }
}

/// How long a body may stay silent: `timeout` for plain calls; for a watch,
/// its `timeoutSeconds` plus `timeout`, or no limit when it has none (the
/// watcher has its own idle timeout then).
pub fn body_idle_limit(query: &str, timeout: Duration) -> Option<Duration> {
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    };
    let watch = matches!(param("watch"), Some("true" | "1"));
    if !watch {
        return Some(timeout);
    }
    param("timeoutSeconds")
        .and_then(|v| v.parse::<u64>().ok())
        .map(|s| Duration::from_secs(s) + timeout)
}

/// A response body that fails with [`DeadlineElapsed`] after `idle` without data.
pub struct IdleBody<B> {
    inner: B,
    idle: Option<Duration>,
    timer: Option<Pin<Box<Sleep>>>,
}

impl<B> IdleBody<B> {
    fn new(inner: B, idle: Option<Duration>) -> Self {
        Self {
            inner,
            idle,
            timer: idle.map(|d| Box::pin(tokio::time::sleep(d))),
        }
    }
}

impl<B> HttpBody for IdleBody<B>
where
    B: HttpBody<Data = Bytes, Error = BoxError> + Unpin,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                if let (Some(timer), Some(idle)) = (this.timer.as_mut(), this.idle) {
                    timer.as_mut().reset(Instant::now() + idle);
                }
                Poll::Ready(frame)
            }
            Poll::Pending => {
                let fired = match this.timer.as_mut() {
                    Some(timer) => timer.as_mut().poll(cx).is_ready(),
                    None => false,
                };
                if fired {
                    let idle = this.idle.unwrap_or_default();
                    Poll::Ready(Some(Err(Box::new(DeadlineElapsed(idle)))))
                } else {
                    Poll::Pending
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_bodies_get_their_own_window() {
        let t = Duration::from_secs(5);
        assert_eq!(body_idle_limit("fieldSelector=x&limit=500", t), Some(t));
        assert_eq!(body_idle_limit("", t), Some(t));
        assert_eq!(
            body_idle_limit("watch=true&timeoutSeconds=60&resourceVersion=3", t),
            Some(Duration::from_secs(65))
        );
        assert_eq!(body_idle_limit("watch=1", t), None);
        assert_eq!(body_idle_limit("watch=false&timeoutSeconds=60", t), Some(t));
    }
}
