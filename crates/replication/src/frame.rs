//! The one framing used on disk and on the wire: `[length u32][crc32 u32][payload]`, little
//! endian. A frame whose checksum or length does not hold is never decoded.

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

pub const HEADER: usize = 8;

/// Why bytes could not be read as a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("truncated frame: {have} bytes of {need}")]
    Truncated { have: usize, need: usize },
    #[error("frame of {len} bytes exceeds the limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    #[error("frame checksum mismatch")]
    Checksum,
    #[error("frame payload does not decode: {0}")]
    Decode(String),
}

/// Why a frame could not be read from a stream: the stream failed, or what came is not a
/// frame (too large, or its checksum does not hold).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("reading a frame: {0}")]
    Io(#[from] std::io::Error),
    #[error("corrupt frame: {0}")]
    Frame(#[from] FrameError),
}

/// Appends `payload` as one frame to `out`.
pub fn put(out: &mut Vec<u8>, payload: &[u8]) {
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
}

/// Encodes `value` and appends it as one frame.
pub fn put_value<T: Serialize>(out: &mut Vec<u8>, value: &T) {
    let payload = postcard::to_stdvec(value).expect("encoding into memory cannot fail");
    put(out, &payload);
}

/// Reads the length from a frame header, refusing anything over `limit`.
pub fn length(header: &[u8; HEADER], limit: usize) -> Result<usize, FrameError> {
    let len = u32::from_le_bytes(header[..4].try_into().expect("4 bytes")) as usize;
    if len > limit {
        return Err(FrameError::TooLarge { len, limit });
    }
    Ok(len)
}

/// Checks a frame's payload against the checksum in its header.
pub fn check(header: &[u8; HEADER], payload: &[u8]) -> Result<(), FrameError> {
    let crc = u32::from_le_bytes(header[4..].try_into().expect("4 bytes"));
    if crc32fast::hash(payload) != crc {
        return Err(FrameError::Checksum);
    }
    Ok(())
}

/// Splits the first frame off `bytes`: its payload and the rest.
pub fn take(bytes: &[u8], limit: usize) -> Result<(&[u8], &[u8]), FrameError> {
    if bytes.len() < HEADER {
        return Err(FrameError::Truncated {
            have: bytes.len(),
            need: HEADER,
        });
    }
    let header: &[u8; HEADER] = bytes[..HEADER].try_into().expect("8 bytes");
    let len = length(header, limit)?;
    let rest = &bytes[HEADER..];
    if rest.len() < len {
        return Err(FrameError::Truncated {
            have: rest.len(),
            need: len,
        });
    }
    check(header, &rest[..len])?;
    Ok((&rest[..len], &rest[len..]))
}

pub fn decode<T: DeserializeOwned>(payload: &[u8]) -> Result<T, FrameError> {
    postcard::from_bytes(payload).map_err(|e| FrameError::Decode(e.to_string()))
}

/// Reads one frame from a stream into `buf` (its payload, checksum verified); `Ok(false)` at
/// a clean end of stream between frames.
pub async fn read<R: AsyncRead + Unpin>(
    input: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> Result<bool, ReadError> {
    let mut header = [0u8; HEADER];
    match input.read_exact(&mut header).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    let len = length(&header, limit)?;
    buf.resize(len, 0);
    input.read_exact(buf).await?;
    check(&header, buf)?;
    Ok(true)
}

/// Writes whole frames queued on `queue` to `output`, coalescing whatever is queued into one
/// write (up to `batch` bytes), until the queue closes or a write fails. Queuing whole frames
/// is what makes senders cancel-safe: a frame is never half-written by a dropped future.
/// Returns `false` when a write failed.
pub async fn write_queued<W: AsyncWrite + Unpin>(
    queue: &mut mpsc::UnboundedReceiver<Vec<u8>>,
    output: &mut W,
    batch: usize,
) -> bool {
    let mut bytes = Vec::new();
    while let Some(first) = queue.recv().await {
        bytes.clear();
        bytes.extend_from_slice(&first);
        while bytes.len() < batch {
            match queue.try_recv() {
                Ok(more) => bytes.extend_from_slice(&more),
                Err(_) => break,
            }
        }
        if output.write_all(&bytes).await.is_err() {
            return false;
        }
    }
    true
}
