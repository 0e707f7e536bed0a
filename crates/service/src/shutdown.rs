//! How a server waits to be told to stop.

/// Returns when the process receives SIGTERM or SIGINT, whichever comes first.
pub async fn shutdown_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(2);
    let tx2 = tx.clone();
    tokio::spawn(async move {
        term.recv().await;
        let _ = tx.send(()).await;
    });
    tokio::spawn(async move {
        int.recv().await;
        let _ = tx2.send(()).await;
    });
    rx.recv().await;
    Ok(())
}
