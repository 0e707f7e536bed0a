//! A stored file as an HTTP response: its length, `Accept-Ranges: bytes`, and one byte range
//! (`Range: bytes=a-b`, `a-`, `-n`) as 206 Partial Content, or 416 when it lies outside the
//! file. Several ranges in one request are answered with the whole file, as RFC 9110 allows.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub fn response(
    bytes: Vec<u8>,
    request: &HeaderMap,
    headers: Vec<(HeaderName, String)>,
) -> Response {
    let len = bytes.len() as u64;
    let range = request
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| parse(v, len));
    let mut response = match range {
        Some(Some(Ok((start, end)))) => {
            let mut r = (
                StatusCode::PARTIAL_CONTENT,
                bytes[start as usize..=end as usize].to_vec(),
            )
                .into_response();
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")).expect("ascii"),
            );
            r
        }
        Some(Some(Err(()))) => {
            let mut r = (
                StatusCode::RANGE_NOT_SATISFIABLE,
                format!("the file has {len} bytes; the requested range lies outside it\n"),
            )
                .into_response();
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{len}")).expect("ascii"),
            );
            return r;
        }
        // No Range, several ranges, or a unit we do not serve: the whole file.
        Some(None) | None => (StatusCode::OK, bytes).into_response(),
    };
    let h = response.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    response
}

/// `Some(Ok((first, last)))` for one satisfiable range, `Some(Err(()))` for one outside the
/// file, None for anything else (which is answered with the whole file).
fn parse(value: &str, len: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = value.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 || len == 0 {
            return Some(Err(()));
        }
        (len.saturating_sub(n), len - 1)
    } else {
        let start: u64 = a.parse().ok()?;
        let end = if b.is_empty() {
            u64::MAX
        } else {
            b.parse().ok()?
        };
        if start > end {
            return None;
        }
        if start >= len {
            return Some(Err(()));
        }
        (start, end.min(len - 1))
    };
    Some(Ok(range))
}

/// The media type of a file served out of a docs tree, by its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("txt" | "md" | "rs" | "toml") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn ranges_are_read_as_rfc_9110_defines_them() {
        assert_eq!(parse("bytes=0-9", 100), Some(Ok((0, 9))));
        assert_eq!(parse("bytes=90-", 100), Some(Ok((90, 99))));
        assert_eq!(parse("bytes=-10", 100), Some(Ok((90, 99))));
        assert_eq!(parse("bytes=-500", 100), Some(Ok((0, 99))));
        assert_eq!(parse("bytes=50-5000", 100), Some(Ok((50, 99))));
        assert_eq!(parse("bytes=100-", 100), Some(Err(())));
        assert_eq!(parse("bytes=0-1,5-6", 100), None);
        assert_eq!(parse("bytes=9-3", 100), None);
        assert_eq!(parse("items=0-1", 100), None);
    }
}
