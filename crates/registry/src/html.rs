//! HTML for the web UI: THE escaping function every piece of text and every attribute goes
//! through, and the page layout. Pages are plain server-rendered HTML; no script runs, and
//! the Content-Security-Policy says so (`script-src 'none'`), a second line behind escaping.

use std::fmt::Write;

/// `s` as HTML text or a double-quoted attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` as one URL path segment (crate names, versions, build-ids are plain, but a file name
/// of a package may not be).
pub fn seg(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~+".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `s` as a query-string value: as [`seg`], and `+` too (a form's decoder reads it as a space).
pub fn query_value(s: &str) -> String {
    seg(s).replace('+', "%2B")
}

pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; script-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330}\
header{background:#1d2330;color:#fff;padding:.6em 1.5em;display:flex;gap:1.5em;align-items:center}\
header a{color:#fff;text-decoration:none}header .brand{font-weight:700}\
main{max-width:80em;margin:0 auto;padding:1em 1.5em}\
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3em .6em;border-bottom:1px solid #dde;vertical-align:top}\
td:first-child,td.n{white-space:nowrap}td.mono,a.mono{word-break:break-all}\
code,pre,.mono{font-family:ui-monospace,monospace;font-size:.9em}pre{background:#f4f5f8;padding:.8em;overflow:auto}\
.yanked{color:#a33}.muted{color:#667}.ok{color:#275}.bad{color:#a33}\
.readme{border-top:1px solid #dde;margin-top:1.5em}input[type=search]{padding:.3em;width:20em}";

/// A whole page: `title` (text, escaped here) around `body` (HTML, built with `esc`).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Keel registry</title><style>{STYLE}</style></head>\n<body><header>\
         <a class=\"brand\" href=\"/\">Keel registry</a><a href=\"/\">Crates</a>\
         <a href=\"/packages\">Packages</a><a href=\"/releases\">Releases</a></header>\n\
         <main>\n{body}\n</main></body></html>\n",
        esc(title)
    )
}

/// Bytes as people read them.
pub fn size(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_and_attributes_cannot_break_out() {
        assert_eq!(
            super::esc(r#"<script>"x" & 'y'</script>"#),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(super::seg("a b/c?d"), "a%20b%2Fc%3Fd");
        // A query keeps its `+` across the paging links.
        assert_eq!(super::query_value("c++ &x"), "c%2B%2B%20%26x");
    }
}
