//! The comparison population: registered patients who were not referred, pseudonymised, with
//! their contacts (`crate::comparison`). Written in batches of multi-row statements; gathered
//! into `comparison_facts` a practice to a row ([`rebuild_facts`]) and read from there, never one
//! query per person.

use super::{audit, Audit, Db, SqlStore};
use crate::{ComparisonPopulation, ComparisonStore, ComparisonWrite, NewComparisonContact, NewComparisonPerson};
use crate::{AuditActor, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::evaluation::comparison::ComparisonPerson;
use linkwork_domain::evaluation::equity::{AgeBand, ImdDecile};
use linkwork_domain::evaluation::facts::FactId;
use linkwork_domain::evaluation::health_system::Contact;
use linkwork_domain::person::Sex;
use futures_util::{StreamExt, TryStreamExt};
use sqlx::QueryBuilder;
use std::collections::HashMap;
use time::Date;

/// Rows per statement (7 parameters a row: well under SQLite's bound-parameter limit).
const BATCH: usize = 1_000;

/// Between people, and between a person's fields, in [`SELECT_PACKED`]'s rows.
const PERSON: char = '\u{1e}';
const FIELD: char = '\u{1f}';

/// Rebuilds `comparison_facts` for everyone (`all`), or for every service with a person marked
/// stale, in `tx`; the caller holds the marks (`evaluation::freshness`) and clears them. Each
/// practice's row holds its people as the migration describes.
pub(super) async fn rebuild_facts(tx: &mut super::Conn, all: bool) -> Result<()> {
    // A whole service, not just its marked people: the row is the practice's, and a person
    // marked may have moved from a practice whose row must lose them.
    let stale = |alias: &str| match all {
        true => String::new(),
        false => format!("WHERE {alias}service_org_id IN (SELECT service_org_id FROM comparison_facts_stale)"),
    };
    sqlx::query(&format!("DELETE FROM comparison_facts {}", stale(""))).execute(&mut *tx).await?;
    sqlx::query(&format!(
        "INSERT INTO comparison_facts (service_org_id, practice_id, people) \
         SELECT p.service_org_id, p.practice_id, \
           string_agg(p.person_key || '{FIELD}' || p.age_band || '{FIELD}' || p.sex || '{FIELD}' || COALESCE(CAST(li.imd_decile AS TEXT), '') || '{FIELD}' || COALESCE(a.contacts, ''), '{PERSON}') \
         FROM comparison_people p LEFT JOIN lsoa_imd li ON li.lsoa = p.lsoa \
         LEFT JOIN (SELECT service_org_id, person_key, string_agg(CAST(contact_on AS TEXT) || ' ' || contact_type || ' ' || COALESCE(CAST(bed_days AS TEXT), '-'), ',') AS contacts \
           FROM comparison_activity {} GROUP BY service_org_id, person_key) a ON a.service_org_id = p.service_org_id AND a.person_key = p.person_key {} \
         GROUP BY p.service_org_id, p.practice_id",
        stale(""),
        stale("p.")
    ))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A service's comparison people from `comparison_facts`, a practice to a returned row: a row
/// per person cost the driver most of the report's time at 100k referrals (400 thousand people,
/// 4 million contacts), and packing them at read time most of the rest.
const SELECT_PRACTICES: &str = "SELECT practice_id, people FROM comparison_facts WHERE service_org_id = $1 ORDER BY practice_id";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

#[async_trait]
impl ComparisonStore for SqlStore {
    async fn add_comparison_population(&self, who: &AuditActor, service_org_id: &str, people: &[NewComparisonPerson], contacts: &[NewComparisonContact]) -> Result<ComparisonWrite> {
        // One row per key (the last wins), so an upsert never meets its own row twice.
        let mut unique: Vec<&NewComparisonPerson> = Vec::with_capacity(people.len());
        let mut at: HashMap<&str, usize> = HashMap::with_capacity(people.len());
        for p in people {
            match at.get(p.person_key.as_str()) {
                Some(&i) => unique[i] = p,
                None => {
                    at.insert(&p.person_key, unique.len());
                    unique.push(p);
                }
            }
        }
        let mut tx = self.write_tx().await?;
        // Only the service's own practices: the comparison is within practice.
        let practices: std::collections::HashSet<String> = sqlx::query_scalar("SELECT id FROM organisations WHERE parent_id = $1 AND kind = 'practice'").bind(service_org_id).fetch_all(&mut **tx).await?.into_iter().collect();
        if let Some(p) = unique.iter().find(|p| !practices.contains(&p.practice_id)) {
            return Err(StoreError::Rejected(format!("comparison person {} is registered at {}, which is not a practice of the service", p.person_key, p.practice_id)));
        }
        let now = super::now();
        let mut write = ComparisonWrite::default();
        for chunk in unique.chunks(BATCH) {
            // New people first (counted), then the extract's details over those already stored.
            for update in [false, true] {
                let mut qb: QueryBuilder<Db> = QueryBuilder::new("INSERT INTO comparison_people (service_org_id, person_key, practice_id, age_band, sex, lsoa, imported_at) ");
                qb.push_values(chunk, |mut b, p| {
                    b.push_bind(service_org_id).push_bind(p.person_key.as_str()).push_bind(p.practice_id.as_str()).push_bind(p.age.code()).push_bind(p.sex.code()).push_bind(p.lsoa.as_deref()).push_bind(now);
                });
                if update {
                    qb.push(" ON CONFLICT (service_org_id, person_key) DO UPDATE SET practice_id = excluded.practice_id, age_band = excluded.age_band, sex = excluded.sex, lsoa = excluded.lsoa");
                    qb.build().execute(&mut **tx).await?;
                } else {
                    qb.push(" ON CONFLICT (service_org_id, person_key) DO NOTHING");
                    write.people_added += qb.build().execute(&mut **tx).await?.rows_affected() as usize;
                }
            }
        }
        write.people_updated = unique.len() - write.people_added;
        for chunk in contacts.chunks(BATCH) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("INSERT INTO comparison_activity (service_org_id, person_key, contact_on, contact_type, bed_days, occurrence, imported_at) ");
            qb.push_values(chunk, |mut b, c| {
                b.push_bind(service_org_id).push_bind(c.person_key.as_str()).push_bind(c.contact_on).push_bind(c.contact_type.code()).push_bind(c.bed_days.map(i64::from)).push_bind(i64::from(c.occurrence)).push_bind(now);
            });
            qb.push(" ON CONFLICT (service_org_id, person_key, contact_on, contact_type, occurrence) DO NOTHING");
            write.contacts_added += qb.build().execute(&mut **tx).await?.rows_affected() as usize;
        }
        write.contacts_already_recorded = contacts.len() - write.contacts_added;
        audit(&mut tx, who, Audit { action: "comparison_population.import", entity: "organisation", entity_id: service_org_id, person_id: None }).await?;
        tx.commit().await?;
        Ok(write)
    }

    async fn comparison_population(&self, service_org_ids: &[String]) -> Result<ComparisonPopulation> {
        self.refresh_evaluation_facts().await?;
        let mut per_service = futures_util::stream::iter(service_org_ids.iter().cloned())
            .map(|service: String| async move {
                let rows: Vec<(String, String)> = sqlx::query_as(SELECT_PRACTICES).bind(&service).fetch_all(&mut *self.conn().await?).await?;
                unpack_service(&rows)
            })
            .buffered(SERVICES_AT_ONCE);
        let mut out = ComparisonPopulation::default();
        while let Some(service) = per_service.try_next().await? {
            if let Some(range) = service.contact_range {
                widen(&mut out.contact_range, range);
            }
            out.people.extend(service.people);
        }
        // Byte order of the key, whatever each database's collation (stable: services keep their
        // order for a key both hold).
        out.people.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
        Ok(out)
    }
}

/// How many services' comparison people are read at once: the next service's rows are read on
/// the database's side while this one's are unpacked.
const SERVICES_AT_ONCE: usize = 2;

/// One service's people from its practices' rows of `comparison_facts`, each person's contacts
/// by date (then type, in byte order).
fn unpack_service(rows: &[(String, String)]) -> Result<ComparisonPopulation> {
    let mut out = ComparisonPopulation::default();
    for (practice, people) in rows {
        let practice_id: FactId = practice.as_str().into();
        for person in people.split(PERSON) {
            let mut fields = person.split(FIELD);
            let mut field = |what: &str| fields.next().ok_or_else(|| corrupt(format!("a comparison person's packed row lacks their {what}: {person:?}")));
            let (key, age, sex, decile, contacts) = (field("key")?, field("age band")?, field("sex")?, field("IMD decile")?, field("contacts")?);
            let imd = match decile {
                "" => None,
                d => Some(d.parse().ok().and_then(ImdDecile::new).ok_or_else(|| corrupt(format!("IMD decile {d}")))?.quintile()),
            };
            // Sized exactly: at the national size there are tens of millions of contacts.
            let mut unpacked = Vec::with_capacity(if contacts.is_empty() { 0 } else { contacts.bytes().filter(|b| *b == b',').count() + 1 });
            for item in contacts.split(',').filter(|c| !c.is_empty()) {
                let contact: Contact = super::evaluation::activity_facts::unpack_contact(item)?;
                widen(&mut out.contact_range, (contact.on, contact.on));
                unpacked.push(contact);
            }
            unpacked.sort_by(|a, b| (a.on, a.contact_type.code()).cmp(&(b.on, b.contact_type.code())));
            out.people.push(ComparisonPerson { key: key.to_owned(), practice_id: practice_id.clone(), age: AgeBand::parse(age).map_err(corrupt)?, sex: Sex::parse(sex).map_err(corrupt)?, imd, contacts: unpacked });
        }
    }
    Ok(out)
}

/// Widens the first-to-last `range` of contact dates to take in `(from, to)`.
fn widen(range: &mut Option<(Date, Date)>, (from, to): (Date, Date)) {
    *range = Some(match *range {
        None => (from, to),
        Some((first, last)) => (first.min(from), last.max(to)),
    });
}
