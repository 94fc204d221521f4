//! Every integration test file of this crate is a module of this one test binary: one link
//! instead of one per file. Each unoptimised binary is over 100 MB, and thirty of them took
//! gigabytes of a CI machine's disk and minutes of its two cores. Run one file's tests with
//! `cargo test -p linkwork --test suite -- <file>::`.

mod support;
mod seeded;

mod accounts;
mod backup;
mod bundle;
mod bundle_across_backends;
mod bundle_formulas;
mod cli;
mod comparison_import;
mod disclosure;
mod durability;
mod equity;
mod export;
mod fuzz_bundle;
mod import;
mod import_activity;
mod logs;
mod oruk;
mod privacy;
mod report_outputs;
mod several_servers;
