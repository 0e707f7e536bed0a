//! Jute, ZooKeeper's record encoding: big-endian integers, a boolean as one byte, buffers and
//! strings as an i32 length (-1: null) and the bytes, vectors as an i32 count (-1: null)
//! and the items. Frames on the wire are an i32 length and the record.

/// A record being read; every read fails (not panics) on a short or malformed record.
#[derive(Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// A malformed record: ZooKeeper's MarshallingError.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

type R<T> = Result<T, Malformed>;

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or_else(|| Malformed(format!("record ends {n} bytes early at {}", self.pos)))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn int(&mut self) -> R<i32> {
        Ok(i32::from_be_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    pub fn long(&mut self) -> R<i64> {
        Ok(i64::from_be_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    pub fn bool(&mut self) -> R<bool> {
        Ok(self.take(1)?[0] != 0)
    }

    /// A buffer; null reads as empty.
    pub fn buffer(&mut self) -> R<Vec<u8>> {
        let n = self.int()?;
        if n < 0 {
            return Ok(Vec::new());
        }
        Ok(self.take(n as usize)?.to_vec())
    }

    pub fn string(&mut self) -> R<String> {
        String::from_utf8(self.buffer()?).map_err(|_| Malformed("a string is not UTF-8".into()))
    }

    /// A vector's count; null reads as 0.
    pub fn count(&mut self) -> R<usize> {
        let n = self.int()?;
        if n > (self.remaining() as i32) {
            return Err(Malformed(format!(
                "a vector of {n} items in {} bytes",
                self.remaining()
            )));
        }
        Ok(n.max(0) as usize)
    }

    pub fn strings(&mut self) -> R<Vec<String>> {
        let n = self.count()?;
        (0..n).map(|_| self.string()).collect()
    }
}

/// A record being written.
#[derive(Debug, Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    pub fn int(&mut self, v: i32) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub fn long(&mut self, v: i64) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.0.push(v as u8);
        self
    }

    pub fn buffer(&mut self, v: &[u8]) -> &mut Self {
        self.int(v.len() as i32);
        self.0.extend_from_slice(v);
        self
    }

    pub fn string(&mut self, v: &str) -> &mut Self {
        self.buffer(v.as_bytes())
    }

    pub fn strings(&mut self, v: &[String]) -> &mut Self {
        self.int(v.len() as i32);
        for s in v {
            self.string(s);
        }
        self
    }

    /// The record as one frame: its length, then the record.
    pub fn frame(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() + 4);
        out.extend_from_slice(&(self.0.len() as i32).to_be_bytes());
        out.extend_from_slice(&self.0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_short_ones_are_refused() {
        let mut w = Writer::default();
        w.int(-2)
            .long(1 << 40)
            .bool(true)
            .string("/a")
            .buffer(b"")
            .strings(&["x".into()]);
        let mut r = Reader::new(&w.0);
        assert_eq!(r.int(), Ok(-2));
        assert_eq!(r.long(), Ok(1 << 40));
        assert_eq!(r.bool(), Ok(true));
        assert_eq!(r.string().as_deref(), Ok("/a"));
        assert_eq!(r.buffer(), Ok(vec![]));
        assert_eq!(r.strings(), Ok(vec!["x".to_owned()]));
        assert_eq!(r.remaining(), 0);
        assert!(r.int().is_err());
        // A length past the end, and a vector count larger than the bytes left.
        assert!(Reader::new(&[0, 0, 0, 9, b'a']).buffer().is_err());
        assert!(Reader::new(&[0, 0x7f, 0, 0]).count().is_err());
        assert_eq!(Reader::new(&[0xff, 0xff, 0xff, 0xff]).buffer(), Ok(vec![]));
    }
}
