//! Linkwork's use cases: the one door to the store for every shell (the web pages, the JSON API,
//! FHIR, the command line). Each function parses what was submitted into domain values, decides
//! access (through `linkwork_domain::access` and the helpers in [`casework`]), audits every read of
//! personal data ([`reads`]), and calls the store. No HTTP here: shells turn [`AppError`] into
//! their own answers.

pub mod access;
pub mod accounts;
pub mod bundle;
pub mod caseload;
pub mod casework;
pub mod clock;
pub mod contact_details;
pub mod corrections;
pub mod dashboard;
pub mod date_input;
pub mod directory;
pub mod equity_import;
mod error;
pub mod fhir;
pub mod forms;
pub mod gp_message;
pub mod health_tariff;
pub mod import;
pub mod import_activity;
pub mod import_comparison;
pub mod intake;
pub mod maintenance;
pub mod measurement;
pub mod once;
pub mod onward_loop;
pub mod oruk;
pub mod oruk_import;
pub mod orgs;
pub mod outbox;
pub mod partner;
pub mod partner_list;
pub mod partnership;
pub mod plan;
pub mod privacy;
pub mod reads;
pub mod report;
pub mod report_scopes;
pub mod service_settings;
pub mod sroi_settings;
pub mod store;
pub mod stakeholders;
pub mod status;
pub mod team;
pub mod workforce;

pub use error::AppError;
