//! How the evaluation's gathered facts cross the driver: a service's rows packed many to one
//! text row. The driver's cost is per row and per column (at 100k referrals, reading the facts a
//! row each took five times as long as the database took to find them); a bounded number per
//! row keeps a national single-service database from building one string of hundreds of
//! megabytes.

/// How many rows of a fact table one packed row holds at most.
const ROWS_PER_PACK: usize = 4096;

/// A query of one service's rows of `table` (`$1`: the service), each as `item`, joined by
/// `separator` in `order_by` order, [`ROWS_PER_PACK`] to a returned row, the packs in order too.
pub(in super::super) fn select(item: &str, separator: char, order_by: &str, table: &str) -> String {
    format!(
        "SELECT string_agg({item}, '{separator}' ORDER BY {order_by}) \
         FROM (SELECT *, (ROW_NUMBER() OVER (ORDER BY {order_by}) - 1) / {ROWS_PER_PACK} AS pack FROM {table} WHERE service_org_id = $1) f \
         GROUP BY pack ORDER BY pack"
    )
}
