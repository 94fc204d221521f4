//! The PostgreSQL build of the shared SQL implementation: for ICB-wide deployments where several
//! app servers share one database.

pub type Db = sqlx::Postgres;

#[path = "sql/mod.rs"]
mod sql;
pub use sql::SqlStore;

/// Appended to a SELECT that reads a row the transaction will then change. PostgreSQL locks the
/// row, so a concurrent change waits instead of working from a stale read.
const LOCK_ROW: &str = " FOR UPDATE";

/// How a transaction that will write starts. PostgreSQL locks rows as they are written; a plain `BEGIN` is enough.
const BEGIN_WRITE: &str = "BEGIN";

/// PostgreSQL runs writers concurrently (they wait only for the rows they share).
const ONE_WRITER_AT_A_TIME: bool = false;

/// Serialises the transactions that write a service's people (until they end), so that two that
/// upsert the same people in different orders (two imports of one GP list) cannot deadlock.
/// `NO KEY UPDATE` does not block the foreign-key checks of other writes naming the organisation.
async fn lock_people(tx: &mut sqlx::Transaction<'_, Db>, service_org_id: &str) -> crate::Result<()> {
    sqlx::query("SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE").bind(service_org_id).execute(&mut **tx).await?;
    Ok(())
}

/// Connections each server opens at most, per core of its machine. On the 2-core benchmark
/// machine (PostgreSQL on the same cores), 16 connections gave the caseload p99 79–82 ms and 8 gave
/// 47–54 ms at a higher rate (32: 182–189 ms): past a few per core, more connections only add
/// switching between PostgreSQL's processes.
const CONNECTIONS_PER_CORE: usize = 4;

/// How many connections a server opens at most: [`CONNECTIONS_PER_CORE`] per core, at least 4.
fn pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    u32::try_from((cores * CONNECTIONS_PER_CORE).max(4)).unwrap_or(u32::MAX)
}

async fn open_pool(url: &str) -> crate::Result<sqlx::Pool<Db>> {
    Ok(sqlx::postgres::PgPoolOptions::new().max_connections(pool_size()).connect(url).await?)
}

/// PostgreSQL looks after its own write-ahead log (its checkpointer and autovacuum).
fn start_upkeep(_url: &str, _pool: &sqlx::Pool<Db>, _writers: std::sync::Weak<tokio::sync::Mutex<()>>) {}

/// PostgreSQL needs no per-connection settings for a bulk load (its buffers are server-wide).
async fn begin_bulk_load(_conn: &mut sqlx::PgConnection) -> crate::Result<()> {
    Ok(())
}

async fn end_bulk_load(_conn: &mut sqlx::PgConnection) -> crate::Result<()> {
    Ok(())
}

/// After a bulk load has committed: the planner's statistics refreshed now, not when autovacuum
/// gets round to it. A bundle can multiply a table's rows a hundredfold; planned on the old
/// statistics, the ICB report right after importing 100,000 referrals took 11 s instead of 7.
async fn after_bulk_load(conn: &mut sqlx::PgConnection) -> crate::Result<()> {
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(())
}

/// What `linkwork backup`/`restore` need to know about a PostgreSQL database (the copying itself
/// is done by PostgreSQL's own `pg_dump` and `pg_restore`).
impl SqlStore {
    /// Rows in each table of the `public` schema, where Linkwork keeps everything.
    pub async fn table_rows(&self) -> crate::Result<Vec<crate::TableRows>> {
        let tables: Vec<String> = sqlx::query_scalar("SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetch_all(self.pool()).await?;
        let mut out = Vec::with_capacity(tables.len());
        for table in tables {
            let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM public.\"{}\"", table.replace('"', "\"\""))).fetch_one(self.pool()).await?;
            out.push(crate::TableRows { table, rows });
        }
        Ok(out)
    }

    /// The database's size on disk in bytes, for progress.
    pub async fn size_bytes(&self) -> crate::Result<i64> {
        Ok(sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(self.pool()).await?)
    }
}

/// The advisory lock under which a server starting creates the database's triggers and their
/// functions, so two servers starting at once agree.
const SCHEMA_OBJECTS_LOCK: i64 = 727_411;

/// The advisory lock that guards the marks of stale evaluation facts: every transaction that
/// marks holds it shared until it ends; a rebuild takes it exclusively (see [`lock_fact_marks`]).
/// One lock for both mark tables, so a rebuild and a writer marking both cannot deadlock.
const FACT_MARKS_LOCK: i64 = 727_412;

/// Marks the evaluation facts each write makes stale, in the write's transaction (see
/// `sql/evaluation/freshness.rs`). Statement triggers reading the statement's changed rows
/// (transition tables), so a bulk insert marks once per statement, not once per row; each skips
/// its work while everything is marked ('*', as a bundle import does). One transaction under an
/// advisory lock, so two servers starting at once agree.
async fn keep_evaluation_facts_current(pool: &sqlx::Pool<Db>) -> crate::Result<()> {
    use sql::evaluation::freshness::{REFERENCE_TABLES, REFERRAL_PARTS};
    const ALL_REFERRALS: &str = "SELECT 1 FROM referral_facts_stale WHERE referral_id = '*'";
    const ALL_ACTIVITY: &str = "SELECT 1 FROM activity_facts_stale WHERE service_org_id = '*'";
    const REFERRALS_MARKED: &str = "INSERT INTO referral_facts_stale (referral_id)";
    const ACTIVITY_MARKED: &str = "INSERT INTO activity_facts_stale (service_org_id, person_id)";
    const ALL_COMPARISON: &str = "SELECT 1 FROM comparison_facts_stale WHERE service_org_id = '*'";
    const COMPARISON_MARKED: &str = "INSERT INTO comparison_facts_stale (service_org_id, person_key)";
    // A marking function: `select` reads the marks from `{rows}` (new_rows, then old_rows).
    let marking = |name: &str, unless: &str, insert: &str, select: &str| {
        let from = |rows: &str| select.replace("{rows}", rows);
        format!(
            "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
               PERFORM pg_advisory_xact_lock_shared({FACT_MARKS_LOCK}); \
               IF EXISTS ({unless}) THEN RETURN NULL; END IF; \
               IF TG_OP IN ('INSERT', 'UPDATE') THEN {insert} {} ON CONFLICT DO NOTHING; END IF; \
               IF TG_OP IN ('UPDATE', 'DELETE') THEN {insert} {} ON CONFLICT DO NOTHING; END IF; \
               RETURN NULL; END $$",
            from("new_rows"),
            from("old_rows"),
        )
    };
    let mark_all = |name: &str, insert: &str, values: &str| {
        format!(
            "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
               PERFORM pg_advisory_xact_lock_shared({FACT_MARKS_LOCK}); \
               {insert} VALUES {values} ON CONFLICT DO NOTHING; RETURN NULL; END $$"
        )
    };
    let mut statements = vec![
        marking("linkwork_mark_referral_parts", ALL_REFERRALS, REFERRALS_MARKED, "SELECT DISTINCT referral_id FROM {rows}"),
        marking("linkwork_mark_referrals", ALL_REFERRALS, REFERRALS_MARKED, "SELECT id FROM {rows}"),
        // A person's referrals copy their date of birth, sex, ethnicity and area.
        marking("linkwork_mark_people", ALL_REFERRALS, REFERRALS_MARKED, "SELECT DISTINCT r.id FROM referrals r JOIN {rows} p ON r.person_id = p.id"),
        marking("linkwork_mark_activity", ALL_ACTIVITY, ACTIVITY_MARKED, "SELECT DISTINCT service_org_id, person_id FROM {rows}"),
        mark_all("linkwork_mark_all_referrals", REFERRALS_MARKED, "('*')"),
        mark_all("linkwork_mark_all_activity", ACTIVITY_MARKED, "('*', '*')"),
        marking("linkwork_mark_comparison", ALL_COMPARISON, COMPARISON_MARKED, "SELECT DISTINCT service_org_id, person_key FROM {rows}"),
        mark_all("linkwork_mark_all_comparison", COMPARISON_MARKED, "('*', '*')"),
    ];
    let mut on_every_change = |table: &str, function: &str, on_truncate: &str| {
        for (op, referencing) in [("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows")] {
            statements.push(format!(
                "CREATE OR REPLACE TRIGGER facts_{table}_{} AFTER {op} ON {table} REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
                op.to_lowercase()
            ));
        }
        statements.push(format!("CREATE OR REPLACE TRIGGER facts_{table}_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {on_truncate}()"));
    };
    for table in REFERRAL_PARTS {
        on_every_change(table, "linkwork_mark_referral_parts", "linkwork_mark_all_referrals");
    }
    on_every_change("referrals", "linkwork_mark_referrals", "linkwork_mark_all_referrals");
    on_every_change("people", "linkwork_mark_people", "linkwork_mark_all_referrals");
    on_every_change("health_activity", "linkwork_mark_activity", "linkwork_mark_all_activity");
    on_every_change("comparison_people", "linkwork_mark_comparison", "linkwork_mark_all_comparison");
    on_every_change("comparison_activity", "linkwork_mark_comparison", "linkwork_mark_all_comparison");
    for table in REFERENCE_TABLES {
        statements.push(format!(
            "CREATE OR REPLACE TRIGGER facts_{table}_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION linkwork_mark_all_referrals()"
        ));
        // Reference data moves comparison people's deciles too.
        statements.push(format!(
            "CREATE OR REPLACE TRIGGER facts_{table}_comparison_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION linkwork_mark_all_comparison()"
        ));
    }
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SCHEMA_OBJECTS_LOCK).execute(&mut *tx).await?;
    for statement in &statements {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Holds the marks of stale evaluation facts while they are rebuilt: waits for every transaction
/// that has marked something to end, and keeps new ones from marking until this one ends.
async fn lock_fact_marks(conn: &mut sqlx::PgConnection) -> crate::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(FACT_MARKS_LOCK).execute(&mut *conn).await?;
    Ok(())
}

/// The database itself refuses to change, delete or truncate audit events (and the lists of
/// people they name), whoever asks; only sealing an event not yet in the hash chain is let
/// through. One transaction under an advisory lock, so two servers starting at once agree.
async fn protect_audit_trail(pool: &sqlx::Pool<Db>) -> crate::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SCHEMA_OBJECTS_LOCK).execute(&mut *tx).await?;
    for statement in [
        "CREATE OR REPLACE FUNCTION linkwork_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN RAISE EXCEPTION 'audit events cannot be changed or deleted (%)', TG_OP; END $$",
        "CREATE OR REPLACE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW WHEN (OLD.hash IS NOT NULL) EXECUTE FUNCTION linkwork_audit_is_append_only()",
        "CREATE OR REPLACE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION linkwork_audit_is_append_only()",
        "CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION linkwork_audit_is_append_only()",
        "CREATE OR REPLACE TRIGGER audit_chain_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION linkwork_audit_is_append_only()",
    ] {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    for table in sql::AUDIT_PEOPLE_TABLES {
        for (op, each) in [("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")] {
            let trigger = format!(
                "CREATE OR REPLACE TRIGGER {table}_no_{} BEFORE {op} ON {table} FOR EACH {each} EXECUTE FUNCTION linkwork_audit_is_append_only()",
                op.to_lowercase()
            );
            sqlx::query(&trigger).execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_server_opens_four_connections_per_core_and_never_fewer_than_four() {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        assert_eq!(super::pool_size() as usize, (cores * 4).max(4));
        assert!(super::pool_size() >= 4);
    }
}
