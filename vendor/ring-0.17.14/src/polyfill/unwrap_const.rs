// Copyright 2022 Brian Smith.
//
// Permission to use, copy, modify, and/or distribute this software for any
// purpose with or without fee is hereby granted, provided that the above
// copyright notice and this permission notice appear in all copies.
//
// THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
// WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
// MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY
// SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
// WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN ACTION
// OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR IN
// CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.

/// Polyfill for `Option::unwrap()` as a const fn; feature `const_option`.
/// https://github.com/rust-lang/rust/issues/67441.
/// TODO(MSRV): Replace this with `x.unwrap()`.
///
/// `T: Copy` avoids "constant functions cannot evaluate destructors."
pub const fn unwrap_const<T>(x: Option<T>) -> T
where
    T: Copy,
{
    if let Some(x) = x {
        x
    } else {
        panic!("unwrap_const on `None`");
    }
}
