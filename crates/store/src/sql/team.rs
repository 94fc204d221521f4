use super::referral_rows::{insert_needs, person_of};
use super::{audit, Audit, SqlStore};
use crate::*;
use crate::TeamStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::access::Role;
use linkwork_domain::casework::mdt::AttendeeRole;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::plan::GoalStatus;
use linkwork_domain::casework::referral::{DeclineReason, ReferralStatus};
use linkwork_domain::casework::triage::AttemptOutcome;
use time::Date;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn stale() -> StoreError {
    StoreError::Conflict("This referral was changed by someone else. Reload the page and try again".into())
}

#[async_trait]
impl TeamStore for SqlStore {
    async fn add_attempt(&self, who: &AuditActor, referral_id: &str, a: &NewAttempt) -> Result<String> {
        let id = new_id();
        let mut tx = self.write_tx().await?;
        let person_id = person_of(&mut tx, referral_id).await?;
        sqlx::query("INSERT INTO contact_attempts (id, referral_id, attempted_on, mode, outcome, notes, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(&id)
            .bind(referral_id)
            .bind(a.attempted_on)
            .bind(a.mode.code())
            .bind(a.outcome.code())
            .bind(&a.notes)
            .bind(&who.user_id)
            .bind(super::now())
            .execute(&mut **tx)
            .await?;
        audit(&mut tx, who, Audit { action: "attempt.create", entity: "contact_attempt", entity_id: &id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn unsuccessful_attempts(&self, referral_id: &str) -> Result<usize> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contact_attempts WHERE referral_id = $1 AND outcome <> $2")
            .bind(referral_id)
            .bind(AttemptOutcome::Reached.code())
            .fetch_one(&mut *self.conn().await?)
            .await?;
        Ok(n.max(0) as usize)
    }

    async fn merge_duplicate(&self, who: &AuditActor, duplicate_id: &str, into_id: &str) -> Result<()> {
        let now = super::now();
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query("UPDATE referrals SET status = $1, declined_on = $2, decline_reason = $3, duplicate_of = NULL, updated_at = $4 WHERE id = $5 AND duplicate_of = $6 AND status = $7")
            .bind(ReferralStatus::Declined.code())
            .bind(now.date())
            .bind(DeclineReason::Duplicate.code())
            .bind(now)
            .bind(duplicate_id)
            .bind(into_id)
            .bind(ReferralStatus::Received.code())
            .execute(&mut **tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(stale());
        }
        let needs: Vec<String> = sqlx::query_scalar("SELECT need FROM referral_needs WHERE referral_id = $1 AND identified_at = 'referral'").bind(duplicate_id).fetch_all(&mut **tx).await?;
        let needs = needs.iter().map(|n| NeedDomain::parse(n).map_err(corrupt)).collect::<Result<Vec<_>>>()?;
        insert_needs(&mut tx, into_id, &needs, "referral").await?;
        let person_id = person_of(&mut tx, duplicate_id).await?;
        audit(&mut tx, who, Audit { action: "referral.merge", entity: "referral", entity_id: duplicate_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn clear_duplicate(&self, who: &AuditActor, referral_id: &str) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE referrals SET duplicate_of = NULL, updated_at = $1 WHERE id = $2").bind(super::now()).bind(referral_id).execute(&mut **tx).await?;
        let person_id = person_of(&mut tx, referral_id).await?;
        audit(&mut tx, who, Audit { action: "referral.keep_separate", entity: "referral", entity_id: referral_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reassign(&self, who: &AuditActor, referral_id: &str, worker_id: &str) -> Result<()> {
        let mut tx = self.write_tx().await?;
        // The new link worker must be an active link worker of the referral's own service.
        let updated = sqlx::query(
            "UPDATE referrals SET assigned_worker_id = $1, updated_at = $2 WHERE id = $3 AND EXISTS \
             (SELECT 1 FROM users u WHERE u.id = $1 AND u.org_id = referrals.service_org_id AND u.role IN ($4, $5) AND u.active)",
        )
        .bind(worker_id)
        .bind(super::now())
        .bind(referral_id)
        .bind(Role::LinkWorker.code())
        .bind(Role::Manager.code())
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict("Choose a link worker of this service".into()));
        }
        let person_id = person_of(&mut tx, referral_id).await?;
        audit(&mut tx, who, Audit { action: "referral.reassign", entity: "referral", entity_id: referral_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_goal_status(&self, who: &AuditActor, referral_id: &str, goal_id: &str, status: GoalStatus) -> Result<()> {
        self.plan_set_goal_status(who, referral_id, goal_id, status).await
    }

    async fn add_goal(&self, who: &AuditActor, referral_id: &str, goal: &NewGoal, agreed_on: Date) -> Result<String> {
        self.plan_add_goal(who, referral_id, goal, agreed_on).await
    }

    async fn goal(&self, referral_id: &str, goal_id: &str) -> Result<Option<Goal>> {
        self.plan_goal(referral_id, goal_id).await
    }

    async fn change_goal(&self, who: &AuditActor, referral_id: &str, goal_id: &str, change: &GoalChange) -> Result<usize> {
        self.plan_change_goal(who, referral_id, goal_id, change).await
    }

    async fn change_needs(&self, who: &AuditActor, referral_id: &str, add: &[NeedDomain], remove: &[NeedDomain]) -> Result<()> {
        self.plan_change_needs(who, referral_id, add, remove).await
    }

    async fn workloads(&self, service_org_id: &str, today: Date) -> Result<Vec<WorkerLoad>> {
        let workers: Vec<(String, String)> = sqlx::query_as("SELECT id, display_name FROM users WHERE org_id = $1 AND role = $2 AND active ORDER BY display_name")
            .bind(service_org_id)
            .bind(Role::LinkWorker.code())
            .fetch_all(&mut *self.conn().await?)
            .await?;
        let year_ago = today - time::Duration::days(365);
        let rows: Vec<(Option<String>, String, Option<Date>)> =
            sqlx::query_as("SELECT assigned_worker_id, status, accepted_on FROM referrals WHERE service_org_id = $1 AND (status IN ('received', 'accepted') OR accepted_on >= $2)")
                .bind(service_org_id)
                .bind(year_ago)
                .fetch_all(&mut *self.conn().await?)
                .await?;
        let months: Vec<(i32, u8)> = (0..6)
            .rev()
            .map(|back: i32| {
                let total = today.year() * 12 + i32::from(today.month() as u8) - 1 - back;
                (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8)
            })
            .collect();
        Ok(workers
            .into_iter()
            .map(|(worker_id, name)| {
                let mine: Vec<&(Option<String>, String, Option<Date>)> = rows.iter().filter(|r| r.0.as_deref() == Some(worker_id.as_str())).collect();
                let open = mine.iter().filter(|r| r.1 == "accepted" || r.1 == "received").count() as i64;
                let accepted: Vec<Date> = mine.iter().filter_map(|r| r.2).filter(|d| *d >= year_ago).collect();
                let accepted_by_month = months
                    .iter()
                    .map(|(y, m)| (format!("{y:04}-{m:02}"), accepted.iter().filter(|d| d.year() == *y && d.month() as u8 == *m).count() as i64))
                    .collect();
                WorkerLoad { worker_id, name, open, accepted_by_month, accepted_last_year: accepted.len() as i64 }
            })
            .collect())
    }

    async fn create_mdt(&self, who: &AuditActor, m: &NewMdtMeeting) -> Result<String> {
        let id = new_id();
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO mdt_meetings (id, service_org_id, practice_id, held_on, attendee_roles, notes, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(&id)
            .bind(&m.service_org_id)
            .bind(&m.practice_id)
            .bind(m.held_on)
            .bind(m.attendees.iter().map(|a| a.code()).collect::<Vec<_>>().join(","))
            .bind(&m.notes)
            .bind(&who.user_id)
            .bind(super::now())
            .execute(&mut **tx)
            .await?;
        for referral_id in &m.referral_ids {
            // Only people of the meeting's own service may be recorded as discussed.
            let person_id: Option<String> = sqlx::query_scalar("SELECT person_id FROM referrals WHERE id = $1 AND service_org_id = $2")
                .bind(referral_id)
                .bind(&m.service_org_id)
                .fetch_optional(&mut **tx)
                .await?;
            let person_id = person_id.ok_or(StoreError::NotFound)?;
            sqlx::query("INSERT INTO mdt_discussions (meeting_id, referral_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(&id).bind(referral_id).execute(&mut **tx).await?;
            audit(&mut tx, who, Audit { action: "mdt.discuss", entity: "mdt_meeting", entity_id: &id, person_id: Some(&person_id) }).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn mdt_meetings(&self, service_org_id: &str) -> Result<Vec<MdtMeeting>> {
        let meetings: Vec<(String, Date, Option<String>, String, Option<String>)> = sqlx::query_as(
            "SELECT m.id, m.held_on, o.name, m.attendee_roles, m.notes FROM mdt_meetings m LEFT JOIN organisations o ON o.id = m.practice_id \
             WHERE m.service_org_id = $1 ORDER BY m.held_on DESC, m.id",
        )
        .bind(service_org_id)
        .fetch_all(&mut *self.conn().await?)
        .await?;
        let people: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT d.meeting_id, p.id, p.given_name || ' ' || p.family_name FROM mdt_discussions d JOIN mdt_meetings m ON m.id = d.meeting_id \
             JOIN referrals r ON r.id = d.referral_id JOIN people p ON p.id = r.person_id WHERE m.service_org_id = $1 ORDER BY p.family_name, p.given_name",
        )
        .bind(service_org_id)
        .fetch_all(&mut *self.conn().await?)
        .await?;
        meetings
            .into_iter()
            .map(|(id, held_on, practice_name, roles, notes)| {
                let attendees = roles.split(',').filter(|r| !r.is_empty()).map(|r| AttendeeRole::parse(r).map_err(corrupt)).collect::<Result<Vec<_>>>()?;
                let discussed: Vec<_> = people.iter().filter(|(m, _, _)| *m == id).collect();
                let person_ids = discussed.iter().map(|(_, person, _)| person.clone()).collect();
                let people = discussed.iter().map(|(_, _, name)| name.clone()).collect();
                Ok(MdtMeeting { id, held_on, practice_name, attendees, notes, people, person_ids })
            })
            .collect()
    }

    async fn search_people(&self, service_org_id: &str, q: &PersonQuery) -> Result<Vec<PersonMatch>> {
        let name = q.name.as_ref().map(|n| format!("%{}%", n.trim().to_lowercase().replace(['%', '_'], "")));
        Ok(sqlx::query_as(
            "SELECT p.id AS person_id, p.given_name, p.family_name, p.nhs_number, p.date_of_birth, \
             (SELECT r.id FROM referrals r WHERE r.person_id = p.id ORDER BY r.referred_on DESC, r.id DESC LIMIT 1) AS latest_referral_id, \
             (SELECT r.status FROM referrals r WHERE r.person_id = p.id ORDER BY r.referred_on DESC, r.id DESC LIMIT 1) AS latest_status, \
             (SELECT COUNT(*) FROM referrals r WHERE r.person_id = p.id) AS referrals \
             FROM people p WHERE p.service_org_id = $1 AND p.erased_at IS NULL \
             AND ($2 IS NULL OR LOWER(p.given_name || ' ' || p.family_name) LIKE $2 OR LOWER(p.family_name) LIKE $2) \
             AND ($3 IS NULL OR p.nhs_number = $3) AND ($4 IS NULL OR p.date_of_birth = $4) \
             ORDER BY p.family_name, p.given_name LIMIT 100",
        )
        .bind(service_org_id)
        .bind(name)
        .bind(q.nhs_number.as_ref().map(|n| n.as_str()))
        .bind(q.date_of_birth)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn referrals_of_person(&self, person_id: &str) -> Result<Vec<ReferralHeader>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.person_id, r.service_org_id, r.referred_by_org_id, r.assigned_worker_id, r.status, p.restricted_at IS NOT NULL AS restricted \
             FROM referrals r JOIN people p ON p.id = r.person_id WHERE r.person_id = $1 AND p.erased_at IS NULL ORDER BY r.referred_on DESC, r.id DESC",
        )
            .bind(person_id)
            .fetch_all(&mut *self.conn().await?)
            .await?)
    }
}
