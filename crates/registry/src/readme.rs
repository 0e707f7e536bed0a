//! A crate version's README for its page: read out of the published `.crate` (the file its
//! Cargo.toml names as `package.readme`, else README.md) and rendered from Markdown with
//! pulldown-cmark. A README is untrusted input: raw HTML in it is shown as text, and links
//! and images may only use http(s), mailto or relative URLs.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};
use std::io::Read;
use std::path::Path;

/// The rendered README of the `.crate` at `path` (for crate `name` `version`), or None if it
/// has none.
pub fn of(path: &Path, name: &str, version: &str) -> Option<String> {
    let top = format!("{name}-{version}/");
    let read_all = || -> Option<Vec<(String, Vec<u8>)>> {
        let gz = std::fs::File::open(path).ok()?;
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(gz));
        let mut files = Vec::new();
        for e in tar.entries().ok()? {
            let mut e = e.ok()?;
            let p = String::from_utf8_lossy(&e.path_bytes()).into_owned();
            let Some(rel) = p.strip_prefix(&top) else {
                continue;
            };
            // Only what can be the manifest or a README, and no more than 1 MiB each.
            let lower = rel.to_ascii_lowercase();
            if rel == "Cargo.toml" || lower.ends_with(".md") || lower.contains("readme") {
                let mut data = Vec::new();
                e.by_ref().take(1 << 20).read_to_end(&mut data).ok()?;
                files.push((rel.to_owned(), data));
            }
        }
        Some(files)
    };
    let files = read_all()?;
    let named = files
        .iter()
        .find(|(p, _)| p == "Cargo.toml")
        .and_then(|(_, t)| toml::from_str::<toml::Table>(&String::from_utf8_lossy(t)).ok())
        .and_then(|t| t.get("package")?.get("readme")?.as_str().map(str::to_owned));
    let want = named.unwrap_or_else(|| "README.md".into());
    let want = want.trim_start_matches("./");
    let (_, text) = files.iter().find(|(p, _)| p == want)?;
    Some(render(&String::from_utf8_lossy(text)))
}

/// Markdown to HTML, with raw HTML as text and only safe link schemes.
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        e => e,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let u = url.trim().to_ascii_lowercase();
    let scheme = u
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains('/') && !s.contains('?') && !s.contains('#'));
    match scheme {
        None | Some("http" | "https" | "mailto") => url,
        Some(_) => CowStr::Borrowed("#"),
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn raw_html_is_text_and_script_urls_are_dropped() {
        let html = render(
            "# Title\n\n<script>alert(1)</script>\n\nText <img src=x onerror=alert(2)> \
             [a](javascript:alert(3)) [b](JavaScript:alert(4)) [c](https://ok.example/) [d](docs/x.md)\n",
        );
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(2)&gt;"),
            "{html}"
        );
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        assert!(html.contains(r#"href="https://ok.example/""#), "{html}");
        assert!(html.contains(r#"href="docs/x.md""#), "{html}");
    }
}
