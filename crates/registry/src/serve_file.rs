//! A stored file as an HTTP response: its length, `Accept-Ranges: bytes`, and one byte range
//! (`Range: bytes=a-b`, `a-`, `-n`) as 206 Partial Content, or 416 when it lies outside the
//! file. Several ranges in one request are answered with the whole file, as RFC 9110 allows.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::path::Path;

/// What a request's `Range` asks of a file of `len` bytes.
enum Part {
    Whole,
    Range(u64, u64),
    Outside,
}

fn part(request: &HeaderMap, len: u64) -> Part {
    match request
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| parse(v, len))
    {
        Some(Some(Ok((start, end)))) => Part::Range(start, end),
        Some(Some(Err(()))) => Part::Outside,
        // No Range, several ranges, or a unit we do not serve: the whole file.
        Some(None) | None => Part::Whole,
    }
}

/// Bytes held in memory, answered as `request` asks.
pub fn response(
    bytes: Vec<u8>,
    request: &HeaderMap,
    headers: Vec<(HeaderName, String)>,
) -> Response {
    let len = bytes.len() as u64;
    match part(request, len) {
        Part::Whole => finish(Response::new(Body::from(bytes)), None, len, headers),
        Part::Range(start, end) => {
            let body = Body::from(bytes[start as usize..=end as usize].to_vec());
            finish(Response::new(body), Some((start, end)), len, headers)
        }
        Part::Outside => unsatisfiable(len),
    }
}

/// A stored file, answered as `request` asks: streamed from disk, so a large `.debug` file
/// (or a range of it) is never held in memory whole.
pub async fn file(
    path: &Path,
    request: &HeaderMap,
    headers: Vec<(HeaderName, String)>,
) -> std::io::Result<Response> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut f = tokio::fs::File::open(path).await?;
    let len = f.metadata().await?.len();
    let (range, start, count) = match part(request, len) {
        Part::Whole => (None, 0, len),
        Part::Range(start, end) => (Some((start, end)), start, end - start + 1),
        Part::Outside => return Ok(unsatisfiable(len)),
    };
    f.seek(std::io::SeekFrom::Start(start)).await?;
    let chunks = futures_util::stream::try_unfold(f.take(count), |mut r| async move {
        let mut buf = vec![0u8; 64 * 1024];
        let n = r.read(&mut buf).await?;
        if n == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        buf.truncate(n);
        Ok(Some((Bytes::from(buf), r)))
    });
    let mut response = Response::new(Body::from_stream(chunks));
    response.headers_mut().insert(
        header::CONTENT_LENGTH,
        HeaderValue::from_str(&count.to_string()).expect("ascii"),
    );
    Ok(finish(response, range, len, headers))
}

/// 206 with `Content-Range` for a range, 200 otherwise; `Accept-Ranges` and `headers`.
fn finish(
    mut response: Response,
    range: Option<(u64, u64)>,
    len: u64,
    headers: Vec<(HeaderName, String)>,
) -> Response {
    if let Some((start, end)) = range {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        response.headers_mut().insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")).expect("ascii"),
        );
    }
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

fn unsatisfiable(len: u64) -> Response {
    let mut r = (
        StatusCode::RANGE_NOT_SATISFIABLE,
        format!("the file has {len} bytes; the requested range lies outside it\n"),
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_RANGE,
        HeaderValue::from_str(&format!("bytes */{len}")).expect("ascii"),
    );
    r
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
