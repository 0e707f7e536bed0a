//! The checkpoint file: `KEELCKP1`, a header frame, the state machine's bytes as frames of
//! at most [`BLOCK`] bytes (each with its own checksum), and an end frame (empty payload)
//! whose presence proves the file is whole. A torn or bit-flipped checkpoint fails
//! [`verify`], and recovery falls back to the one before it.

use crate::frame::{self, FrameError, HEADER};
use crate::types::{Membership, Slot};
use serde::{Deserialize, Serialize};
use std::io::{self, BufReader, BufWriter, Read, Write};

pub const MAGIC: &[u8; 8] = b"KEELCKP1";
/// State-machine bytes per checksummed block.
pub const BLOCK: usize = 1 << 20;

/// What a checkpoint says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub cluster: u64,
    /// The last slot whose effects the state holds.
    pub seq: Slot,
    /// The membership in force after `seq`.
    pub membership: Membership,
}

fn invalid(what: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("checkpoint: {what}"))
}

/// Writes a whole checkpoint: the header, then whatever `save` writes, in blocks.
pub fn write(
    out: &mut dyn Write,
    header: &Header,
    save: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(BLOCK + 64, out);
    out.write_all(MAGIC)?;
    let mut head = Vec::new();
    frame::put_value(&mut head, header);
    out.write_all(&head)?;
    let mut blocks = Blocks {
        out: &mut out,
        buf: Vec::with_capacity(BLOCK),
    };
    save(&mut blocks)?;
    blocks.flush_block()?;
    let mut end = Vec::new();
    frame::put(&mut end, &[]);
    out.write_all(&end)?;
    out.flush()
}

struct Blocks<'a, W: Write> {
    out: &'a mut W,
    buf: Vec<u8>,
}

impl<W: Write> Blocks<'_, W> {
    fn flush_block(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.out.write_all(&(self.buf.len() as u32).to_le_bytes())?;
        self.out
            .write_all(&crc32fast::hash(&self.buf).to_le_bytes())?;
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

impl<W: Write> Write for Blocks<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(BLOCK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == BLOCK {
            self.flush_block()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads the checkpoint's header, leaving a reader over the state machine's bytes that
/// checks every block and fails on a missing end.
pub fn open<R: Read>(input: R) -> io::Result<(Header, Body<BufReader<R>>)> {
    let mut input = BufReader::with_capacity(BLOCK + 64, input);
    let mut magic = [0u8; 8];
    input
        .read_exact(&mut magic)
        .map_err(|_| invalid("too short for its magic number"))?;
    if &magic != MAGIC {
        return Err(invalid("not a Keel checkpoint (bad magic number)"));
    }
    let head = read_frame(&mut input)?.ok_or_else(|| invalid("missing header"))?;
    let header: Header = frame::decode(&head).map_err(invalid)?;
    Ok((
        header,
        Body {
            input,
            block: Vec::new(),
            pos: 0,
            ended: false,
        },
    ))
}

/// Reads the next frame; `None` for the end frame.
fn read_frame<R: Read>(input: &mut R) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; HEADER];
    input
        .read_exact(&mut header)
        .map_err(|_| invalid("torn: the end marker is missing"))?;
    let len = frame::length(&header, BLOCK).map_err(invalid)?;
    if len == 0 {
        frame::check(&header, &[]).map_err(invalid)?;
        return Ok(None);
    }
    let mut payload = vec![0u8; len];
    input
        .read_exact(&mut payload)
        .map_err(|_| invalid(FrameError::Truncated { have: 0, need: len }))?;
    frame::check(&header, &payload).map_err(|e| invalid(format!("{e} in a block")))?;
    Ok(Some(payload))
}

/// The state machine's bytes, checked block by block.
#[derive(Debug)]
pub struct Body<R> {
    input: R,
    block: Vec<u8>,
    pos: usize,
    ended: bool,
}

impl<R: Read> Read for Body<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.block.len() {
            if self.ended {
                return Ok(0);
            }
            match read_frame(&mut self.input)? {
                Some(block) => {
                    self.block = block;
                    self.pos = 0;
                }
                None => self.ended = true,
            }
        }
        let n = out.len().min(self.block.len() - self.pos);
        out[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Checks a whole checkpoint (every block's checksum and the end marker) without loading
/// it, so a bad one is skipped before the state machine is touched.
pub fn verify<R: Read>(mut input: R) -> io::Result<Header> {
    let mut verifier = Verifier::default();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            return verifier.finish();
        }
        verifier.feed(&buf[..n])?;
    }
}

/// Checks a checkpoint as its bytes arrive, in pieces of any size (a transfer's chunks), so
/// the receiver need not read the file again; it holds at most about one block.
#[derive(Debug, Default)]
pub struct Verifier {
    pending: Vec<u8>,
    magic: bool,
    header: Option<Header>,
    ended: bool,
}

impl Verifier {
    pub fn feed(&mut self, data: &[u8]) -> io::Result<()> {
        self.pending.extend_from_slice(data);
        let mut at = 0;
        let result = self.consume(&mut at);
        self.pending.drain(..at);
        result
    }

    /// Takes every whole piece from `pending`, advancing `at` past it.
    fn consume(&mut self, at: &mut usize) -> io::Result<()> {
        if !self.magic {
            if self.pending.len() < MAGIC.len() {
                return Ok(());
            }
            if &self.pending[..MAGIC.len()] != MAGIC {
                return Err(invalid("not a Keel checkpoint (bad magic number)"));
            }
            self.magic = true;
            *at = MAGIC.len();
        }
        while self.pending.len() - *at >= HEADER {
            if self.ended {
                return Err(invalid("bytes after the end marker"));
            }
            let head: [u8; HEADER] = self.pending[*at..*at + HEADER].try_into().expect("8 bytes");
            let len = frame::length(&head, BLOCK).map_err(invalid)?;
            if self.pending.len() - *at - HEADER < len {
                return Ok(());
            }
            let payload = &self.pending[*at + HEADER..*at + HEADER + len];
            frame::check(&head, payload).map_err(|e| invalid(format!("{e} in a block")))?;
            match (&self.header, len) {
                (None, 0) => return Err(invalid("missing header")),
                (None, _) => self.header = Some(frame::decode(payload).map_err(invalid)?),
                (Some(_), 0) => self.ended = true,
                (Some(_), _) => {}
            }
            *at += HEADER + len;
        }
        Ok(())
    }

    /// The header, if every byte fed made a whole, intact checkpoint.
    pub fn finish(self) -> io::Result<Header> {
        if !self.magic {
            return Err(invalid("too short for its magic number"));
        }
        if !self.ended || !self.pending.is_empty() {
            return Err(invalid("torn: the end marker is missing"));
        }
        self.header.ok_or_else(|| invalid("missing header"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Member;

    fn sample() -> (Header, Vec<u8>) {
        let header = Header {
            cluster: 9,
            seq: 77,
            membership: Membership::new(vec![Member::new(1, "127.0.0.1:1")]),
        };
        let mut file = Vec::new();
        // Three and a half blocks of state.
        let state: Vec<u8> = (0..BLOCK * 7 / 2).map(|i| (i * 31 % 251) as u8).collect();
        write(&mut file, &header, &mut |out| out.write_all(&state)).unwrap();
        (header, file)
    }

    fn fed_in(file: &[u8], piece: usize) -> io::Result<Header> {
        let mut v = Verifier::default();
        for chunk in file.chunks(piece) {
            v.feed(chunk)?;
        }
        v.finish()
    }

    #[test]
    fn pieces_of_any_size_verify_like_the_whole_file() {
        let (header, file) = sample();
        assert_eq!(verify(&file[..]).unwrap(), header);
        for piece in [1, 7, 4096, BLOCK - 1, BLOCK + 9, file.len()] {
            // Byte at a time is slow for megabytes: feed the first 64 KiB singly, then big.
            let got = if piece == 1 {
                let mut v = Verifier::default();
                for b in &file[..64 << 10] {
                    v.feed(std::slice::from_ref(b)).unwrap();
                }
                v.feed(&file[64 << 10..]).unwrap();
                v.finish()
            } else {
                fed_in(&file, piece)
            };
            assert_eq!(got.unwrap(), header, "pieces of {piece}");
        }
    }

    #[test]
    fn a_flipped_bit_a_torn_tail_or_extra_bytes_fail() {
        let (_, file) = sample();
        let mut flipped = file.clone();
        flipped[file.len() / 2] ^= 0x10;
        let err = fed_in(&flipped, 64 << 10).unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");

        let err = fed_in(&file[..file.len() - 3], 64 << 10).unwrap_err();
        assert!(err.to_string().contains("torn"), "{err}");

        let mut longer = file.clone();
        longer.extend_from_slice(&file[8..24]);
        assert!(fed_in(&longer, 64 << 10).is_err());

        let err = fed_in(b"KEELCKP", 4).unwrap_err();
        assert!(err.to_string().contains("magic"), "{err}");
        let err = fed_in(b"NOTACHECKPOINT", 4).unwrap_err();
        assert!(err.to_string().contains("magic"), "{err}");
    }
}
