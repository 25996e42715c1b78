//! Answers in the order of the requests.
//!
//! `tower-lsp-server` runs up to four handlers at once and writes each
//! response as soon as its handler finishes (`buffer_unordered`), so a
//! quick hover can overtake a slow one sent before it. LSP asks that
//! responses come "in roughly the same order as the requests", and an
//! editor firing hovers while the writer types expects the answers in
//! order. [`InOrder`] wraps the service: handlers still run concurrently
//! (and `$/cancelRequest` still gets through), but each message's future
//! completes only after the one before it, so responses leave in request
//! order. No deadlock: a future only ever waits for an earlier one, which
//! the transport admitted first and keeps polling.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::oneshot;
use tower_service::Service;

/// A boxed, sendable future.
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A [`Service`] whose futures complete in call order.
#[derive(Debug)]
pub struct InOrder<S> {
    inner: S,
    /// Fires when the future of the previous call has completed.
    previous: Option<oneshot::Receiver<()>>,
}

impl<S> InOrder<S> {
    /// Wrap `inner`.
    pub fn new(inner: S) -> Self {
        InOrder {
            inner,
            previous: None,
        }
    }
}

impl<S, R> Service<R> for InOrder<S>
where
    S: Service<R>,
    S::Future: Send + 'static,
    S::Response: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let fut = self.inner.call(req);
        let (done, next) = oneshot::channel();
        let previous = self.previous.replace(next);
        Box::pin(async move {
            let out = fut.await;
            if let Some(previous) = previous {
                // An error only means the earlier future was dropped.
                let _ = previous.await;
            }
            let _ = done.send(());
            out
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Completes after the given number of milliseconds.
    struct Sleepy;

    impl Service<u64> for Sleepy {
        type Response = u64;
        type Error = ();
        type Future = BoxFuture<Result<u64, ()>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, ms: u64) -> Self::Future {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Ok(ms)
            })
        }
    }

    #[tokio::test]
    async fn slow_first_call_still_answers_first() {
        use futures_util_like::collect_unordered;
        let mut s = InOrder::new(Sleepy);
        let futs = vec![s.call(60), s.call(1), s.call(30), s.call(0)];
        // Poll all concurrently, record completion order.
        assert_eq!(collect_unordered(futs).await, vec![60, 1, 30, 0]);
    }

    /// A tiny `buffer_unordered` stand-in: spawn all, record the order in
    /// which they finish.
    mod futures_util_like {
        use super::BoxFuture;
        use std::sync::{Arc, Mutex};

        pub async fn collect_unordered(futs: Vec<BoxFuture<Result<u64, ()>>>) -> Vec<u64> {
            let order = Arc::new(Mutex::new(Vec::new()));
            let handles: Vec<_> = futs
                .into_iter()
                .map(|f| {
                    let order = order.clone();
                    tokio::spawn(async move {
                        let v = f.await.unwrap();
                        order.lock().unwrap().push(v);
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
            let v = order.lock().unwrap().clone();
            v
        }
    }
}
