//! The use cases are the only door to the store: the shells (web pages, JSON API, FHIR, ORUK,
//! command line) neither depend on the store crate nor call the store handle they pass on. The
//! access rules and the read audit live in the use cases, so a shell that called the store
//! directly could skip them. (The binary, `crates/linkwork`, is the composition root: it opens the
//! store and hands it to the shells.)

use std::path::{Path, PathBuf};

const SHELLS: [&str; 2] = ["web", "cli"];

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("crates/").to_path_buf()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn shell_sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for shell in SHELLS {
        rust_files(&crates_dir().join(shell).join("src"), &mut files);
    }
    files.into_iter().map(|p| { let text = std::fs::read_to_string(&p).expect("a readable source file"); (p, text) }).collect()
}

/// The `[dependencies]` table of a manifest (tests may still build worlds with the store).
fn dependencies(manifest: &str) -> &str {
    let start = manifest.find("[dependencies]").map_or(manifest.len(), |at| at + "[dependencies]".len());
    let rest = &manifest[start..];
    &rest[..rest.find("\n[").unwrap_or(rest.len())]
}

#[test]
fn no_shell_depends_on_the_store_crate() {
    for shell in SHELLS {
        let manifest = std::fs::read_to_string(crates_dir().join(shell).join("Cargo.toml")).unwrap();
        assert!(!dependencies(&manifest).contains("linkwork-store"), "crates/{shell}/Cargo.toml depends on linkwork-store: go through linkwork_app instead");
    }
}

#[test]
fn no_shell_names_the_store_crate() {
    let offenders: Vec<_> = shell_sources().into_iter().filter(|(_, text)| text.contains("linkwork_store")).map(|(p, _)| p).collect();
    assert!(offenders.is_empty(), "these shell files name linkwork_store (use linkwork_app::store for records): {offenders:?}");
}

/// Where `text` calls a method on something named `store` (`store.x(`, `state.store.x(`, also
/// split over lines), other than handing the handle on (`clone`, `as_ref`); comments skipped.
fn store_calls(text: &str) -> Vec<(usize, String)> {
    let code: String = text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n");
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut calls = Vec::new();
    for (at, _) in code.match_indices("store") {
        if code[..at].chars().last().is_some_and(is_ident) {
            continue;
        }
        let after = code[at + "store".len()..].trim_start();
        let Some(after) = after.strip_prefix('.') else { continue };
        let after = after.trim_start();
        let method: String = after.chars().take_while(|c| is_ident(*c)).collect();
        if !method.is_empty() && after[method.len()..].trim_start().starts_with('(') && !["clone", "as_ref"].contains(&method.as_str()) {
            calls.push((code[..at].matches('\n').count() + 1, method));
        }
    }
    calls
}

#[test]
fn the_scan_finds_a_call_split_over_lines() {
    assert_eq!(store_calls("let x = state\n    .store\n    .caseload(&org)\n    .await;"), [(2, "caseload".to_owned())]);
    assert!(store_calls("run(&*state.store, store.clone()); // store.caseload(").is_empty());
}

#[test]
fn no_shell_calls_the_store_handle() {
    let mut calls = Vec::new();
    for (path, text) in shell_sources() {
        calls.extend(store_calls(&text).into_iter().map(|(line, method)| format!("{}:{line}: store.{method}(", path.display())));
    }
    assert!(calls.is_empty(), "shells call the store directly instead of a use case:\n{}", calls.join("\n"));
}
