//! HTTP: the preview's small web server, on std alone.
//!
//! It answers GET and HEAD from the output held in memory, under the base
//! path of the site (`/machizukuri/jirei/`); `/` redirects there. HTML pages
//! get one `<script src>` added, for the live-reload client served under
//! `/__casebook/`, with the server-sent event stream that tells it to reload
//! or to show build errors. Request heads are parsed by `httparse`; a
//! request's body (`Content-Length`) is read and dropped, so the next request
//! on a kept-alive connection starts where it should. A connection gets its
//! own thread, up to [`MAX_CONNECTIONS`] at once: the preview serves one
//! writer, not a crowd, and refuses the rest with 503 rather than spawn
//! without end.

use super::{Served, Shared};
use crate::output::Contents;
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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
/// The most headers a request may have.
const MAX_HEADERS: usize = 64;
/// The largest request body read and dropped to keep a connection; a larger
/// one closes the connection after the answer.
const MAX_DRAINED: u64 = 1024 * 1024;
/// Connections served at once, each by its own thread (open tabs' event
/// streams among them); more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 32;

pub fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let Some(slot) = Slot::take(&open) else {
            refuse(stream);
            continue;
        };
        let shared = Arc::clone(&shared);
        let _ = std::thread::Builder::new()
            .name("casebook-http".into())
            .spawn(move || {
                let _slot = slot;
                let _ = serve_connection(stream, &shared);
            });
    }
}

/// One of the [`MAX_CONNECTIONS`] places, given back when dropped (when its
/// thread ends, or when the thread could not be started).
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>) -> Option<Slot> {
        open.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < MAX_CONNECTIONS).then_some(n + 1)
        })
        .ok()?;
        Some(Slot(Arc::clone(open)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers a connection beyond the cap with 503, on the accepting thread.
/// The request is read first (briefly), so that closing with it unread does
/// not reset the connection before the client sees the answer.
fn refuse(stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    if let Ok(clone) = stream.try_clone() {
        let _ = read_request(&mut BufReader::new(clone));
    }
    let mut stream = stream;
    let body = "too many connections; try again soon\n";
    let _ = stream.write_all(
        format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

struct Request {
    method: String,
    /// The path, percent-decoded, without the query.
    path: String,
    /// The query with its `?`, or empty.
    query: String,
    keep_alive: bool,
}

/// What came in on a connection.
enum Incoming {
    Request(Request),
    /// Not an HTTP request: answered 400, and the connection closed.
    Malformed,
}

fn serve_connection(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let request = match read_request(&mut reader)? {
            None => return Ok(()),
            Some(Incoming::Request(request)) => request,
            Some(Incoming::Malformed) => {
                writer.write_all(
                    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbad request\n",
                )?;
                return writer.flush();
            }
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

/// Reads one request head and drops its body; `None` when the connection
/// closed, idled out or sent a head too large.
fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Incoming>> {
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
        // Blank lines before a request are allowed (RFC 9112 §2.2).
        if head.is_empty() && (line == b"\r\n" || line == b"\n") {
            continue;
        }
        head.extend_from_slice(&line);
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) | Err(_) => return Ok(Some(Incoming::Malformed)),
    }
    let (Some(method), Some(target), Some(version)) = (parsed.method, parsed.path, parsed.version)
    else {
        return Ok(Some(Incoming::Malformed));
    };
    let header = |name: &str| -> Vec<String> {
        parsed
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
            .collect()
    };
    let mut keep_alive = version == 1;
    for value in header("connection") {
        let tokens = || value.split(',').map(str::trim);
        if tokens().any(|t| t == "close") {
            keep_alive = false;
        } else if tokens().any(|t| t == "keep-alive") {
            keep_alive = true;
        }
    }
    // A body is never used, but it must be read, or its bytes would be taken
    // for the next request's head. One of unknown length (chunked) or too
    // large to read ends the connection after the answer.
    let lengths = header("content-length");
    let length = match lengths.as_slice() {
        [] => Some(0),
        [one] => one.parse::<u64>().ok(),
        _ => None,
    };
    let chunked = !header("transfer-encoding").is_empty();
    match length {
        Some(length) if !chunked && length <= MAX_DRAINED => {
            let drained = io::copy(&mut reader.by_ref().take(length), &mut io::sink())?;
            if drained < length {
                return Ok(None);
            }
        }
        _ => keep_alive = false,
    }
    let target = target.split('#').next().unwrap_or_default();
    let (raw_path, query) = match target.find('?') {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    let path = percent_encoding::percent_decode_str(raw_path)
        .decode_utf8_lossy()
        .into_owned();
    Ok(Some(Incoming::Request(Request {
        method: method.to_string(),
        path,
        query: query.to_string(),
        keep_alive,
    })))
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
                Contents::Bytes(bytes) if content_type.starts_with("text/html") => {
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

    /// A server on a free loopback port for a site under `/b/` that has no
    /// files yet: `/` redirects to `/b/`, other paths are 404, POST is 405.
    fn server() -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            state: std::sync::RwLock::new(super::super::Published {
                files: Arc::new(BTreeMap::new()),
                base_path: "/b/".into(),
                generation: 1,
                errors: None,
            }),
            clients: Default::default(),
            id: 7,
            history: Default::default(),
        });
        std::thread::spawn(move || accept(listener, shared));
        address
    }

    /// Reads one response: its status and `Location`, body skipped by its length.
    fn response(reader: &mut BufReader<TcpStream>) -> (u16, Option<String>) {
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        let code = status
            .split(' ')
            .nth(1)
            .unwrap_or_default()
            .parse()
            .unwrap_or(0);
        let (mut length, mut location) = (0, None);
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(": ").unwrap();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().unwrap(),
                "location" => location = Some(value.to_string()),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        (code, location)
    }

    /// The tests below count the server's threads, so they run one at a time.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// A POST's body is read and dropped, so the GET after it on the same
    /// kept-alive connection is answered as itself, even when the body looks
    /// like a request.
    #[test]
    fn a_request_body_does_not_desync_a_kept_alive_connection() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let address = server();
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let body = "GET /b/elsewhere HTTP/1.1\r\n\r\n";
        write!(
            stream,
            "POST /b/form HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /b/missing HTTP/1.1\r\nHost: x\r\n\r\n",
            body.len()
        )
        .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        assert_eq!(response(&mut reader), (405, None));
        assert_eq!(response(&mut reader), (302, Some("/b/".into())));
        assert_eq!(response(&mut reader), (404, None));
        // Nothing more was answered: the body was not taken for a request.
        stream
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let mut rest = Vec::new();
        let _ = reader.read_to_end(&mut rest);
        assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));

        // A malformed head is a 400, and the connection closes.
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.write_all(b"GET /\x01 HTTP/1.1\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        assert_eq!(response(&mut reader), (400, None));
    }

    /// Threads named like the server's connection threads, in this process.
    #[cfg(target_os = "linux")]
    fn connection_threads() -> usize {
        std::fs::read_dir("/proc/self/task")
            .unwrap()
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|name| name.trim() == "casebook-http")
            .count()
    }

    /// Beyond [`MAX_CONNECTIONS`] open connections, a new one is answered 503
    /// and closed without a thread of its own; once one closes, the next is
    /// served again.
    #[test]
    fn connections_beyond_the_cap_are_refused_without_a_thread() {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let address = server();
        let get = |stream: &TcpStream| {
            let mut stream = stream.try_clone().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap();
            response(&mut BufReader::new(stream))
        };
        let mut held: Vec<TcpStream> = (0..MAX_CONNECTIONS)
            .map(|_| TcpStream::connect(address).unwrap())
            .collect();
        // Each held connection is served: its thread answers.
        for stream in &held {
            assert_eq!(get(stream).0, 302);
        }
        #[cfg(target_os = "linux")]
        let before = connection_threads();
        for _ in 0..3 {
            let extra = TcpStream::connect(address).unwrap();
            assert_eq!(get(&extra).0, 503);
        }
        #[cfg(target_os = "linux")]
        assert_eq!(connection_threads(), before);
        drop(held.pop());
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let next = TcpStream::connect(address).unwrap();
            match get(&next).0 {
                302 => break,
                503 if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => panic!("answered {other} after a connection closed"),
            }
        }
    }
}
