//! Serve: the live preview. Builds the site into memory, serves it on
//! loopback, and after every save rebuilds what the change touched and tells
//! the open tabs to reload, or to show the errors that stopped the rebuild.
//!
//! 1. Bind the address first, so the pages are built for the real origin
//!    (`http://127.0.0.1:1111` + the base_url's sub-path).
//! 2. Build once ([`Preview`]), then serve it from memory ([`http`]).
//! 3. Watch content/, themes/ and casebook.yaml; the debouncer turns an
//!    editor's save (write a temporary file, rename it over) into one change.
//! 4. On each change: rebuild incrementally, swap the output in, and send the
//!    tabs a `built` event with the changed URLs, or an `errors` event.

pub mod http;
mod memo;
mod preview;

pub use memo::Memo;
pub use preview::{Pages, Preview, Served, Update};

use crate::BuildOptions;
use crate::diagnostics::{Diagnostic, Record, Words, words};
use crate::language::Language;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::DebounceEventResult;
use serde_json::json;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::Duration;

/// How long the watcher waits for a file to settle before reporting it.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// Beyond this many changed files, tabs are told to reload whatever they show.
const MAX_LISTED_CHANGES: usize = 500;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// Print each rebuild's stage times.
    pub timings: bool,
    /// The language of the terminal lines and the error overlay.
    pub language: Language,
}

/// Whether the site reads the root-relative path `rel`, so that a change to
/// it calls for a rebuild: casebook.yaml and what is under content/ and
/// themes/, but not the output folder, editor leftovers or other files. What
/// a change touches is worked out by the rebuild itself, from the files.
pub fn is_watched(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let leftover = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913";
    let under = |folder: &str| rel == folder || rel.starts_with(&format!("{folder}/"));
    rel == crate::config::CONFIG_FILE || !leftover && (under("content") || under("themes"))
}

/// Why the server could not start.
#[derive(Debug)]
pub struct StartError {
    pub diagnostic: Box<Diagnostic>,
    /// True when the command line asked for something impossible (exit 2).
    pub usage: bool,
}

/// What the HTTP threads share with the rebuild loop.
pub struct Shared {
    state: RwLock<Published>,
    /// One sender per open event stream.
    clients: Mutex<Vec<mpsc::Sender<String>>>,
    /// Tells this server from the one before it, so a tab reloads when the
    /// server was restarted.
    id: u64,
    /// The output paths each recent generation changed, oldest first.
    history: Mutex<std::collections::VecDeque<(u64, Vec<String>)>>,
}

/// How many generations of changes a reconnecting tab can catch up on.
const HISTORY: usize = 64;

/// What the server shows: the last good output, and the errors of the last
/// rebuild if it failed. Swapped whole after each rebuild.
struct Published {
    files: Arc<std::collections::BTreeMap<String, Served>>,
    base_path: String,
    generation: u64,
    /// The `errors` event to send a newly opened tab, when there are errors.
    errors: Option<String>,
}

impl Published {
    fn of(preview: &Preview) -> Published {
        Published {
            files: Arc::clone(preview.files()),
            base_path: preview.base_path().to_string(),
            generation: preview.generation(),
            errors: (!preview.errors().is_empty()).then(|| errors_event(preview)),
        }
    }
}

impl StartError {
    /// The command line asked for something impossible (exit 2).
    fn usage(message: Words, hint: Option<Words>) -> StartError {
        StartError {
            diagnostic: Box::new(Diagnostic::error_in("", message, hint)),
            usage: true,
        }
    }

    fn failure(message: Words) -> StartError {
        StartError {
            diagnostic: Box::new(Diagnostic::error_in("", message, None)),
            usage: false,
        }
    }
}

impl Shared {
    fn broadcast(&self, message: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|client| client.send(message.to_string()).is_ok());
    }

    /// Remembers what `generation` changed, and tells the tabs.
    fn announce(&self, base: &str, generation: u64, changed: Vec<String>) {
        self.broadcast(&built_event(base, generation, changed.iter()));
        let mut history = self.history.lock().unwrap_or_else(|e| e.into_inner());
        history.push_back((generation, changed));
        while history.len() > HISTORY {
            history.pop_front();
        }
    }

    /// A `built` event of everything changed after generation `since`; all
    /// of it when that is too long ago to know.
    fn changes_since(&self, since: u64, base: &str, current: u64) -> String {
        let history = self.history.lock().unwrap_or_else(|e| e.into_inner());
        let known = history
            .front()
            .is_some_and(|(oldest, _)| *oldest <= since + 1);
        if !known {
            return event(
                "built",
                &json!({ "generation": current, "base": base, "all": true, "changed": [] }),
            );
        }
        let changed: Vec<&String> = history
            .iter()
            .filter(|(generation, _)| *generation > since)
            .flat_map(|(_, changed)| changed)
            .collect();
        built_event(base, current, changed.into_iter())
    }
}

/// One server-sent event.
fn event(name: &str, data: &serde_json::Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// The `errors` event: the errors of the last rebuild, for the overlay, as
/// the records `check --format json` prints.
pub fn errors_event(preview: &Preview) -> String {
    let language = preview.language;
    let errors: Vec<Record<'_>> = preview
        .errors()
        .iter()
        .map(|d| d.record(language))
        .collect();
    event(
        "errors",
        &json!({ "errors": errors, "language": language.pick("ja", "en") }),
    )
}

/// The `built` event: the URLs of what changed, for tabs to decide whether
/// they show any of it.
fn built_event<'a>(
    base: &str,
    generation: u64,
    changed: impl Iterator<Item = &'a String>,
) -> String {
    let url = |path: &String| {
        let path = path.strip_suffix("index.html").unwrap_or(path);
        format!("{base}{path}")
    };
    let changed: Vec<&String> = changed.collect();
    let urls: Vec<String> = changed
        .iter()
        .take(MAX_LISTED_CHANGES)
        .map(|p| url(p))
        .collect();
    event(
        "built",
        &json!({
            "generation": generation,
            "base": base,
            "all": changed.len() > MAX_LISTED_CHANGES,
            "changed": urls,
        }),
    )
}

/// Builds, serves and watches until the process is stopped. Returns only
/// when it cannot start.
pub fn run(options: &ServeOptions) -> Result<(), StartError> {
    let root = &options.root;
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        return Err(StartError::usage(
            words(
                format!("no {} in {}", crate::config::CONFIG_FILE, root.display()),
                format!(
                    "{} に {} がありません",
                    root.display(),
                    crate::config::CONFIG_FILE
                ),
            ),
            Some(words(
                "run casebook serve in a site folder, or point --root at one",
                "サイトのフォルダーで casebook serve を実行するか、--root でそのフォルダーを指定してください",
            )),
        ));
    }
    let listener =
        TcpListener::bind(SocketAddr::new(options.bind, options.port)).map_err(|e| {
            StartError::usage(
                words(
                    format!("cannot listen on {}:{}: {e}", options.bind, options.port),
                    format!("{}:{} で待ち受けられません: {e}", options.bind, options.port),
                ),
                Some(words(
                    "another program may use the port; try --port 1112, or --port 0 for any free one",
                    "ほかのプログラムがこのポートを使っているかもしれません。--port 1112 か、空いているポートを使う --port 0 を試してください",
                )),
            )
        })?;
    let address = listener.local_addr().map_err(|e| {
        StartError::failure(words(
            format!("cannot read the listening address: {e}"),
            format!("待ち受けているアドレスを読めません: {e}"),
        ))
    })?;
    if !options.bind.is_loopback() {
        match options.language {
            Language::Japanese => eprintln!(
                "warning: {} はほかのコンピューターからも見えるアドレスです。プレビューはこのコンピューターで見るためのものです",
                options.bind
            ),
            Language::English => eprintln!(
                "warning: serving on {}, which other computers can reach; the preview is meant for this one",
                options.bind
            ),
        }
    }
    let origin = format!("http://{address}");

    let build_options = BuildOptions {
        root: root.clone(),
        output: None,
        base_url: None,
        drafts: options.drafts,
        check_only: false,
    };
    let mut preview = Preview::new(build_options, Some(origin.clone()));
    preview.language = options.language;
    let update = preview.rebuild(&[]);
    report(&preview, &update, true, options.timings);
    let base_path = preview.base_path().to_string();
    let id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64 ^ u64::from(std::process::id()));
    let shared = Arc::new(Shared {
        state: RwLock::new(Published::of(&preview)),
        clients: Mutex::new(Vec::new()),
        id,
        history: Mutex::new(std::collections::VecDeque::new()),
    });

    let (sender, events) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer =
        notify_debouncer_full::new_debouncer(DEBOUNCE, None, sender).map_err(|e| {
            let mut error = StartError::failure(words(
                format!("cannot watch files: {e}"),
                format!("ファイルの変更を見張れません: {e}"),
            ));
            *error.diagnostic = (*error.diagnostic)
                .clone()
                .hint("the system may be out of inotify watches (fs.inotify.max_user_watches)")
                .ja_hint("システムの inotify の上限（fs.inotify.max_user_watches）に達しているかもしれません");
            error
        })?;
    // The root without recursion sees casebook.yaml, and content/ or themes/
    // being created; the folders themselves are watched whole.
    let mut watched = Vec::new();
    let watch = |debouncer: &mut notify_debouncer_full::Debouncer<_, _>,
                 watched: &mut Vec<PathBuf>,
                 path: PathBuf,
                 mode| {
        if !watched.contains(&path) && path.exists() && debouncer.watch(&path, mode).is_ok() {
            watched.push(path);
        }
    };
    watch(
        &mut debouncer,
        &mut watched,
        root.clone(),
        RecursiveMode::NonRecursive,
    );
    for folder in ["content", "themes"] {
        watch(
            &mut debouncer,
            &mut watched,
            root.join(folder),
            RecursiveMode::Recursive,
        );
    }

    let accept_shared = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("casebook-accept".into())
        .spawn(move || http::accept(listener, accept_shared))
        .map_err(|e| {
            StartError::failure(words(
                format!("cannot start the server thread: {e}"),
                format!("サーバーのスレッドを起動できません: {e}"),
            ))
        })?;
    let language = options.language;
    match language {
        Language::Japanese => println!("プレビュー: {origin}{base_path}"),
        Language::English => println!("serving {origin}{base_path}"),
    }
    eprintln!(
        "{}",
        language.pick(
            "content/、themes/ と casebook.yaml の変更を見張っています。Ctrl-C で終わります",
            "watching content/, themes/ and casebook.yaml; press Ctrl-C to stop"
        )
    );

    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.clone());
    while let Ok(first) = events.recv() {
        // Take every change that is already waiting, and rebuild once.
        let mut batch = vec![first];
        while let Ok(more) = events.try_recv() {
            batch.push(more);
        }
        let mut changed: Vec<String> = Vec::new();
        for result in batch {
            let Ok(found) = result else { continue };
            for event in found {
                if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
                    continue;
                }
                for path in &event.paths {
                    let rel = path
                        .strip_prefix(&canonical_root)
                        .or_else(|_| path.strip_prefix(root))
                        .map(|p| crate::content::walk::rel_path(Path::new(""), p));
                    if let Ok(rel) = rel
                        && is_watched(&rel)
                        && !changed.contains(&rel)
                    {
                        changed.push(rel);
                    }
                }
            }
        }
        if changed.is_empty() {
            continue;
        }
        for folder in ["content", "themes"] {
            if changed.iter().any(|rel| rel == folder) {
                watch(
                    &mut debouncer,
                    &mut watched,
                    root.join(folder),
                    RecursiveMode::Recursive,
                );
            }
        }
        rebuild(&mut preview, &shared, &changed, options.timings);
    }
    Ok(())
}

/// Rebuilds, publishes the result and tells the tabs: the pages as soon as
/// they are made, then the rest. The old output is served until each swap.
fn rebuild(preview: &mut Preview, shared: &Shared, changed: &[String], timings: bool) {
    let mut announced = std::collections::BTreeSet::new();
    let update = preview.rebuild_staged(changed, &mut |pages| {
        let mut published = shared.state.write().unwrap_or_else(|e| e.into_inner());
        published.files = Arc::clone(pages.files);
        published.generation = pages.generation;
        published.errors = None;
        published.base_path = pages.base_path.to_string();
        // Under the lock, so a tab that connects now either finds the new
        // state or hears this event, never neither.
        shared.announce(pages.base_path, pages.generation, pages.changed.to_vec());
        announced.extend(pages.changed.iter().cloned());
    });
    {
        let mut published = shared.state.write().unwrap_or_else(|e| e.into_inner());
        *published = Published::of(preview);
        if update.has_errors() {
            shared.broadcast(&errors_event(preview));
        } else {
            // What the tabs have not heard of yet: the feed, sitemap and open
            // data, and removed pages.
            let rest: Vec<String> = update
                .changed
                .iter()
                .filter(|path| !announced.contains(*path))
                .chain(&update.removed)
                .cloned()
                .collect();
            shared.announce(preview.base_path(), preview.generation(), rest);
        }
    }
    report(preview, &update, false, timings);
}

/// One line per rebuild on the terminal, and the diagnostics in full.
fn report(preview: &Preview, update: &Update, first: bool, timings: bool) {
    let language = preview.language;
    let text = update.diagnostics.render_text(language);
    if !text.is_empty() {
        eprint!("{text}");
    }
    if timings {
        eprint!("{}", update.timings);
    }
    let ms = update.elapsed.as_secs_f64() * 1000.0;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let line = if update.has_errors() {
        let count = update.diagnostics.error_count();
        match (language, first) {
            (Language::Japanese, true) => {
                format!("エラーが{count}件あります。直すとページが表示されます")
            }
            (Language::Japanese, false) => format!(
                "エラーが{count}件あります。プレビューは前回うまくいった状態のまま、ページにエラーを表示します"
            ),
            (Language::English, true) => format!(
                "{count} error{} found; the pages will appear once they are fixed",
                plural(count)
            ),
            (Language::English, false) => format!(
                "{count} error{} found; the preview keeps the last good build and shows the errors in the page",
                plural(count)
            ),
        }
    } else if first {
        let files = preview.files().len();
        match language {
            Language::Japanese => format!("{files}個のファイルを作りました（{ms:.0} ms）"),
            Language::English => format!("built {files} files in {ms:.0} ms"),
        }
    } else if update.timings.is_empty() {
        match language {
            Language::Japanese => {
                format!("保存されましたが変更はありません（{ms:.1} ms）。作り直すものはありません")
            }
            Language::English => {
                format!("saved without changes ({ms:.1} ms): nothing to rebuild")
            }
        }
    } else {
        let (rendered, changed, removed) =
            (update.rendered, update.changed.len(), update.removed.len());
        match language {
            Language::Japanese => format!(
                "作り直しました（{ms:.0} ms）: {rendered}ページを描画、{changed}個のファイルを更新、{removed}個を削除"
            ),
            Language::English => format!(
                "rebuilt in {ms:.0} ms: {rendered} page{} rendered, {changed} file{} changed, {removed} removed",
                plural(rendered),
                plural(changed)
            ),
        }
    };
    eprintln!("{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watched_paths() {
        for (rel, expected) in [
            ("casebook.yaml", true),
            ("content/cases/a.md", true),
            ("content/cases/a/exterior.jpg", true),
            ("content", true),
            ("themes/city/templates/base.html", true),
            ("themes", true),
            ("content/cases/.a.md.swp", false),
            ("content/cases/a.md~", false),
            ("content/cases/4913", false),
            ("content.md", false),
            ("themes-old/base.html", false),
            ("public/index.html", false),
            ("README.md", false),
        ] {
            assert_eq!(is_watched(rel), expected, "{rel}");
        }
    }
}
