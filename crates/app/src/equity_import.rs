//! Reference data behind the evaluation's equity section (`linkwork import postcodes | imd |
//! list-profile`): postcode → LSOA (the NSPL), LSOA → IMD decile (File 7), and practices' list
//! profiles. Public statistics, not personal data: no access check or read audit. The shell reads
//! and parses the files; here the parsed rows are written.

use crate::store::Store;
use crate::AppError;
use linkwork_domain::access::OrgKind;
use linkwork_domain::evaluation::equity::{ImdDecile, ListCount, LsoaDeprivation, PostcodeLsoa};

/// Inserts or updates one batch of NSPL rows in one transaction (large files go in batches, so a
/// stopped import is finished by running it again); returns the rows written.
pub async fn upsert_postcodes(store: &dyn Store, rows: &[PostcodeLsoa]) -> Result<u64, AppError> {
    Ok(store.upsert_postcode_lsoas(rows).await?)
}

/// Inserts or updates every IMD File 7 row in one transaction.
pub async fn upsert_deprivation(store: &dyn Store, rows: &[LsoaDeprivation]) -> Result<u64, AppError> {
    Ok(store.upsert_lsoa_deprivation(rows).await?)
}

/// Every imported LSOA with its decile, to turn a list by LSOA into quintiles.
pub async fn lsoa_deciles(store: &dyn Store) -> Result<Vec<(String, ImdDecile)>, AppError> {
    Ok(store.lsoa_deciles().await?)
}

/// The id of the GP practice a list file names by id, ODS code or exact name, if this database
/// has it (national files list every practice in England).
pub async fn practice_id(store: &dyn Store, key: &str) -> Result<Option<String>, AppError> {
    Ok(store.find_org(key).await?.filter(|o| o.kind == OrgKind::Practice).map(|o| o.id))
}

/// Replaces, in one transaction, each (practice, dimension) present in `rows` with these counts.
pub async fn set_list_profile(store: &dyn Store, rows: &[ListCount]) -> Result<u64, AppError> {
    Ok(store.set_list_profile(rows).await?)
}
