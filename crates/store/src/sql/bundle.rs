//! Bulk import and export of a bundle (`linkwork import bundle`, `linkwork export bundle`).
//!
//! Import writes every file's rows with multi-row `INSERT … ON CONFLICT (…) DO UPDATE` statements
//! of [`BATCH_ROWS`] rows inside ONE transaction, so a bundle is either all in or not at all, and
//! importing it again updates the same rows. Export streams each table with `CAST(… AS TEXT)`
//! columns (the same text in both databases) in the bundle's column order.

use super::{Db, SqlStore};
use crate::{BundleRowSink, BundleSource, BundleStore};
use crate::{Result, StoreError};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use linkwork_domain::interop::bundle::read::Value;
use linkwork_domain::interop::bundle::spec::{self, SqlType};
use sqlx::{QueryBuilder, Row};

/// Rows per INSERT statement: well under SQLite's 32,766 bound parameters for the widest table.
pub const BATCH_ROWS: usize = 500;

/// Where a stored column's value comes from.
#[derive(Clone, Copy)]
enum Src {
    /// The bundle column of this name (already checked; references already turned into ids).
    Col(&'static str),
    /// The bundle column, or this text when it is empty (for NOT NULL text columns).
    ColOr(&'static str, &'static str),
    /// The n-th value the importer derived for the row (see [`BundleSource`]).
    Extra(usize, SqlType),
    /// The import's timestamp.
    Now,
    /// A fixed value.
    Text(&'static str),
    /// Questionnaire answers as the JSON array the measures table keeps (`[]` when not given).
    AnswersJson(&'static str),
    /// Scores as the JSON array of numbers `measures.scores` keeps, NULL when not given.
    ScoresJson(&'static str),
    /// A `;`-separated bundle list stored comma-separated.
    Commas(&'static str),
    /// The import's timestamp plus the row's line in microseconds (the n-th extra), so rows
    /// read back `ORDER BY created_at` keep the file's order.
    NowPlusLine(usize),
    /// The import's timestamp when the bundle column has a value, else NULL.
    NowIf(&'static str),
    /// The first bundle column, but NULL when the second has a value (the LSOA is kept only for
    /// people without a postcode: a postcode and its lookup say where someone lives now).
    ColUnless(&'static str, &'static str),
}

struct Target {
    table: &'static str,
    columns: &'static [(&'static str, Src)],
    /// The conflict target; `None` for tables whose key is the whole row (nothing to update).
    key: &'static str,
    /// Columns left alone when an existing row is updated (created_at, passwords).
    keep: &'static [&'static str],
}

fn target(file: &str) -> Option<Target> {
    use Src::*;
    Some(match file {
        "organisations.csv" => Target {
            table: "organisations",
            columns: &[("id", Col("org_ref")), ("kind", Col("kind")), ("name", Col("name")), ("ods_code", Col("ods_code")), ("parent_id", Col("parent_ref")), ("list_size", Col("list_size")), ("created_at", Now)],
            key: "id",
            keep: &["created_at"],
        },
        "staff.csv" => Target {
            table: "users",
            columns: &[("id", Col("staff_ref")), ("org_id", Col("org_ref")), ("display_name", Col("name")), ("email", Col("email")), ("role", Col("role")), ("wte", Col("wte")), ("password_hash", Text("!")), ("created_at", Now)],
            key: "id",
            keep: &["created_at", "password_hash"],
        },
        "services.csv" => Target {
            table: "services",
            columns: &[
                ("id", Col("service_ref")),
                ("org_id", Col("org_ref")),
                ("name", Col("name")),
                ("description", ColOr("description", "")),
                ("status", ColOr("status", "active")),
                ("postcode", Col("postcode")),
                ("created_at", Now),
                ("updated_at", Now),
            ],
            key: "id",
            keep: &["created_at"],
        },
        "people.csv" => Target {
            table: "people",
            columns: &[
                ("id", Col("person_ref")),
                ("service_org_id", Col("service_ref")),
                ("nhs_number", Col("nhs_number")),
                ("given_name", ColOr("given_name", "")),
                ("family_name", ColOr("family_name", "")),
                ("date_of_birth", Col("date_of_birth")),
                ("sex", Col("sex")),
                ("ethnicity", Col("ethnicity")),
                ("postcode", ColOr("postcode", "")),
                ("practice_id", Col("practice_ref")),
                ("lsoa", ColUnless("lsoa", "postcode")),
                ("created_at", Now),
                ("updated_at", Now),
            ],
            key: "id",
            keep: &["created_at"],
        },
        "referrals.csv" => Target {
            table: "referrals",
            columns: &[
                ("id", Col("referral_ref")),
                ("person_id", Col("person_ref")),
                ("service_org_id", Extra(0, SqlType::Text)),
                ("practice_id", Col("practice_ref")),
                ("source", Col("source")),
                ("referrer_name", ColOr("referrer_name", "")),
                ("reason", ColOr("reason", "")),
                ("referred_on", Col("referred_on")),
                ("status", Col("status")),
                ("assigned_worker_id", Col("worker_ref")),
                ("accepted_on", Col("accepted_on")),
                ("declined_on", Col("declined_on")),
                ("decline_reason", Col("decline_reason")),
                ("discharged_on", Col("discharged_on")),
                ("discharge_reason", Col("discharge_reason")),
                ("discharge_summary", Col("discharge_summary")),
                ("created_at", Now),
                ("updated_at", Now),
            ],
            key: "id",
            keep: &["created_at"],
        },
        "referral_needs.csv" => Target {
            table: "referral_needs",
            columns: &[("referral_id", Col("referral_ref")), ("need", Col("need")), ("identified_at", Col("identified_at"))],
            key: "referral_id, need, identified_at",
            keep: &[],
        },
        "conversations.csv" => Target {
            table: "conversations",
            columns: &[("id", Col("conversation_ref")), ("referral_id", Col("referral_ref")), ("held_on", Col("held_on")), ("what_matters", Col("what_matters")), ("recorded_by", Col("worker_ref")), ("created_at", Now)],
            key: "id",
            keep: &["created_at"],
        },
        "goals.csv" => Target {
            table: "goals",
            columns: &[("id", Col("goal_ref")), ("referral_id", Col("referral_ref")), ("description", Col("description")), ("status", Col("status")), ("agreed_on", Col("agreed_on")), ("review_on", Col("review_on")), ("created_at", Now)],
            key: "id",
            keep: &["created_at"],
        },
        "contacts.csv" => Target {
            table: "contacts",
            columns: &[
                ("id", Col("contact_ref")),
                ("referral_id", Col("referral_ref")),
                ("contact_on", Col("contact_on")),
                ("mode", Col("mode")),
                ("minutes", Col("minutes")),
                ("accompanied", Col("accompanied")),
                ("recorded_by", Col("worker_ref")),
                ("notes", Col("notes")),
                ("created_at", Now),
            ],
            key: "id",
            keep: &["created_at"],
        },
        "measures.csv" => Target {
            table: "measures",
            columns: &[
                ("id", Col("measure_ref")),
                ("referral_id", Col("referral_ref")),
                ("instrument", Col("instrument")),
                ("instrument_version", Extra(0, SqlType::Text)),
                ("timepoint", Col("timepoint")),
                ("taken_on", Col("taken_on")),
                ("answers", AnswersJson("answers")),
                ("scores", ScoresJson("scores")),
                ("created_at", Now),
            ],
            key: "id",
            keep: &["created_at"],
        },
        "onward_referrals.csv" => Target {
            table: "onward_referrals",
            columns: &[
                ("id", Col("onward_ref")),
                ("referral_id", Col("referral_ref")),
                ("service_id", Col("service_ref")),
                ("sent_on", Col("sent_on")),
                ("status", Col("status")),
                ("decline_reason", Col("decline_reason")),
                ("note", Col("note")),
                ("updated_at", Now),
            ],
            key: "id",
            keep: &[],
        },
        "onward_events.csv" => Target {
            table: "onward_events",
            columns: &[
                ("id", Extra(0, SqlType::Text)),
                ("onward_referral_id", Col("onward_ref")),
                ("from_status", Col("from_status")),
                ("to_status", Col("to_status")),
                ("happened_on", Col("happened_on")),
                ("reason", Col("reason")),
                ("at", Now),
            ],
            key: "id",
            keep: &["at"],
        },
        "need_resolutions.csv" => Target {
            table: "need_resolutions",
            columns: &[("referral_id", Col("referral_ref")), ("need", Col("need")), ("resolution", Col("resolution")), ("recorded_at", Now)],
            key: "referral_id, need",
            keep: &["recorded_at"],
        },
        "custom_instruments.csv" => Target {
            table: "custom_instruments",
            columns: &[("id", Col("instrument_ref")), ("service_org_id", Col("service_ref")), ("code", Col("code")), ("definition", Col("definition")), ("created_at", NowPlusLine(0))],
            key: "id",
            keep: &["created_at"],
        },
        "custom_measures.csv" => Target {
            table: "custom_measures",
            columns: &[
                ("id", Col("measure_ref")),
                ("referral_id", Col("referral_ref")),
                ("instrument_id", Col("instrument_ref")),
                ("instrument_version", Extra(0, SqlType::Text)),
                ("timepoint", Col("timepoint")),
                ("taken_on", Col("taken_on")),
                ("answers", AnswersJson("answers")),
                ("created_at", Now),
            ],
            key: "id",
            keep: &["created_at"],
        },
        "health_activity.csv" => Target {
            table: "health_activity",
            columns: &[
                ("service_org_id", Extra(0, SqlType::Text)),
                ("person_id", Col("person_ref")),
                ("contact_on", Col("contact_on")),
                ("contact_type", Col("contact_type")),
                ("bed_days", Col("bed_days")),
                ("source", ColOr("source", "")),
                ("occurrence", Col("occurrence")),
                ("imported_at", Now),
            ],
            // The natural key, so rows imported from an extract before are the same rows.
            key: "person_id, contact_on, contact_type, source, occurrence",
            keep: &["imported_at"],
        },
        // The comparison group: the extract's key is the stored key (the importer keeps it as it
        // is), so a later extract's person and contacts are the same rows.
        "comparison_people.csv" => Target {
            table: "comparison_people",
            columns: &[
                ("service_org_id", Col("service_ref")),
                ("person_key", Col("person_key")),
                ("practice_id", Col("practice_ref")),
                ("age_band", Col("age_band")),
                ("sex", Col("sex")),
                ("lsoa", Col("lsoa")),
                ("imported_at", Now),
            ],
            key: "service_org_id, person_key",
            keep: &["imported_at"],
        },
        "comparison_activity.csv" => Target {
            table: "comparison_activity",
            columns: &[
                ("service_org_id", Extra(0, SqlType::Text)),
                ("person_key", Col("person_ref")),
                ("contact_on", Col("contact_on")),
                ("contact_type", Col("contact_type")),
                ("bed_days", Col("bed_days")),
                ("occurrence", Col("occurrence")),
                ("imported_at", Now),
            ],
            key: "service_org_id, person_key, contact_on, contact_type, occurrence",
            keep: &["imported_at"],
        },
        "staff_check_ins.csv" => Target {
            table: "staff_check_ins",
            columns: &[
                ("id", Col("check_in_ref")),
                ("service_org_id", Extra(0, SqlType::Text)),
                ("worker_id", Col("staff_ref")),
                ("checked_in_on", Col("checked_in_on")),
                ("swemwbs_answers", AnswersJson("swemwbs")),
                ("job_satisfaction", Col("job_satisfaction")),
                ("caseload_pressure", Col("caseload_pressure")),
                ("supervision", Col("supervision")),
                ("created_at", Now),
            ],
            key: "id",
            keep: &["created_at"],
        },
        "list_profiles.csv" => Target {
            table: "list_profiles",
            columns: &[("practice_id", Col("practice_ref")), ("dimension", Col("dimension")), ("group_code", Col("group")), ("people", Col("people"))],
            key: "practice_id, dimension, group_code",
            keep: &[],
        },
        "referral_targets.csv" => Target {
            table: "referral_targets",
            columns: &[("service_org_id", Col("service_ref")), ("year", Col("year")), ("low_pct", Col("low_pct")), ("high_pct", Col("high_pct"))],
            key: "service_org_id, year",
            keep: &[],
        },
        "health_tariffs.csv" => Target {
            table: "health_tariffs",
            columns: &[("service_org_id", Col("service_ref")), ("contact_type", Col("contact_type")), ("unit_cost_pence", Col("unit_cost_pence")), ("source", Col("source")), ("year", Col("year")), ("updated_at", Now)],
            key: "service_org_id, contact_type",
            keep: &[],
        },
        "health_price_indices.csv" => Target {
            table: "health_price_indices",
            columns: &[("service_org_id", Col("service_ref")), ("source", Col("source")), ("index_values", Col("index_values")), ("updated_at", Now)],
            key: "service_org_id",
            keep: &[],
        },
        "sroi_models.csv" => Target {
            table: "sroi_models",
            columns: &[("service_org_id", Col("service_ref")), ("model", Col("model")), ("updated_at", Now)],
            key: "service_org_id",
            keep: &[],
        },
        "measurement_schedules.csv" => Target {
            table: "measurement_schedules",
            columns: &[("service_org_id", Col("service_ref")), ("instruments", Commas("instruments")), ("follow_up_months", Commas("follow_up_months")), ("updated_at", Now)],
            key: "service_org_id",
            keep: &[],
        },
        "stakeholders.csv" => Target {
            table: "stakeholders",
            columns: &[("id", Col("stakeholder_ref")), ("service_org_id", Col("service_ref")), ("kind", Col("kind")), ("name", Col("name")), ("created_by", Col("created_by")), ("created_at", NowPlusLine(0))],
            key: "id",
            keep: &["created_at"],
        },
        "success_statements.csv" => Target {
            table: "success_statements",
            columns: &[
                ("id", Col("statement_ref")),
                ("stakeholder_id", Col("stakeholder_ref")),
                ("statement", Col("statement")),
                ("indicator", Col("indicator")),
                ("comparison", Col("comparison")),
                ("target", Col("target")),
                ("applies_from", Col("applies_from")),
                ("applies_to", Col("applies_to")),
                ("created_at", NowPlusLine(0)),
            ],
            key: "id",
            keep: &["created_at"],
        },
        "evidence.csv" => Target {
            table: "evidence_items",
            columns: &[
                ("id", Col("evidence_ref")),
                ("service_org_id", Col("service_ref")),
                ("person_id", Col("person_ref")),
                ("kind", Col("kind")),
                ("title", Col("title")),
                ("text", Col("text")),
                ("outcome_domains", Commas("outcome_domains")),
                ("needs", Commas("needs")),
                ("stakeholders", Commas("stakeholders")),
                ("consent_given_on", Col("consent_given_on")),
                ("consent_by", Col("consent_by")),
                ("consent_use", Col("consent_use")),
                ("recorded_by", Col("recorded_by")),
                ("recorded_on", Col("recorded_on")),
                ("approved_text", Col("approved_text")),
                ("approved_by", Col("approved_by")),
                ("approved_at", NowIf("approved_text")),
                ("created_at", NowPlusLine(0)),
            ],
            key: "id",
            keep: &["created_at"],
        },
        _ => return None,
    })
}

fn bind_value<'a>(b: &mut sqlx::query_builder::Separated<'_, 'a, Db, &'static str>, value: &'a Value, ty: SqlType) {
    match (value, ty) {
        (Value::Text(t), _) => b.push_bind(t.as_str()),
        (Value::Int(i), _) => b.push_bind(*i),
        (Value::Float(f), _) => b.push_bind(*f),
        (Value::Bool(v), _) => b.push_bind(*v),
        (Value::Date(d), _) => b.push_bind(*d),
        (Value::Answers(a), _) => b.push_bind(serde_json::to_string(a).unwrap_or_else(|_| "[]".into())),
        (Value::Null, SqlType::Text) => b.push_bind(None::<String>),
        (Value::Null, SqlType::Int) => b.push_bind(None::<i64>),
        (Value::Null, SqlType::Float) => b.push_bind(None::<f64>),
        (Value::Null, SqlType::Bool) => b.push_bind(None::<bool>),
        (Value::Null, SqlType::Date) => b.push_bind(None::<time::Date>),
    };
}

static EMPTY: Value = Value::Null;

/// The `contact_type` of the row marking a saved tariff (`NONE_MARKER` in `activity.rs`).
const TARIFF_SAVED_MARKER: &str = "_saved";

/// Writes one batch of `file`'s rows (values in the spec's column order, then the extras).
async fn insert_batch(tx: &mut sqlx::Transaction<'_, Db>, file: &'static spec::FileSpec, rows: &[Vec<Value>], now: time::OffsetDateTime) -> Result<()> {
    let Some(t) = target(file.name) else {
        return Err(StoreError::Corrupt(format!("no table for bundle file {}", file.name)));
    };
    if rows.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = t.columns.iter().map(|(n, _)| *n).collect();
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(format!("INSERT INTO {} ({}) ", t.table, names.join(", ")));
    let texts: Vec<Vec<Value>> = rows
        .iter()
        .map(|row| {
            t.columns
                .iter()
                .map(|(_, src)| match src {
                    Src::Text(s) => Value::Text((*s).to_owned()),
                    Src::ColOr(c, default) => match file.column(c).and_then(|i| row.get(i)) {
                        Some(Value::Null) | None => Value::Text((*default).to_owned()),
                        Some(v) => v.clone(),
                    },
                    Src::AnswersJson(c) => match file.column(c).and_then(|i| row.get(i)) {
                        Some(Value::Text(raw)) => Value::Answers(linkwork_domain::interop::bundle::read::answers(raw)),
                        _ => Value::Answers(Vec::new()),
                    },
                    Src::ScoresJson(c) => match file.column(c).and_then(|i| row.get(i)) {
                        Some(Value::Text(raw)) => Value::Text(linkwork_domain::interop::bundle::read::scores_json(raw)),
                        _ => Value::Null,
                    },
                    // NOT NULL list columns: an empty list is stored as ''.
                    Src::Commas(c) => match file.column(c).and_then(|i| row.get(i)) {
                        Some(Value::Text(raw)) => Value::Text(raw.split(';').map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(",")),
                        _ => Value::Text(String::new()),
                    },
                    Src::ColUnless(c, unless) => match (file.column(c).and_then(|i| row.get(i)), file.column(unless).and_then(|i| row.get(i))) {
                        (Some(v), None | Some(Value::Null)) => v.clone(),
                        _ => Value::Null,
                    },
                    _ => Value::Null,
                })
                .collect()
        })
        .collect();
    qb.push_values(rows.iter().zip(&texts), |mut b, (row, owned)| {
        for (i, (_, src)) in t.columns.iter().enumerate() {
            match src {
                Src::Col(c) => {
                    let index = file.column(c);
                    let ty = index.map_or(SqlType::Text, |i| file.columns[i].kind.sql_type());
                    bind_value(&mut b, index.and_then(|i| row.get(i)).unwrap_or(&EMPTY), ty);
                }
                Src::Extra(n, ty) => bind_value(&mut b, row.get(file.columns.len() + n).unwrap_or(&EMPTY), *ty),
                Src::Now => {
                    b.push_bind(now);
                }
                Src::NowPlusLine(n) => {
                    let line = match row.get(file.columns.len() + n) {
                        Some(Value::Int(line)) => *line,
                        _ => 0,
                    };
                    b.push_bind(now + time::Duration::microseconds(line));
                }
                Src::NowIf(c) => {
                    let given = file.column(c).and_then(|i| row.get(i)).is_some_and(|v| v != &Value::Null);
                    b.push_bind(given.then_some(now));
                }
                Src::Text(_) | Src::ColOr(..) | Src::AnswersJson(_) | Src::ScoresJson(_) | Src::Commas(_) | Src::ColUnless(..) => bind_value(&mut b, &owned[i], SqlType::Text),
            }
        }
    });
    let updates: Vec<String> = names.iter().filter(|n| !t.key.split(", ").any(|k| k == **n) && !t.keep.contains(n)).map(|n| format!("{n} = excluded.{n}")).collect();
    if updates.is_empty() {
        qb.push(format!(" ON CONFLICT ({}) DO NOTHING", t.key));
    } else {
        qb.push(format!(" ON CONFLICT ({}) DO UPDATE SET {}", t.key, updates.join(", ")));
    }
    qb.build().execute(&mut **tx).await?;

    // Where people live: the postcode's LSOA and that LSOA's IMD decile, when the bundle gives
    // them, so equity by deprivation survives a move. A lookup already loaded (the published
    // NSPL / IoD files) wins.
    if file.name == "people.csv" {
        let (pc, lsoa, decile) = (file.column("postcode"), file.column("lsoa"), file.column("imd_decile"));
        let mut postcodes: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
        let mut deciles: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
        for row in rows {
            let get = |i: Option<usize>| i.and_then(|i| row.get(i));
            if let Some(Value::Text(l)) = get(lsoa) {
                if let Some(Value::Text(p)) = get(pc) {
                    postcodes.insert(p, l);
                }
                if let Some(Value::Int(d)) = get(decile) {
                    deciles.insert(l, *d);
                }
            }
        }
        if !postcodes.is_empty() {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("INSERT INTO postcode_lsoa (postcode, lsoa) ");
            qb.push_values(&postcodes, |mut b, (p, l)| {
                b.push_bind(*p).push_bind(*l);
            });
            qb.push(" ON CONFLICT (postcode) DO NOTHING");
            qb.build().execute(&mut **tx).await?;
        }
        if !deciles.is_empty() {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("INSERT INTO lsoa_imd (lsoa, name, imd_decile) ");
            qb.push_values(&deciles, |mut b, (l, d)| {
                b.push_bind(*l).push_bind(*l).push_bind(*d);
            });
            qb.push(" ON CONFLICT (lsoa) DO NOTHING");
            qb.build().execute(&mut **tx).await?;
        }
    }

    // The comparison group's areas' deciles, where the deprivation lookup does not know them yet
    // (as for people above), so its matching on deprivation survives a move.
    if file.name == "comparison_people.csv" {
        let (lsoa, decile) = (file.column("lsoa"), file.column("imd_decile"));
        let deciles: std::collections::BTreeMap<&str, i64> = rows
            .iter()
            .filter_map(|row| match (lsoa.and_then(|i| row.get(i)), decile.and_then(|i| row.get(i))) {
                (Some(Value::Text(l)), Some(Value::Int(d))) => Some((l.as_str(), *d)),
                _ => None,
            })
            .collect();
        if !deciles.is_empty() {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("INSERT INTO lsoa_imd (lsoa, name, imd_decile) ");
            qb.push_values(&deciles, |mut b, (l, d)| {
                b.push_bind(*l).push_bind(*l).push_bind(*d);
            });
            qb.push(" ON CONFLICT (lsoa) DO NOTHING");
            qb.build().execute(&mut **tx).await?;
        }
    }

    // A service with tariff rows has saved its own tariff (no longer Linkwork's default figures):
    // the marker row `activity.rs` writes with every saved tariff says so.
    if file.name == "health_tariffs.csv" {
        let services: std::collections::BTreeSet<&str> = rows.iter().filter_map(|r| file.column("service_ref").and_then(|i| r.get(i)).and_then(Value::as_text)).collect();
        for service in services {
            sqlx::query("INSERT INTO health_tariffs (service_org_id, contact_type, unit_cost_pence, source, year, updated_at) VALUES ($1, $2, 0, '', '', $3) ON CONFLICT (service_org_id, contact_type) DO NOTHING")
                .bind(service)
                .bind(TARIFF_SAVED_MARKER)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
    }

    // A service's needs live in their own table: replace the batch's services' needs, in two statements.
    if file.name == "services.csv" {
        let (id_at, needs_at) = (file.column("service_ref"), file.column("needs"));
        let ids: Vec<&str> = rows.iter().filter_map(|row| id_at.and_then(|i| row.get(i)).and_then(Value::as_text)).collect();
        if !ids.is_empty() {
            let mut delete: QueryBuilder<Db> = QueryBuilder::new("DELETE FROM service_needs WHERE service_id IN (");
            let mut list = delete.separated(", ");
            for id in &ids {
                list.push_bind(*id);
            }
            delete.push(")");
            delete.build().execute(&mut **tx).await?;
        }
        let pairs: Vec<(&str, &str)> = rows
            .iter()
            .filter_map(|row| Some((id_at.and_then(|i| row.get(i)).and_then(Value::as_text)?, needs_at.and_then(|i| row.get(i)).and_then(Value::as_text)?)))
            .flat_map(|(id, needs)| needs.split(';').filter(|n| !n.is_empty()).map(move |need| (id, need)))
            .collect();
        if !pairs.is_empty() {
            let mut insert: QueryBuilder<Db> = QueryBuilder::new("INSERT INTO service_needs (service_id, need) ");
            insert.push_values(&pairs, |mut b, (id, need)| {
                b.push_bind(*id).push_bind(*need);
            });
            insert.build().execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// The needs of the services `services.csv` exports, read in one query (`$1` the PCN).
const SERVICE_NEEDS: &str = "SELECT n.service_id, n.need FROM service_needs n WHERE n.service_id IN \
     (SELECT w.service_id FROM onward_referrals w JOIN referrals r ON r.id = w.referral_id WHERE r.service_org_id = $1) ORDER BY n.service_id, n.need";

/// What each file's export query selects, in the bundle's column order (all as text).
fn export_query(file: &str) -> Option<&'static str> {
    // `$1` is a comma-free list match done in Rust: the queries select every row of the services
    // in scope through `scope` (a temporary value list is not portable), so they take one service
    // id at a time.
    Some(match file {
        "organisations.csv" => "SELECT id, kind, name, ods_code, parent_id, CAST(list_size AS TEXT) FROM organisations \
             WHERE id = $1 OR id = (SELECT parent_id FROM organisations WHERE id = $1) OR (parent_id = $1 AND kind = 'practice') \
             OR (kind = 'vcse' AND id IN (SELECT s.org_id FROM services s JOIN onward_referrals w ON w.service_id = s.id JOIN referrals r ON r.id = w.referral_id WHERE r.service_org_id = $1)) \
             ORDER BY CASE kind WHEN 'icb' THEN 0 WHEN 'pcn' THEN 1 WHEN 'practice' THEN 2 ELSE 3 END, name, id",
        "staff.csv" => "SELECT id, org_id, display_name, email, role, CAST(wte AS TEXT) FROM users WHERE org_id = $1 ORDER BY email",
        // `needs` is filled in from SERVICE_NEEDS.
        "services.csv" => "SELECT s.id, s.org_id, s.name, s.description, s.status, s.postcode, '' FROM services s \
             WHERE s.id IN (SELECT w.service_id FROM onward_referrals w JOIN referrals r ON r.id = w.referral_id WHERE r.service_org_id = $1) ORDER BY s.name, s.id",
        "people.csv" => "SELECT p.id, p.service_org_id, p.nhs_number, p.given_name, p.family_name, CAST(p.date_of_birth AS TEXT), p.sex, p.ethnicity, p.postcode, p.practice_id, \
             COALESCE(pl.lsoa, p.lsoa), CAST(li.imd_decile AS TEXT) FROM people p LEFT JOIN postcode_lsoa pl ON pl.postcode = p.postcode LEFT JOIN lsoa_imd li ON li.lsoa = COALESCE(pl.lsoa, p.lsoa) \
             WHERE p.service_org_id = $1 ORDER BY p.id",
        "referrals.csv" => "SELECT id, person_id, practice_id, source, referrer_name, reason, CAST(referred_on AS TEXT), status, assigned_worker_id, \
             CAST(accepted_on AS TEXT), CAST(declined_on AS TEXT), decline_reason, CAST(discharged_on AS TEXT), discharge_reason, discharge_summary \
             FROM referrals WHERE service_org_id = $1 ORDER BY referred_on, id",
        "referral_needs.csv" => "SELECT n.referral_id, n.need, n.identified_at FROM referral_needs n JOIN referrals r ON r.id = n.referral_id WHERE r.service_org_id = $1 ORDER BY n.referral_id, n.need, n.identified_at",
        "conversations.csv" => "SELECT c.id, c.referral_id, CAST(c.held_on AS TEXT), c.what_matters, c.recorded_by FROM conversations c JOIN referrals r ON r.id = c.referral_id WHERE r.service_org_id = $1 ORDER BY c.held_on, c.id",
        "goals.csv" => "SELECT g.id, g.referral_id, g.description, g.status, CAST(g.agreed_on AS TEXT), CAST(g.review_on AS TEXT) FROM goals g JOIN referrals r ON r.id = g.referral_id WHERE r.service_org_id = $1 ORDER BY g.agreed_on, g.id",
        "contacts.csv" => "SELECT c.id, c.referral_id, CAST(c.contact_on AS TEXT), c.mode, CAST(c.minutes AS TEXT), CASE WHEN c.accompanied THEN 'true' ELSE 'false' END, c.recorded_by, c.notes \
             FROM contacts c JOIN referrals r ON r.id = c.referral_id WHERE r.service_org_id = $1 ORDER BY c.contact_on, c.id",
        "measures.csv" => "SELECT m.id, m.referral_id, m.instrument, m.timepoint, CAST(m.taken_on AS TEXT), m.answers, m.scores FROM measures m JOIN referrals r ON r.id = m.referral_id WHERE r.service_org_id = $1 ORDER BY m.taken_on, m.id",
        "onward_referrals.csv" => "SELECT w.id, w.referral_id, w.service_id, CAST(w.sent_on AS TEXT), w.status, w.decline_reason, w.note FROM onward_referrals w JOIN referrals r ON r.id = w.referral_id WHERE r.service_org_id = $1 ORDER BY w.sent_on, w.id",
        "need_resolutions.csv" => "SELECT x.referral_id, x.need, x.resolution FROM need_resolutions x JOIN referrals r ON r.id = x.referral_id WHERE r.service_org_id = $1 ORDER BY x.referral_id, x.need",
        "custom_instruments.csv" => "SELECT id, service_org_id, code, definition FROM custom_instruments WHERE service_org_id = $1 ORDER BY created_at, id",
        "custom_measures.csv" => "SELECT m.id, m.referral_id, m.instrument_id, m.timepoint, CAST(m.taken_on AS TEXT), m.answers FROM custom_measures m JOIN referrals r ON r.id = m.referral_id \
             WHERE r.service_org_id = $1 ORDER BY m.taken_on, m.id",
        "health_activity.csv" => "SELECT person_id, CAST(contact_on AS TEXT), contact_type, CAST(bed_days AS TEXT), source, CAST(occurrence AS TEXT) FROM health_activity \
             WHERE service_org_id = $1 ORDER BY contact_on, person_id, contact_type, source, occurrence",
        "comparison_people.csv" => "SELECT p.person_key, p.service_org_id, p.practice_id, p.age_band, p.sex, p.lsoa, CAST(li.imd_decile AS TEXT) FROM comparison_people p LEFT JOIN lsoa_imd li ON li.lsoa = p.lsoa \
             WHERE p.service_org_id = $1 ORDER BY p.person_key",
        "comparison_activity.csv" => "SELECT person_key, CAST(contact_on AS TEXT), contact_type, CAST(bed_days AS TEXT), CAST(occurrence AS TEXT) FROM comparison_activity \
             WHERE service_org_id = $1 ORDER BY person_key, contact_on, contact_type, occurrence",
        "staff_check_ins.csv" => "SELECT c.id, c.worker_id, CAST(c.checked_in_on AS TEXT), c.swemwbs_answers, CAST(c.job_satisfaction AS TEXT), CAST(c.caseload_pressure AS TEXT), \
             CASE WHEN c.supervision THEN 'true' ELSE 'false' END FROM staff_check_ins c JOIN users u ON u.id = c.worker_id WHERE c.service_org_id = $1 AND u.org_id = $1 ORDER BY c.checked_in_on, c.id",
        "list_profiles.csv" => "SELECT l.practice_id, l.dimension, l.group_code, CAST(l.people AS TEXT) FROM list_profiles l JOIN organisations o ON o.id = l.practice_id \
             WHERE o.parent_id = $1 ORDER BY l.practice_id, l.dimension, l.group_code",
        "referral_targets.csv" => "SELECT service_org_id, CAST(year AS TEXT), CAST(low_pct AS TEXT), CAST(high_pct AS TEXT) FROM referral_targets WHERE service_org_id = $1 ORDER BY year",
        "health_tariffs.csv" => "SELECT service_org_id, contact_type, CAST(unit_cost_pence AS TEXT), source, year FROM health_tariffs WHERE service_org_id = $1 AND contact_type <> '_saved' ORDER BY contact_type",
        "health_price_indices.csv" => "SELECT service_org_id, source, index_values FROM health_price_indices WHERE service_org_id = $1",
        "sroi_models.csv" => "SELECT service_org_id, model FROM sroi_models WHERE service_org_id = $1",
        "measurement_schedules.csv" => "SELECT service_org_id, REPLACE(instruments, ',', ';'), REPLACE(follow_up_months, ',', ';') FROM measurement_schedules WHERE service_org_id = $1",
        "stakeholders.csv" => "SELECT s.id, s.service_org_id, s.kind, s.name, s.created_by FROM stakeholders s JOIN users u ON u.id = s.created_by WHERE s.service_org_id = $1 AND u.org_id = $1 ORDER BY s.created_at, s.id",
        "success_statements.csv" => "SELECT t.id, t.stakeholder_id, t.statement, t.indicator, t.comparison, CAST(t.target AS TEXT), CAST(t.applies_from AS TEXT), CAST(t.applies_to AS TEXT) \
             FROM success_statements t JOIN stakeholders s ON s.id = t.stakeholder_id JOIN users u ON u.id = s.created_by WHERE s.service_org_id = $1 AND u.org_id = $1 ORDER BY t.created_at, t.id",
        "evidence.csv" => "SELECT e.id, e.service_org_id, e.person_id, e.kind, e.title, e.text, REPLACE(e.outcome_domains, ',', ';'), REPLACE(e.needs, ',', ';'), REPLACE(e.stakeholders, ',', ';'), \
             CAST(e.consent_given_on AS TEXT), e.consent_by, e.consent_use, e.recorded_by, CAST(e.recorded_on AS TEXT), e.approved_text, e.approved_by \
             FROM evidence_items e WHERE e.service_org_id = $1 AND e.recorded_by IN (SELECT id FROM users WHERE org_id = $1) \
             AND (e.approved_by IS NULL OR e.approved_by IN (SELECT id FROM users WHERE org_id = $1)) AND (e.person_id IS NULL OR e.person_id IN (SELECT id FROM people WHERE service_org_id = $1)) \
             ORDER BY e.created_at, e.id",
        // Changes undone as mistakes, and the events undoing them, are not part of what happened.
        "onward_events.csv" => "SELECT e.onward_referral_id, e.from_status, e.to_status, CAST(e.happened_on AS TEXT), e.reason FROM onward_events e JOIN onward_referrals w ON w.id = e.onward_referral_id \
             JOIN referrals r ON r.id = w.referral_id WHERE r.service_org_id = $1 AND e.undoes_event_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM onward_events u WHERE u.undoes_event_id = e.id) ORDER BY e.onward_referral_id, e.at, e.happened_on, e.id",
        _ => return None,
    })
}

/// Writes every batch `source` yields in one transaction on `conn` (all or nothing).
async fn import_in_transaction(conn: &mut sqlx::pool::PoolConnection<Db>, source: &mut (dyn BundleSource + Send)) -> Result<u64> {
    use sqlx::Connection;
    let mut tx = conn.begin_with(super::super::BEGIN_WRITE).await?;
    super::new_data_version(&mut tx).await?;
    // Every evaluation fact is rebuilt at the end, so the rows need not be marked one by one (the
    // marking triggers skip their work while '*' is marked).
    sqlx::query("INSERT INTO referral_facts_stale (referral_id) VALUES ('*') ON CONFLICT DO NOTHING").execute(&mut *tx).await?;
    sqlx::query("INSERT INTO activity_facts_stale (service_org_id, person_id) VALUES ('*', '*') ON CONFLICT DO NOTHING").execute(&mut *tx).await?;
    sqlx::query("INSERT INTO comparison_facts_stale (service_org_id, person_key) VALUES ('*', '*') ON CONFLICT DO NOTHING").execute(&mut *tx).await?;
    let now = super::now();
    let mut written = 0u64;
    while let Some((file, rows)) = source.next_batch().map_err(StoreError::Rejected)? {
        for chunk in rows.chunks(BATCH_ROWS) {
            insert_batch(&mut tx, file, chunk, now).await?;
        }
        written += rows.len() as u64;
    }
    // Derived dates of onward referrals, from their events.
    sqlx::query(
        "UPDATE onward_referrals SET \
         responded_on = (SELECT MIN(e.happened_on) FROM onward_events e WHERE e.onward_referral_id = onward_referrals.id AND e.to_status IN ('accepted', 'declined')), \
         attended_on = (SELECT MIN(e.happened_on) FROM onward_events e WHERE e.onward_referral_id = onward_referrals.id AND e.to_status = 'attended') \
         WHERE responded_on IS NULL",
    )
    .execute(&mut *tx)
    .await?;
    super::evaluation::freshness::refresh(&mut tx).await?;
    tx.commit().await?;
    Ok(written)
}

#[async_trait]
impl BundleStore for SqlStore {
    async fn existing_ids(&self) -> Result<crate::ExistingIds> {
        let mut ids = crate::ExistingIds::default();
        let orgs: Vec<(String, String)> = sqlx::query_as("SELECT ods_code, id FROM organisations WHERE ods_code IS NOT NULL").fetch_all(&mut *self.conn().await?).await?;
        ids.orgs_by_ods = orgs.into_iter().collect();
        let users: Vec<(String, String)> = sqlx::query_as("SELECT email, id FROM users").fetch_all(&mut *self.conn().await?).await?;
        ids.users_by_email = users.into_iter().collect();
        let instruments: Vec<(String, String, String)> = sqlx::query_as("SELECT code, service_org_id, id FROM custom_instruments").fetch_all(&mut *self.conn().await?).await?;
        ids.custom_instruments_by_code = instruments.into_iter().map(|(code, service, id)| (code, (service, id))).collect();
        Ok(ids)
    }

    async fn existing_people(&self, service_org_ids: &[String]) -> Result<std::collections::HashMap<(String, String), String>> {
        let mut people = std::collections::HashMap::new();
        for service in service_org_ids {
            let rows: Vec<(String, String)> = sqlx::query_as("SELECT nhs_number, id FROM people WHERE service_org_id = $1").bind(service).fetch_all(&mut *self.conn().await?).await?;
            people.extend(rows.into_iter().map(|(nhs, id)| ((service.clone(), nhs), id)));
        }
        Ok(people)
    }

    async fn import_bundle(&self, source: &mut (dyn BundleSource + Send)) -> Result<u64> {
        // One transaction of its own, on a connection with bulk-load settings.
        self.outside_work("a bundle import")?;
        let _turn = self.write_turn().await?;
        let mut conn = self.pool.acquire().await?;
        super::super::begin_bulk_load(&mut conn).await?;
        let result = import_in_transaction(&mut conn, source).await;
        if let Err(e) = super::super::end_bulk_load(&mut conn).await {
            // Never hand a connection with bulk-load settings back to the pool.
            conn.close_on_drop();
            return Err(e);
        }
        let rows = result?;
        super::super::after_bulk_load(&mut conn).await?;
        Ok(rows)
    }

    async fn bundle_table_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut out = Vec::new();
        for file in spec::files() {
            let Some(t) = target(file.name) else { continue };
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", t.table)).fetch_one(&mut *self.conn().await?).await?;
            out.push((t.table, n));
        }
        Ok(out)
    }

    async fn export_bundle(&self, service_org_id: &str, sink: &mut (dyn BundleRowSink + Send)) -> Result<()> {
        for file in spec::files() {
            let Some(query) = export_query(file.name) else { continue };
            sink.start_file(file).map_err(StoreError::Rejected)?;
            let mut needs: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
            if file.name == "services.csv" {
                let rows: Vec<(String, String)> = sqlx::query_as(SERVICE_NEEDS).bind(service_org_id).fetch_all(&mut *self.conn().await?).await?;
                for (service, need) in rows {
                    needs.entry(service).or_default().push(need);
                }
            }
            let mut conn = self.conn().await?;
            let mut rows = sqlx::query(query).bind(service_org_id).fetch(&mut *conn);
            while let Some(row) = rows.try_next().await? {
                let mut values: Vec<String> = (0..file.columns.len()).map(|i| row.try_get::<Option<String>, _>(i).ok().flatten().unwrap_or_default()).collect();
                match file.name {
                    // The stored JSON arrays become `3;3;2` (and an empty answers array, of a measure
                    // imported with scores only, an empty cell).
                    "measures.csv" | "custom_measures.csv" | "staff_check_ins.csv" => {
                        let at = if file.name == "staff_check_ins.csv" { 3 } else { 5 };
                        let answers: Vec<i64> = serde_json::from_str(&values[at]).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        values[at] = answers.iter().map(i64::to_string).collect::<Vec<_>>().join(";");
                        if file.name == "measures.csv" && !values[6].is_empty() {
                            let scores: Vec<f64> = serde_json::from_str(&values[6]).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                            values[6] = scores.iter().map(f64::to_string).collect::<Vec<_>>().join(";");
                        }
                    }
                    "services.csv" => values[6] = needs.get(&values[0]).map(|n| n.join(";")).unwrap_or_default(),
                    // Decimals written one way whichever database holds them (SQLite's text of a
                    // REAL is `1.0`, PostgreSQL's `1`): Rust's shortest form, `1`, `0.8`.
                    "staff.csv" => canonical_decimals(&mut values, &[5])?,
                    "referral_targets.csv" => canonical_decimals(&mut values, &[2, 3])?,
                    "success_statements.csv" => canonical_decimals(&mut values, &[5])?,
                    _ => {}
                }
                sink.row(file, values).map_err(StoreError::Rejected)?;
            }
        }
        Ok(())
    }
}

/// Rewrites the decimal cells at `columns` in their shortest form (an empty cell stays empty).
fn canonical_decimals(values: &mut [String], columns: &[usize]) -> Result<()> {
    for &i in columns {
        if !values[i].is_empty() {
            let n: f64 = values[i].trim().parse().map_err(|_| StoreError::Corrupt(format!("not a number: {}", values[i])))?;
            values[i] = n.to_string();
        }
    }
    Ok(())
}
