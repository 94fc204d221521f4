//! Equity reference data and the facts the equity section of the evaluation needs.

use super::SqlStore;
use crate::AuditActor;
use crate::EquityStore;
use crate::{Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::evaluation::equity::{Dimension, Group, ImdDecile, ListCount, LsoaDeprivation, PostcodeLsoa};
use linkwork_domain::evaluation::workforce::{WorkerFacts, WorkforceFacts, YearTarget};
use linkwork_domain::Postcode;
use std::collections::BTreeMap;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

type Tx<'a> = sqlx::Transaction<'a, super::Db>;

/// Sets a link worker's WTE with its audit event; `NotFound` unless `user_id` is a link worker of the service.
async fn set_wte(tx: &mut Tx<'_>, who: &AuditActor, service_org_id: &str, user_id: &str, wte: Option<f64>) -> Result<()> {
    let done = sqlx::query("UPDATE users SET wte = $1 WHERE id = $2 AND org_id = $3 AND role = 'link_worker'")
        .bind(wte)
        .bind(user_id)
        .bind(service_org_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    super::audit(tx, who, super::Audit { action: "user.wte", entity: "user", entity_id: user_id, person_id: None }).await
}

async fn set_target(tx: &mut Tx<'_>, service_org_id: &str, target: &YearTarget) -> Result<()> {
    sqlx::query(
        "INSERT INTO referral_targets (service_org_id, year, low_pct, high_pct) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (service_org_id, year) DO UPDATE SET low_pct = excluded.low_pct, high_pct = excluded.high_pct",
    )
    .bind(service_org_id)
    .bind(i64::from(target.year))
    .bind(target.low_pct)
    .bind(target.high_pct)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Rows per INSERT statement: well under SQLite's and PostgreSQL's limits on bound parameters.
const CHUNK: usize = 400;

/// `($1, $2, $3), ($4, $5, $6), …` for `rows` rows of `columns` values.
fn placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", (1..=columns).map(|c| format!("${}", r * columns + c)).collect::<Vec<_>>().join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keeps the last row for each key, so one statement never upserts the same key twice
/// (PostgreSQL refuses that).
fn last_per_key<T, K: Ord>(rows: &[T], key: impl Fn(&T) -> K) -> Vec<&T> {
    let mut by_key: BTreeMap<K, &T> = BTreeMap::new();
    for row in rows {
        by_key.insert(key(row), row);
    }
    by_key.into_values().collect()
}

#[async_trait]
impl EquityStore for SqlStore {
    async fn upsert_postcode_lsoas(&self, rows: &[PostcodeLsoa]) -> Result<u64> {
        let rows = last_per_key(rows, |r| r.postcode.as_str().to_owned());
        let mut tx = self.write_tx().await?;
        for chunk in rows.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO postcode_lsoa (postcode, lsoa, terminated) VALUES {} \
                 ON CONFLICT (postcode) DO UPDATE SET lsoa = excluded.lsoa, terminated = excluded.terminated",
                placeholders(chunk.len(), 3)
            );
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query.bind(r.postcode.as_str()).bind(&r.lsoa).bind(&r.terminated);
            }
            query.execute(&mut **tx).await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    async fn upsert_lsoa_deprivation(&self, rows: &[LsoaDeprivation]) -> Result<u64> {
        let rows = last_per_key(rows, |r| r.lsoa.clone());
        let mut tx = self.write_tx().await?;
        for chunk in rows.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO lsoa_imd (lsoa, name, imd_score, imd_rank, imd_decile) VALUES {} \
                 ON CONFLICT (lsoa) DO UPDATE SET name = excluded.name, imd_score = excluded.imd_score, imd_rank = excluded.imd_rank, imd_decile = excluded.imd_decile",
                placeholders(chunk.len(), 5)
            );
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query.bind(&r.lsoa).bind(&r.name).bind(r.score).bind(r.rank).bind(i64::from(r.decile.get()));
            }
            query.execute(&mut **tx).await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    async fn imd_decile(&self, postcode: &Postcode) -> Result<Option<ImdDecile>> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT i.imd_decile FROM postcode_lsoa p JOIN lsoa_imd i ON i.lsoa = p.lsoa WHERE p.postcode = $1")
            .bind(postcode.as_str())
            .fetch_optional(&mut *self.conn().await?)
            .await?;
        row.map(|(d,)| ImdDecile::new(d).ok_or_else(|| corrupt(format!("IMD decile {d}")))).transpose()
    }

    async fn lsoa_deciles(&self) -> Result<Vec<(String, ImdDecile)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT lsoa, imd_decile FROM lsoa_imd").fetch_all(&mut *self.conn().await?).await?;
        rows.into_iter()
            .map(|(lsoa, d)| Ok((lsoa, ImdDecile::new(d).ok_or_else(|| corrupt(format!("IMD decile {d}")))?)))
            .collect()
    }

    async fn set_list_profile(&self, rows: &[ListCount]) -> Result<u64> {
        let rows = last_per_key(rows, |r| (r.practice_id.clone(), r.group));
        let mut replaced: Vec<(&str, Dimension)> = rows.iter().map(|r| (r.practice_id.as_str(), r.group.dimension())).collect();
        replaced.sort();
        replaced.dedup();
        let mut tx = self.write_tx().await?;
        for (practice, dimension) in replaced {
            sqlx::query("DELETE FROM list_profiles WHERE practice_id = $1 AND dimension = $2")
                .bind(practice)
                .bind(dimension.code())
                .execute(&mut **tx)
                .await?;
        }
        for chunk in rows.chunks(CHUNK) {
            let sql = format!("INSERT INTO list_profiles (practice_id, dimension, group_code, people) VALUES {}", placeholders(chunk.len(), 4));
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query
                    .bind(&r.practice_id)
                    .bind(r.group.dimension().code())
                    .bind(r.group.code())
                    .bind(i64::try_from(r.people).unwrap_or(i64::MAX));
            }
            query.execute(&mut **tx).await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    async fn set_worker_wte(&self, who: &AuditActor, service_org_id: &str, user_id: &str, wte: Option<f64>) -> Result<()> {
        self.save_workforce(who, service_org_id, &[(user_id.to_owned(), wte)], None).await
    }

    async fn save_workforce(&self, who: &AuditActor, service_org_id: &str, wtes: &[(String, Option<f64>)], target: Option<&YearTarget>) -> Result<()> {
        let mut tx = self.write_tx().await?;
        for (user_id, wte) in wtes {
            set_wte(&mut tx, who, service_org_id, user_id, *wte).await?;
        }
        if let Some(target) = target {
            set_target(&mut tx, service_org_id, target).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn worker_wtes(&self, service_org_id: &str) -> Result<Vec<(String, Option<f64>)>> {
        Ok(sqlx::query_as("SELECT id, wte FROM users WHERE org_id = $1 AND role = 'link_worker' ORDER BY display_name")
            .bind(service_org_id)
            .fetch_all(&mut *self.conn().await?)
            .await?)
    }

    async fn set_referral_target(&self, service_org_id: &str, target: &YearTarget) -> Result<()> {
        let mut tx = self.write_tx().await?;
        set_target(&mut tx, service_org_id, target).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn referral_targets(&self, service_org_id: &str) -> Result<Vec<YearTarget>> {
        let rows: Vec<(i64, f64, f64)> = sqlx::query_as("SELECT year, low_pct, high_pct FROM referral_targets WHERE service_org_id = $1 ORDER BY year")
            .bind(service_org_id)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.into_iter().map(|(y, l, h)| YearTarget::new(y as i32, l, h).map_err(corrupt)).collect()
    }

    async fn list_profile(&self, practice_id: &str) -> Result<Vec<ListCount>> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as("SELECT practice_id, dimension, group_code, people FROM list_profiles WHERE practice_id = $1 ORDER BY dimension, group_code")
            .bind(practice_id)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.into_iter().map(list_count).collect()
    }
}

fn list_count((practice_id, dimension, group, people): (String, String, String, i64)) -> Result<ListCount> {
    let dimension = Dimension::parse(&dimension).map_err(corrupt)?;
    Ok(ListCount {
        practice_id,
        group: Group::parse(dimension, &group).map_err(corrupt)?,
        people: people.max(0) as u64,
    })
}

/// The list profiles of the services' practices, for the equity section of `evaluation_input`
/// (the referred people's groups come with the referrals, `evaluation::referral_facts`).
pub(super) async fn load_list_profiles(conn: &mut super::Conn, service_org_ids: &[String]) -> Result<Vec<ListCount>> {
    let mut list = Vec::new();
    for service in service_org_ids {
        let rows: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT l.practice_id, l.dimension, l.group_code, l.people FROM list_profiles l JOIN organisations o ON o.id = l.practice_id WHERE o.parent_id = $1")
                .bind(service)
                .fetch_all(&mut *conn)
                .await?;
        for row in rows {
            list.push(list_count(row)?);
        }
    }
    Ok(list)
}

/// Link workers and referral-rate targets for the `workforce` section (its casework comes with the
/// referrals, `evaluation::referral_facts`). With several services in scope, a target applies
/// only when all of them set the same band for the year.
pub(super) async fn load_workforce(conn: &mut super::Conn, service_org_ids: &[String]) -> Result<WorkforceFacts> {
    let mut facts = WorkforceFacts {
        services: service_org_ids.len() as u64,
        ..Default::default()
    };
    let mut targets: Option<Vec<YearTarget>> = None;
    for service in service_org_ids {
        let workers: Vec<(String, Option<f64>)> = sqlx::query_as("SELECT id, wte FROM users WHERE org_id = $1 AND role = 'link_worker' AND active = TRUE")
            .bind(service)
            .fetch_all(&mut *conn)
            .await?;
        facts.workers.extend(workers.into_iter().map(|(id, wte)| WorkerFacts { id, wte }));
        let rows: Vec<(i64, f64, f64)> = sqlx::query_as("SELECT year, low_pct, high_pct FROM referral_targets WHERE service_org_id = $1")
            .bind(service)
            .fetch_all(&mut *conn)
            .await?;
        let mine: Vec<YearTarget> = rows.into_iter().filter_map(|(y, l, h)| YearTarget::new(y as i32, l, h).ok()).collect();
        targets = Some(match targets {
            None => mine,
            Some(previous) => previous.into_iter().filter(|t| mine.contains(t)).collect(),
        });
    }
    facts.targets = targets.unwrap_or_default();
    Ok(facts)
}
