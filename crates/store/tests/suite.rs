//! Every integration test file of this crate is a module of this one test binary: one link
//! instead of one per file. Each unoptimised binary is over 100 MB, and thirty of them took
//! gigabytes of a CI machine's disk and minutes of its two cores. Run one file's tests with
//! `cargo test -p linkwork-store --test suite -- <file>::`.

mod support;

mod accounts;
mod audit_chain;
mod audit_lists;
mod bulk;
mod comparison;
mod concurrency;
mod contract;
mod data_version;
mod durability;
mod equity;
mod evaluation_facts;
mod evaluation_freshness;
mod health_activity;
mod kept_lists;
mod measurement;
mod migrations;
mod organisations;
mod oruk;
mod stakeholders;
mod unit_of_work;
