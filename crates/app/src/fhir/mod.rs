//! FHIR R4 (UK Core) mapping of a referral's record, shared by the web shell's FHIR API and the
//! command line's GP-record export: resources built from records read with access decided and
//! audited ([`records::load`]).

pub mod code_systems;
pub mod gp_message;
pub mod gp_record;
pub mod intake;
pub mod onward;
pub mod records;
pub mod resources;

pub use gp_record::{export_gp_record, GpRecordFormat};
pub use records::{load, load_orgs, show_sent_person, Loaded};

/// The media type of FHIR JSON.
pub const FHIR_JSON: &str = "application/fhir+json";
