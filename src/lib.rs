//! casebook: Markdown case studies in, a static site out.

pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod escape;
pub mod markdown;
pub mod model;
pub mod render;
