//! Files brought in from other systems, parsed into domain values. Pure like the rest of the
//! domain: bytes in, parsed rows and problems (with the line and column they belong to) out. The
//! use cases in the web crate decide what to do with them and talk to the store.

pub mod activity_csv;
pub mod csv_file;
pub mod oruk;
pub mod referrals_csv;
