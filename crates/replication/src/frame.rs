//! The one framing used on disk and on the wire: `[length u32][crc32 u32][payload]`, little
//! endian. A frame whose checksum or length does not hold is never decoded.

use serde::Serialize;
use serde::de::DeserializeOwned;

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
