//! Every integration test file of this crate is a module of this one test binary: one link
//! instead of one per file. Each unoptimised binary is over 100 MB, and thirty of them took
//! gigabytes of a CI machine's disk and minutes of its two cores. Run one file's tests with
//! `cargo test -p linkwork-web --test suite -- <file>::`.

mod support;

mod access;
mod access_matrix;
mod api_contract;
mod api_paging;
mod audit_reads;
mod casework;
mod concurrency;
mod contact_details;
mod corrections;
mod daily_flow;
mod directory;
mod discharge_walkthrough;
mod equity;
mod fhir;
mod fhir_messages;
mod fhir_tasks;
mod gp_message;
mod forms_once;
mod fuzz_imports;
mod health;
mod http;
mod identity;
mod import;
mod input_hardening;
mod measurement;
mod oidc;
mod onward_loop;
mod oruk;
mod partner_list;
mod partnership;
mod plan_and_directory;
mod polish;
mod report_outputs;
mod rights;
mod stakeholders;

/// A test file that is neither a module of a crate's `suite.rs` nor a `[[test]]` of its own would
/// never be compiled (the crates say `autotests = false`), and its tests would silently not run.
#[test]
fn every_integration_test_file_of_the_workspace_is_run() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut missing = Vec::new();
    for krate in ["store", "web", "linkwork"] {
        let tests = crates.join(krate).join("tests");
        let suite = std::fs::read_to_string(tests.join("suite.rs")).unwrap();
        let manifest = std::fs::read_to_string(crates.join(krate).join("Cargo.toml")).unwrap();
        for entry in std::fs::read_dir(&tests).unwrap() {
            let path = entry.unwrap().path();
            let (Some(stem), Some("rs")) = (path.file_stem().and_then(|s| s.to_str()), path.extension().and_then(|e| e.to_str())) else { continue };
            let listed = stem == "suite" || suite.lines().any(|l| l.trim() == format!("mod {stem};")) || manifest.contains(&format!("path = \"tests/{stem}.rs\""));
            if !listed {
                missing.push(format!("crates/{krate}/tests/{stem}.rs"));
            }
        }
    }
    assert!(missing.is_empty(), "not in their crate's tests/suite.rs nor a [[test]] of its own: {missing:?}");
}
