//! Queries of the stakeholder slice: staff wellbeing check-ins (written and read back only by
//! their author; loaded for the evaluation with an opaque worker id and no name).

use super::casework::decode_answers;
use super::SqlStore;
use crate::AuditActor;
use crate::*;
use crate::StakeholderStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::evaluation::Period;
use linkwork_domain::measurement::instruments::Instrument;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::evaluation::stakeholders::evidence::{
    ConsentGivenBy, ConsentUse, EvidenceFacts, EvidenceKind, KnownIdentifiers, OutcomeDomain,
};
use linkwork_domain::evaluation::stakeholders::scorecard::{
    Measure, Stakeholder, StakeholderKind, SuccessStatement,
};
use linkwork_domain::evaluation::stakeholders::staff_wellbeing::{CheckIn, CheckInFacts, Rating};
use linkwork_domain::evaluation::stakeholders::StakeholderFacts;
use time::Date;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

type CheckInRow = (String, String, Date, String, i64, i64, bool);

fn decode_check_in(
    answers: &str,
    satisfaction: i64,
    pressure: i64,
    supervision: bool,
) -> Result<CheckIn> {
    let swemwbs = decode_answers(Instrument::Swemwbs, answers)?;
    CheckIn::new(
        swemwbs,
        Rating::from_stored("job_satisfaction", satisfaction).map_err(corrupt)?,
        Rating::from_stored("caseload_pressure", pressure).map_err(corrupt)?,
        supervision,
    )
    .map_err(corrupt)
}

#[async_trait]
impl StakeholderStore for SqlStore {
    async fn add_check_in(&self, c: &NewCheckIn) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let id = new_id();
        let answers = serde_json::to_string(c.check_in.swemwbs().answers()).map_err(corrupt)?;
        sqlx::query(
            "INSERT INTO staff_check_ins (id, service_org_id, worker_id, checked_in_on, swemwbs_answers, job_satisfaction, caseload_pressure, supervision, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&c.service_org_id)
        .bind(&c.worker_id)
        .bind(c.checked_in_on)
        .bind(answers)
        .bind(i64::from(c.check_in.job_satisfaction().get()))
        .bind(i64::from(c.check_in.caseload_pressure().get()))
        .bind(c.check_in.supervision())
        .bind(super::now())
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn own_check_ins(&self, worker_id: &str) -> Result<Vec<StoredCheckIn>> {
        let rows: Vec<CheckInRow> = sqlx::query_as(
            "SELECT id, worker_id, checked_in_on, swemwbs_answers, job_satisfaction, caseload_pressure, supervision FROM staff_check_ins \
             WHERE worker_id = $1 ORDER BY checked_in_on DESC, created_at DESC, id DESC",
        )
        .bind(worker_id)
        .fetch_all(&mut *self.conn().await?)
        .await?;
        rows.into_iter()
            .map(|(id, _, checked_in_on, answers, s, p, sup)| {
                Ok(StoredCheckIn {
                    id,
                    checked_in_on,
                    check_in: decode_check_in(&answers, s, p, sup)?,
                })
            })
            .collect()
    }

    async fn add_stakeholder(&self, s: &NewStakeholder) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let id = new_id();
        sqlx::query("INSERT INTO stakeholders (id, service_org_id, kind, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(&s.service_org_id)
            .bind(s.kind.code())
            .bind(&s.name)
            .bind(&s.created_by)
            .bind(super::now())
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn stakeholder_plan(&self, service_org_id: &str) -> Result<Vec<Stakeholder>> {
        load_plan(&mut *self.conn().await?, service_org_id, None).await
    }

    async fn stakeholder(
        &self,
        service_org_id: &str,
        stakeholder_id: &str,
    ) -> Result<Option<Stakeholder>> {
        Ok(load_plan(&mut *self.conn().await?, service_org_id, Some(stakeholder_id))
            .await?
            .into_iter()
            .next())
    }

    async fn add_success_statement(
        &self,
        service_org_id: &str,
        stakeholder_id: &str,
        st: &NewSuccessStatement,
    ) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let owner: Option<String> =
            sqlx::query_scalar("SELECT service_org_id FROM stakeholders WHERE id = $1")
                .bind(stakeholder_id)
                .fetch_optional(&mut **tx)
                .await?;
        if owner.as_deref() != Some(service_org_id) {
            return Err(StoreError::NotFound);
        }
        let (comparison, target) = match &st.measure {
            Measure::Figure { target, .. } => (Some(target.comparison.code()), Some(target.value)),
            Measure::Qualitative => (None, None),
        };
        let id = new_id();
        sqlx::query(
            "INSERT INTO success_statements (id, stakeholder_id, statement, indicator, comparison, target, applies_from, applies_to, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(stakeholder_id)
        .bind(&st.statement)
        .bind(st.measure.indicator())
        .bind(comparison)
        .bind(target)
        .bind(st.applies.from)
        .bind(st.applies.to)
        .bind(super::now())
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn person_id_by_nhs_number(
        &self,
        service_org_id: &str,
        nhs_number: &linkwork_domain::NhsNumber,
    ) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM people WHERE service_org_id = $1 AND nhs_number = $2",
        )
        .bind(service_org_id)
        .bind(nhs_number.as_str())
        .fetch_optional(&mut *self.conn().await?)
        .await?)
    }

    async fn add_evidence(&self, who: &AuditActor, e: &NewEvidence) -> Result<String> {
        let id = new_id();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO evidence_items (id, service_org_id, person_id, kind, title, text, outcome_domains, needs, stakeholders, consent_given_on, consent_by, consent_use, recorded_by, recorded_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&id)
        .bind(&e.service_org_id)
        .bind(&e.person_id)
        .bind(e.kind.code())
        .bind(&e.title)
        .bind(&e.text)
        .bind(codes(e.outcome_domains.iter().map(|d| d.code())))
        .bind(codes(e.needs.iter().map(|d| d.code())))
        .bind(codes(e.stakeholders.iter().map(|d| d.code())))
        .bind(e.consent_given_on)
        .bind(e.consent_by.code())
        .bind(e.consent_use.code())
        .bind(&e.recorded_by)
        .bind(e.recorded_on)
        .bind(super::now())
        .execute(&mut **tx)
        .await?;
        if let Some(person_id) = &e.person_id {
            super::audit(
                &mut tx,
                who,
                super::Audit {
                    action: "evidence.create",
                    entity: "evidence",
                    entity_id: &id,
                    person_id: Some(person_id),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn evidence_items(&self, service_org_id: &str) -> Result<Vec<EvidenceItem>> {
        let rows: Vec<EvidenceRow> = sqlx::query_as(&format!("SELECT {EVIDENCE_COLUMNS} FROM evidence_items WHERE service_org_id = $1 ORDER BY recorded_on DESC, created_at DESC, id"))
            .bind(service_org_id)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.into_iter()
            .map(|r| decode_evidence(r).map(|(item, _)| item))
            .collect()
    }

    async fn evidence_for_review(
        &self,
        who: &AuditActor,
        service_org_id: &str,
        id: &str,
    ) -> Result<Option<(EvidenceItem, KnownIdentifiers)>> {
        let mut tx = self.write_tx().await?;
        let row: Option<EvidenceRow> = sqlx::query_as(&format!(
            "SELECT {EVIDENCE_COLUMNS} FROM evidence_items WHERE service_org_id = $1 AND id = $2"
        ))
        .bind(service_org_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (item, person_id) = decode_evidence(row)?;
        let mut known = KnownIdentifiers::default();
        if let Some(person_id) = person_id {
            let person: Option<(String, String, String, Date, String)> = sqlx::query_as("SELECT given_name, family_name, nhs_number, date_of_birth, postcode FROM people WHERE id = $1")
                .bind(&person_id)
                .fetch_optional(&mut **tx)
                .await?;
            if let Some((given, family, nhs, dob, postcode)) = person {
                known = KnownIdentifiers {
                    names: vec![given, family],
                    nhs_number: Some(linkwork_domain::NhsNumber::parse(&nhs).map_err(corrupt)?),
                    date_of_birth: Some(dob),
                    postcode: Some(linkwork_domain::Postcode::parse(&postcode).map_err(corrupt)?),
                };
            }
            super::audit(
                &mut tx,
                who,
                super::Audit {
                    action: "evidence.review",
                    entity: "evidence",
                    entity_id: id,
                    person_id: Some(&person_id),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some((item, known)))
    }

    async fn approve_evidence(
        &self,
        who: &AuditActor,
        service_org_id: &str,
        id: &str,
        approved_text: &str,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let person_id: Option<Option<String>> = sqlx::query_scalar(
            "SELECT person_id FROM evidence_items WHERE service_org_id = $1 AND id = $2",
        )
        .bind(service_org_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(person_id) = person_id else {
            return Err(StoreError::NotFound);
        };
        sqlx::query("UPDATE evidence_items SET approved_text = $1, approved_by = $2, approved_at = $3 WHERE id = $4")
            .bind(approved_text)
            .bind(&who.user_id)
            .bind(super::now())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        super::audit(
            &mut tx,
            who,
            super::Audit {
                action: "evidence.approve",
                entity: "evidence",
                entity_id: id,
                person_id: person_id.as_deref(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The stakeholder facts of `service_org_ids` up to `to`, for the evaluation.
pub(super) async fn load_facts(
    conn: &mut super::Conn,
    service_org_ids: &[String],
    to: Date,
) -> Result<StakeholderFacts> {
    let mut facts = StakeholderFacts::default();
    // One query per service, as the rest of the evaluation loader: no dialect-specific arrays.
    for service in service_org_ids {
        let rows: Vec<CheckInRow> = sqlx::query_as(
            "SELECT id, worker_id, checked_in_on, swemwbs_answers, job_satisfaction, caseload_pressure, supervision FROM staff_check_ins \
             WHERE service_org_id = $1 AND checked_in_on <= $2",
        )
        .bind(service)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
        for (_, worker_id, checked_in_on, answers, s, p, sup) in rows {
            facts.check_ins.push(CheckInFacts {
                worker_id,
                checked_in_on,
                check_in: decode_check_in(&answers, s, p, sup)?,
            });
        }
        facts.plan.extend(load_plan(conn, service, None).await?);
        // Only what may be published: no person, no unapproved text. In a fixed order, so a
        // restored or re-imported database gives the same report (not the rows' storage order).
        let rows: Vec<EvidenceRow> = sqlx::query_as(&format!(
            "SELECT {EVIDENCE_COLUMNS} FROM evidence_items WHERE service_org_id = $1 AND recorded_on <= $2 AND approved_text IS NOT NULL ORDER BY recorded_on DESC, created_at DESC, id"
        ))
            .bind(service)
            .bind(to)
            .fetch_all(&mut *conn)
            .await?;
        for row in rows {
            let (e, _) = decode_evidence(row)?;
            facts.evidence.push(EvidenceFacts {
                kind: e.kind,
                title: e.title,
                consent_use: e.consent_use,
                approved_text: e.approved_text,
                recorded_on: e.recorded_on,
                outcome_domains: e.outcome_domains,
                needs: e.needs,
                stakeholders: e.stakeholders,
            });
        }
    }
    Ok(facts)
}

type StatementRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<f64>,
    Date,
    Date,
);

/// A service's stakeholders (optionally one) with their statements.
async fn load_plan(
    conn: &mut super::Conn,
    service_org_id: &str,
    only: Option<&str>,
) -> Result<Vec<Stakeholder>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT id, kind, name FROM stakeholders WHERE service_org_id = $1 AND ($2 IS NULL OR id = $2) ORDER BY name, id")
        .bind(service_org_id)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
    let mut plan = Vec::with_capacity(rows.len());
    for (id, kind, name) in rows {
        let statements: Vec<StatementRow> = sqlx::query_as(
            "SELECT id, stakeholder_id, statement, indicator, comparison, target, applies_from, applies_to FROM success_statements WHERE stakeholder_id = $1 ORDER BY created_at, id",
        )
        .bind(&id)
        .fetch_all(&mut *conn)
        .await?;
        let statements = statements
            .into_iter()
            .map(
                |(sid, _, statement, indicator, comparison, target, from, to)| {
                    let measure = Measure::parse(
                        &indicator,
                        comparison.as_deref().unwrap_or(""),
                        &target.map(|t| t.to_string()).unwrap_or_default(),
                    )
                    .map_err(|e| corrupt(format!("statement {sid}: {:?}", e)))?;
                    Ok(SuccessStatement {
                        id: sid,
                        statement,
                        measure,
                        applies: Period::new(from, to).map_err(corrupt)?,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        plan.push(Stakeholder {
            id,
            kind: StakeholderKind::parse(&kind).map_err(corrupt)?,
            name,
            statements,
        });
    }
    Ok(plan)
}

const EVIDENCE_COLUMNS: &str =
    "id, person_id, kind, title, text, outcome_domains, needs, stakeholders, consent_given_on, consent_by, consent_use, recorded_on, approved_text";

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    id: String,
    person_id: Option<String>,
    kind: String,
    title: String,
    text: String,
    outcome_domains: String,
    needs: String,
    stakeholders: String,
    consent_given_on: Date,
    consent_by: String,
    consent_use: String,
    recorded_on: Date,
    approved_text: Option<String>,
}

fn codes<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes.collect::<Vec<_>>().join(",")
}

fn parse_codes<T>(raw: &str, parse: impl Fn(&str) -> linkwork_domain::Result<T>) -> Result<Vec<T>> {
    raw.split(',')
        .filter(|c| !c.is_empty())
        .map(|c| parse(c).map_err(corrupt))
        .collect()
}

fn decode_evidence(r: EvidenceRow) -> Result<(EvidenceItem, Option<String>)> {
    Ok((
        EvidenceItem {
            id: r.id,
            kind: EvidenceKind::parse(&r.kind).map_err(corrupt)?,
            title: r.title,
            text: r.text,
            outcome_domains: parse_codes(&r.outcome_domains, OutcomeDomain::parse)?,
            needs: parse_codes(&r.needs, NeedDomain::parse)?,
            stakeholders: parse_codes(&r.stakeholders, StakeholderKind::parse)?,
            consent_given_on: r.consent_given_on,
            consent_by: ConsentGivenBy::parse(&r.consent_by).map_err(corrupt)?,
            consent_use: ConsentUse::parse(&r.consent_use).map_err(corrupt)?,
            recorded_on: r.recorded_on,
            linked_to_person: r.person_id.is_some(),
            approved_text: r.approved_text,
        },
        r.person_id,
    ))
}
