//! The floor for a build on this machine: read every input file, then write
//! the same files, with the same sizes, that a real build wrote; no processing.
//!
//! Usage: cargo run --release --example floor -- <site-root> <built-output> <scratch-dir>

use rayon::prelude::*;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [root, built, scratch] = args.as_slice() else {
        eprintln!("usage: floor <site-root> <built-output> <scratch-dir>");
        std::process::exit(2);
    };
    let started = std::time::Instant::now();
    let read: u64 = files(&root.join("content"))
        .par_iter()
        .map(|p| std::fs::read(p).map_or(0, |b| b.len() as u64))
        .sum();
    let outputs = files(built);
    let _ = std::fs::remove_dir_all(scratch);
    let written: u64 = outputs
        .par_iter()
        .map(|p| {
            let rel = p.strip_prefix(built).unwrap_or(p);
            let target = scratch.join(rel);
            let size = std::fs::metadata(p).map_or(0, |m| m.len());
            if let Some(parent) = target.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(&target, vec![b'x'; size as usize]);
            size
        })
        .sum();
    eprintln!(
        "floor: read {} MB, wrote {} files, {} MB in {:.2?}",
        read >> 20,
        outputs.len(),
        written >> 20,
        started.elapsed()
    );
}
