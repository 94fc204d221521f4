//! **Interop**: formats exchanged with other systems. Owns what goes back to the GP record
//! ([`gp_record`]), the import/export bundle ([`bundle`]), imported files (referrals, activity and
//! Open Referral UK feeds: [`import`]) and the one safe CSV writer ([`csv_safe`]). Invariants: bytes
//! in, parsed domain values and located problems out, nothing half-parsed; every CSV written is
//! safe to open in a spreadsheet. Depends on the other contexts; none of them depends on it.

pub mod bundle;
pub mod csv_safe;
pub mod gp_record;
pub mod import;
pub mod snomed_maps;
