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
pub fn verify<R: Read>(input: R) -> io::Result<Header> {
    let (header, mut body) = open(input)?;
    io::copy(&mut body, &mut io::sink())?;
    Ok(header)
}
