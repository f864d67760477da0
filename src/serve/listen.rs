//! Accepting connections so that none can starve the service: a request head must arrive
//! within [`HEAD_TIMEOUT`] (a socket that sends half a head, or nothing, is closed then, as an
//! idle keep-alive connection is), and at most [`Connections::max`] connections are open at
//! once, below the process's descriptor limit (raised to its hard limit at start), so that
//! files, the log and `/sante` always find a descriptor. HTTP/1.1 only: the page and its API
//! need nothing more, and HTTP/1.1 is what the header timeout covers.
//!
//! axum's own `serve` sets no header timeout and retries `accept` every second once
//! descriptors run out: 1,100 sockets that sent `GET / HTTP/1.1\r\nHost: a\r\n` stopped the
//! service, `/sante` included.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// How long a request head may take to arrive, from the connection's start or the end of its
/// previous response.
pub(super) const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// The descriptors kept for everything but connections: the listener, the log, temporary
/// files, the runtime's own.
const RESERVED_DESCRIPTORS: u64 = 128;

/// The most connections open at once, whatever the descriptor limit allows.
const MAX_CONNECTIONS: u64 = 4096;

/// How many connections may be open at once.
#[derive(Debug, Clone, Copy)]
pub(super) struct Connections {
    pub max: usize,
}

impl Connections {
    /// Raises the process's soft limit of descriptors to its hard limit, and keeps
    /// connections [`RESERVED_DESCRIPTORS`] below it.
    pub(super) fn from_descriptor_limit() -> Connections {
        let limit = raise_descriptor_limit();
        let max = limit
            .saturating_sub(RESERVED_DESCRIPTORS)
            .clamp(16, MAX_CONNECTIONS);
        Connections {
            max: usize::try_from(max).unwrap_or(16),
        }
    }
}

/// The soft limit of open descriptors after raising it to the hard limit (the packaged unit
/// sets `LimitNOFILE`); 1,024 where it cannot be read.
fn raise_descriptor_limit() -> u64 {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit only read and write the struct we own.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return 1024;
            }
            if limit.rlim_cur < limit.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: limit.rlim_max,
                    rlim_max: limit.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    limit = raised;
                }
            }
        }
        limit.rlim_cur
    }
    #[cfg(not(unix))]
    {
        1024
    }
}

/// How long a connection closed with a request body unread is drained at most, in all and
/// without a byte coming, and how many bytes at most (nginx's « lingering close »).
const LINGER_TOTAL: Duration = Duration::from_secs(30);
const LINGER_QUIET: Duration = Duration::from_secs(5);
const LINGER_BYTES: u64 = 512 * 1024 * 1024;

/// A connection's socket that, once hyper is done with it, is closed the lingering way: its
/// sending side shut (the answer goes out whole, then the end), then what the client still
/// sends read and dropped — a refusal (413) is sent before the body is read, and a client that
/// sends its body before reading (browsers, Python's urllib: no `Expect: 100-continue`) would
/// otherwise be reset by the close, the answer destroyed unread. Bounded by [`LINGER_TOTAL`],
/// [`LINGER_QUIET`] and [`LINGER_BYTES`]; the connection's permit is held until the end.
struct Lingering {
    stream: Option<tokio::net::TcpStream>,
    permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Lingering {
    fn new(stream: tokio::net::TcpStream, permit: tokio::sync::OwnedSemaphorePermit) -> Self {
        Lingering {
            stream: Some(stream),
            permit: Some(permit),
        }
    }

    fn stream(self: std::pin::Pin<&mut Self>) -> std::pin::Pin<&mut tokio::net::TcpStream> {
        std::pin::Pin::new(
            self.get_mut()
                .stream
                .as_mut()
                .expect("the stream, until dropped"),
        )
    }
}

impl tokio::io::AsyncRead for Lingering {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.stream().poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Lingering {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.stream().poll_write(cx, buf)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.stream().poll_flush(cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.stream().poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.stream().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.is_write_vectored())
    }
}

impl Drop for Lingering {
    fn drop(&mut self) {
        let (Some(mut stream), permit) = (self.stream.take(), self.permit.take()) else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let _permit = permit;
            let _ = stream.shutdown().await;
            let drain = async {
                let mut buf = vec![0u8; 64 * 1024];
                let mut read = 0u64;
                while read < LINGER_BYTES {
                    match tokio::time::timeout(LINGER_QUIET, stream.read(&mut buf)).await {
                        Ok(Ok(n)) if n > 0 => read += n as u64,
                        _ => break,
                    }
                }
            };
            let _ = tokio::time::timeout(LINGER_TOTAL, drain).await;
        });
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets the connections
/// finish their requests (the caller bounds how long).
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    connections: Connections,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let permits = Arc::new(Semaphore::new(connections.max));
    // Dropped receivers tell the connections to finish; a closed sender tells the loop.
    let (stop_tx, stop_rx) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(stop_rx);
    });
    let (done_tx, done_rx) = watch::channel(());
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = stop_tx.closed() => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A connection reset before it was accepted, or descriptors short for a
                // moment: the next one.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = stop_tx.closed() => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let stop_tx = stop_tx.clone();
        let done_rx = done_rx.clone();
        tokio::spawn(async move {
            let _done = done_rx;
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT);
            let io = TokioIo::new(Lingering::new(stream, permit));
            let mut connection = pin!(builder.serve_connection(io, service));
            let mut stopping = pin!(stop_tx.closed());
            let mut stopped = false;
            loop {
                tokio::select! {
                    _ = connection.as_mut() => break,
                    () = &mut stopping, if !stopped => {
                        stopped = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
        });
    }
    drop(done_rx);
    drop(listener);
    done_tx.closed().await;
}
