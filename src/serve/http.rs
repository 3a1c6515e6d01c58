//! HTTP: the preview's small web server, on std alone.
//!
//! It answers GET and HEAD from the output held in memory, under the base
//! path of the site (`/machizukuri/jirei/`); `/` redirects there. HTML pages
//! get one `<script src>` added, for the live-reload client served under
//! `/__casebook/`, with the server-sent event stream that tells it to reload
//! or to show build errors. A connection gets its own thread; the preview
//! serves one writer, not a crowd.

use super::{Served, Shared};
use crate::output::Contents;
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

/// Where the live-reload client lives; outside any base path.
pub const PREFIX: &str = "/__casebook/";
const LIVE_JS: &str = include_str!("live.js");
const LIVE_CSS: &str = include_str!("live.css");

/// How long an idle kept-alive connection stays open.
const IDLE: Duration = Duration::from_secs(10);
/// Event streams send a comment this often, to notice a closed tab.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Requests are a line and a few headers; anything larger is refused.
const MAX_HEAD: usize = 16 * 1024;

pub fn accept(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(&shared);
        let _ = std::thread::Builder::new()
            .name("casebook-http".into())
            .spawn(move || {
                let _ = serve_connection(stream, &shared);
            });
    }
}

struct Request {
    method: String,
    /// The path, percent-decoded, without the query.
    path: String,
    /// The query with its `?`, or empty.
    query: String,
    keep_alive: bool,
}

fn serve_connection(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let Some(request) = read_request(&mut reader)? else {
            return Ok(());
        };
        if request.path == format!("{PREFIX}events") {
            return stream_events(writer, shared, &request.query);
        }
        let response = respond(&request, shared);
        write_response(&mut writer, &request, &response)?;
        if !request.keep_alive {
            return Ok(());
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let read = reader.read_until(b'\n', &mut line);
        match read {
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
        if line == b"\r\n" || line == b"\n" {
            if head.is_empty() {
                continue;
            }
            break;
        }
        head.extend_from_slice(&line);
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.lines();
    let mut parts = lines.next().unwrap_or_default().split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or("/");
    let version = parts.next().unwrap_or("HTTP/1.0");
    let mut keep_alive = version == "HTTP/1.1";
    for line in lines {
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("connection")
        {
            let value = value.trim();
            keep_alive = !value.eq_ignore_ascii_case("close")
                && (keep_alive || value.eq_ignore_ascii_case("keep-alive"));
        }
    }
    let target = target.split('#').next().unwrap_or_default();
    let (raw_path, query) = match target.find('?') {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    let path = percent_encoding::percent_decode_str(raw_path)
        .decode_utf8_lossy()
        .into_owned();
    Ok(Some(Request {
        method,
        path,
        query: query.to_string(),
        keep_alive,
    }))
}

struct Response {
    status: u16,
    content_type: &'static str,
    body: Body,
    location: Option<String>,
}

enum Body {
    Shared(Arc<[u8]>),
    Owned(Vec<u8>),
    Static(&'static str),
}

impl Body {
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Shared(bytes) => bytes,
            Body::Owned(bytes) => bytes,
            Body::Static(text) => text.as_bytes(),
        }
    }
}

fn respond(request: &Request, shared: &Shared) -> Response {
    let plain = |status: u16, text: &'static str| Response {
        status,
        content_type: "text/plain; charset=utf-8",
        body: Body::Static(text),
        location: None,
    };
    if request.method != "GET" && request.method != "HEAD" {
        return plain(405, "only GET and HEAD are served\n");
    }
    match request.path.as_str() {
        p if p == format!("{PREFIX}live.js") => {
            return Response {
                status: 200,
                content_type: "text/javascript; charset=utf-8",
                body: Body::Static(LIVE_JS),
                location: None,
            };
        }
        p if p == format!("{PREFIX}live.css") => {
            return Response {
                status: 200,
                content_type: "text/css; charset=utf-8",
                body: Body::Static(LIVE_CSS),
                location: None,
            };
        }
        _ => {}
    }
    let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
    let base_path = state.base_path.clone();
    // Never 301: a browser would remember it for the next site on this port.
    let redirect = |to: String| Response {
        status: 302,
        content_type: "text/plain; charset=utf-8",
        body: Body::Static(""),
        location: Some(to),
    };
    if base_path != "/" && (request.path == "/" || request.path == base_path.trim_end_matches('/'))
    {
        return redirect(format!("{base_path}{}", request.query));
    }
    let script = format!(
        r#"<script src="{PREFIX}live.js?generation={}&amp;server={}" defer></script>"#,
        state.generation, shared.id
    );
    let files = &state.files;
    let Some(rel) = request.path.strip_prefix(&base_path) else {
        return not_found(files, &script);
    };
    let wanted = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    match files.get(&wanted) {
        Some(served) => {
            let content_type = content_type(&wanted);
            let body = match &served.contents {
                // The web form reloads nothing: a save rebuilds the site,
                // and a reload would lose the form.
                Contents::Bytes(bytes)
                    if content_type.starts_with("text/html") && !wanted.starts_with("admin/") =>
                {
                    Body::Owned(inject(bytes, &script))
                }
                Contents::Bytes(bytes) => Body::Shared(Arc::clone(bytes)),
                Contents::Copy(source) => match std::fs::read(source) {
                    Ok(bytes) => Body::Owned(bytes),
                    Err(_) => return not_found(files, &script),
                },
            };
            Response {
                status: 200,
                content_type,
                body,
                location: None,
            }
        }
        None if files.contains_key(&format!("{wanted}/index.html")) => redirect(format!(
            "{}/{}",
            crate::model::href(&base_path, rel),
            request.query
        )),
        None => not_found(files, &script),
    }
}

/// The site's own 404 page, or a plain one while the site has never built.
fn not_found(files: &BTreeMap<String, Served>, script: &str) -> Response {
    let page = match files.get("404.html").map(|f| &f.contents) {
        Some(Contents::Bytes(bytes)) => inject(bytes, script),
        _ => inject(FALLBACK_PAGE.as_bytes(), script),
    };
    Response {
        status: 404,
        content_type: "text/html; charset=utf-8",
        body: Body::Owned(page),
        location: None,
    }
}

/// Shown for every missing page before the first successful build, so the
/// error overlay has a page to appear on.
const FALLBACK_PAGE: &str = "<!doctype html>\n<html lang=\"ja\">\n<head><meta charset=\"utf-8\"><title>casebook serve</title></head>\n<body>\n<main><h1>ページがありません</h1><p>No page here yet. When the site has errors, they are listed on this page.</p></main>\n</body>\n</html>\n";

/// The page with the live-reload script added at the end of its head (or
/// body). Build output never has it: only the preview's responses do.
fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let at = find_ascii_ci(html, b"</head>")
        .or_else(|| find_ascii_ci(html, b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

fn write_response(
    stream: &mut TcpStream,
    request: &Request,
    response: &Response,
) -> io::Result<()> {
    let reason = match response.status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let body = response.body.bytes();
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
        response.status,
        response.content_type,
        body.len()
    );
    if let Some(location) = &response.location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    if response.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    head.push_str(if request.keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    stream.write_all(head.as_bytes())?;
    if request.method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Holds the connection open and writes each event the preview sends. A tab
/// says which generation its page is (`?since=N`), and first hears of what
/// changed after it.
fn stream_events(mut stream: TcpStream, shared: &Shared, query: &str) -> io::Result<()> {
    let since = query
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("since="))
        .and_then(|n| n.parse::<u64>().ok());
    let (sender, receiver) = mpsc::channel::<String>();
    let hello = {
        let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
        let mut hello = super::event(
            "hello",
            &serde_json::json!({ "generation": state.generation, "server": shared.id.to_string() }),
        );
        if let Some(since) = since
            && since < state.generation
        {
            hello.push_str(&shared.changes_since(since, &state.base_path, state.generation));
        }
        if let Some(errors) = &state.errors {
            hello.push_str(errors);
        }
        // Registered while the state is read, so no event falls in between.
        shared
            .clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(sender);
        hello
    };
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n",
    )?;
    stream.write_all(b"retry: 500\n\n")?;
    stream.write_all(hello.as_bytes())?;
    stream.flush()?;
    loop {
        match receiver.recv_timeout(HEARTBEAT) {
            Ok(message) => stream.write_all(message.as_bytes())?,
            Err(mpsc::RecvTimeoutError::Timeout) => stream.write_all(b": ping\n\n")?,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
        stream.flush()?;
    }
}

/// The content type of an output path, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("feed.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "yml" | "yaml" => "text/yaml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        for (path, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("static/css/casebook.css", "text/css; charset=utf-8"),
            ("static/js/search.js", "text/javascript; charset=utf-8"),
            ("cases.json", "application/json"),
            ("feed.xml", "application/atom+xml"),
            ("sitemap.xml", "application/xml"),
            ("cases.csv", "text/csv; charset=utf-8"),
            ("cases/a/exterior.JPG", "image/jpeg"),
            ("static/favicon.svg", "image/svg+xml"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("admin/config.yml", "text/yaml; charset=utf-8"),
            ("search/index.bin", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

    #[test]
    fn the_script_goes_before_the_head_ends() {
        for (html, expected) in [
            (
                "<html><head><title>a</title></head><body></body></html>",
                "<html><head><title>a</title>S</head><body></body></html>",
            ),
            ("<HTML><HEAD></HEAD></HTML>", "<HTML><HEAD>S</HEAD></HTML>"),
            ("<p>no head</p></body>", "<p>no head</p>S</body>"),
            ("<p>neither</p>", "<p>neither</p>S"),
        ] {
            assert_eq!(
                String::from_utf8(inject(html.as_bytes(), "S")).unwrap(),
                expected
            );
        }
    }
}
