//! The studio's connections: how long a client may take to send a request,
//! and how many connections may be open at once.
//!
//! A request's head must arrive within [`HEADER_TIMEOUT`] and its body
//! within [`BODY_TIMEOUT`], or the connection is closed (the body: `408`).
//! At most [`MAX_CONNECTIONS`] are open at once; a connection that comes at
//! the limit makes room by closing the one that has been idle longest (no
//! request being answered on it), and waits only while every one is busy.
//! So a thousand idle or half-sent connections can neither keep the team's
//! page from an answer nor use up the process's file descriptors. What the
//! requests ask is not decided here (`guard`, the routes).

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

/// How long a client may take to send a request's head (its line and
/// headers), from its first byte or from the end of the last answer.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a client may take to send a request's body, once its head is in.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The most connections open at once: a team's browsers need a handful;
/// far below the 1,024 file descriptors a process commonly may hold.
pub const MAX_CONNECTIONS: usize = 256;

/// How long connections may take to finish their answers once the studio
/// is asked to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `router` on `listener` until `shutdown` completes, then lets the
/// answers under way finish (for a few seconds at most).
pub async fn serve(
    router: Router,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let connections = Arc::new(Connections::default());
    let (stop, stopped) = watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        while tasks.try_join_next().is_some() {}
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors, or a connection reset before it was
                // taken: free one if any is idle, and go on.
                connections.close_idlest();
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let (id, close) = tokio::select! {
            admitted = connections.admit() => admitted,
            () = &mut shutdown => break,
        };
        let service = counted(router.clone(), connections.clone(), id);
        let connections = connections.clone();
        let mut stopped = stopped.clone();
        tasks.spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                // Made room for a newer connection: dropped, so closed.
                () = close.notified() => {}
                () = stop_asked(&mut stopped) => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
                }
            }
            connections.leave(id);
        });
    }
    let _ = stop.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    Ok(())
}

/// Completes once the studio is asked to stop.
async fn stop_asked(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// The router as a connection's service, each request counted as busy on
/// connection `id` while it is answered.
fn counted(
    router: Router,
    connections: Arc<Connections>,
    id: u64,
) -> impl hyper::service::Service<
    hyper::Request<hyper::body::Incoming>,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<Response, std::convert::Infallible>> + Send,
> + Clone {
    let inner = TowerToHyperService::new(router);
    hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
        let busy = Busy::start(connections.clone(), id);
        let answer = hyper::service::Service::call(&inner, request.map(Body::new));
        async move {
            let response = answer.await;
            drop(busy);
            response
        }
    })
}

/// The open connections: which are answering a request, and since when
/// the others have been idle.
#[derive(Default)]
struct Connections {
    open: Mutex<Open>,
    /// Told when a connection closes or becomes idle.
    freed: Notify,
}

#[derive(Default)]
struct Open {
    next: u64,
    slots: HashMap<u64, Slot>,
}

struct Slot {
    busy: usize,
    idle_since: Instant,
    close: Arc<Notify>,
}

impl Connections {
    fn open(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a new connection: its id, and what tells it to close.
    /// At the limit, the connection idle longest is closed first; while
    /// every connection is busy, this waits.
    async fn admit(&self) -> (u64, Arc<Notify>) {
        loop {
            let freed = self.freed.notified();
            {
                let mut open = self.open();
                if open.slots.len() >= MAX_CONNECTIONS {
                    Self::close_idlest_of(&mut open);
                }
                if open.slots.len() < MAX_CONNECTIONS {
                    let id = open.next;
                    open.next += 1;
                    let close = Arc::new(Notify::new());
                    open.slots.insert(
                        id,
                        Slot {
                            busy: 0,
                            idle_since: Instant::now(),
                            close: close.clone(),
                        },
                    );
                    return (id, close);
                }
            }
            freed.await;
        }
    }

    /// Closes the connection idle longest, if one is idle.
    fn close_idlest(&self) {
        Self::close_idlest_of(&mut self.open());
    }

    fn close_idlest_of(open: &mut Open) {
        let idlest = open
            .slots
            .iter()
            .filter(|(_, slot)| slot.busy == 0)
            .min_by_key(|(_, slot)| slot.idle_since)
            .map(|(id, _)| *id);
        if let Some(slot) = idlest.and_then(|id| open.slots.remove(&id)) {
            slot.close.notify_one();
        }
    }

    fn leave(&self, id: u64) {
        self.open().slots.remove(&id);
        self.freed.notify_waiters();
    }
}

/// A request being answered on a connection; idle again when dropped.
struct Busy {
    connections: Arc<Connections>,
    id: u64,
}

impl Busy {
    fn start(connections: Arc<Connections>, id: u64) -> Busy {
        if let Some(slot) = connections.open().slots.get_mut(&id) {
            slot.busy += 1;
        }
        Busy { connections, id }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(slot) = self.connections.open().slots.get_mut(&self.id) {
            slot.busy = slot.busy.saturating_sub(1);
            slot.idle_since = Instant::now();
        }
        self.connections.freed.notify_waiters();
    }
}

/// Reads a request's body whole, within [`BODY_TIMEOUT`] and `limit`
/// bytes, before any route sees it: `408` for a body that does not arrive
/// in time, `413` for one over the limit.
pub async fn read_body(limit: usize, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let (parts, body) = request.into_parts();
    let body = match tokio::time::timeout(BODY_TIMEOUT, collect(body, limit)).await {
        Err(_) => {
            return (
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request's body did not arrive within {} seconds",
                    BODY_TIMEOUT.as_secs()
                ),
            )
                .into_response()
        }
        Ok(None) => return too_large(limit),
        Ok(Some(Err(e))) => {
            return (StatusCode::BAD_REQUEST, format!("the request's body: {e}")).into_response()
        }
        Ok(Some(Ok(bytes))) => bytes,
    };
    next.run(Request::from_parts(parts, Body::from(body))).await
}

fn too_large(limit: usize) -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("a request's body is at most {limit} bytes"),
    )
        .into_response()
}

/// The body's bytes; `None` past `limit`.
async fn collect(mut body: Body, limit: usize) -> Option<Result<Bytes, axum::Error>> {
    let mut bytes = Vec::new();
    loop {
        let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            None => return Some(Ok(Bytes::from(bytes))),
            Some(Err(e)) => return Some(Err(e)),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    if bytes.len() + data.len() > limit {
                        return None;
                    }
                    bytes.extend_from_slice(&data);
                }
            }
        }
    }
}
