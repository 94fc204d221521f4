//! Files brought in from other systems, parsed into domain values. Pure like the rest of the
//! domain: bytes in, parsed rows and problems (with the line and column they belong to) out. The
//! use cases in the web crate decide what to do with them and talk to the store.
//!
//! - [`referrals_csv`] and [`activity_csv`]: CSV files of referrals and of health-system activity;
//!   both read the file through [`csv_file`], so they refuse a bad file in the same words.
//! - [`oruk`]: Open Referral UK feeds, parsed into the [`crate::directory`] record and served back.

pub mod activity_csv;
pub mod comparison_csv;
pub mod csv_file;
pub mod oruk;
pub mod referrals_csv;
