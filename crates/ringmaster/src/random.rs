//! Unpredictable bytes, from the operating system (session passwords, secrets).

use std::io::Read;

pub fn bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .expect("reading /dev/urandom");
    b
}
