//! A plan that changes without a new "what matters" conversation (issue 12): a goal is added,
//! reworded, given a new review date or closed on its own form; needs are agreed with the person
//! or withdrawn on the record. Each change is checked here, kept in the plan's history and audited
//! by the store. Also how a record shows its needs (each once, with where it came from) and its
//! plan's history.
//!
//! Each change is one unit of work (`Store::begin`): the access check, what it reads and the change
//! itself run in one transaction, so they commit together or (on any error) not at all.

use linkwork_domain::ids::GoalId;
use linkwork_domain::ids::ReferralId;
use crate::access::casework_change;
use crate::clock::today;
use crate::forms::{Checker, Fields};
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::casework::need::{parse_needs, NeedDomain};
use linkwork_domain::person::parse_iso_date;
use linkwork_domain::casework::plan::{check_review_date, GoalStatus, GoalText, PlanChangeKind};
use linkwork_store::{AuditActor, Goal, GoalChange, NeedRecord, NewGoal, PlanChange, Store};
use time::Date;

/// An optional review date from the date input `field`: `Some(None)` when left empty.
fn review_date(c: &mut Checker, f: &Fields, field: &'static str) -> Option<Option<Date>> {
    let raw = f.get(field);
    if raw.trim().is_empty() {
        Some(None)
    } else {
        c.check(parse_iso_date(field, "review date", raw)).map(Some)
    }
}

/// Adds a goal agreed with the person today. Only while they are on the caseload.
pub async fn add_goal(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<String, AppError> {
    let work = store.begin().await?;
    let header = casework_change(&*work, actor, referral_id).await?;
    header.status.require_active()?;
    let today = today();
    let mut c = Checker::default();
    let description = c.check(GoalText::parse("description", "the goal, in the person's words", f.get("description")));
    let review_on = review_date(&mut c, f, "review_on");
    if let Some(review_on) = review_on {
        c.check(check_review_date("review_on", review_on, today));
    }
    match (description, review_on) {
        (Some(description), Some(review_on)) if c.is_ok() => {
            let id = work.add_goal(who, referral_id, &NewGoal { description, review_on }, today).await?;
            work.commit().await?;
            Ok(id)
        }
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// A goal of a referral this actor may change (only while the person is on the caseload).
pub async fn goal_to_change(store: &dyn Store, actor: &Actor, referral_id: &ReferralId, goal_id: &GoalId) -> Result<Goal, AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    header.status.require_active()?;
    store.goal(referral_id, goal_id).await?.ok_or(AppError::NotFound)
}

/// Changes a goal's wording, review date and status as the form says; `version` is the goal's
/// version the form was opened on. Returns how many fields changed.
pub async fn change_goal(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, goal_id: &GoalId, f: &Fields) -> Result<usize, AppError> {
    let work = store.begin().await?;
    let goal = goal_to_change(&*work, actor, referral_id, goal_id).await?;
    let mut c = Checker::default();
    let description = c.check(GoalText::parse("description", "the goal, in the person's words", f.get("description")));
    let review_on = review_date(&mut c, f, "review_on");
    // An old review date may stay as it is; a new one must still be ahead.
    if let Some(review_on) = review_on.filter(|r| *r != goal.review_on) {
        c.check(check_review_date("review_on", review_on, today()));
    }
    let status = c.check(GoalStatus::parse(f.get("goal_status")));
    let version = f.get("version").trim().parse::<i64>().ok();
    if version.is_none() {
        c.error("description", "The form is missing the goal's version. Go back to the record and open the goal again");
    }
    match (description, review_on, status, version) {
        (Some(description), Some(review_on), Some(status), Some(version)) if c.is_ok() => {
            let changed = work.change_goal(who, referral_id, goal_id, &GoalChange { description, review_on, status, version }).await?;
            work.commit().await?;
            Ok(changed)
        }
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// The needs agreed with the person: those recorded in a conversation or on the record.
pub fn agreed_needs(needs: &[NeedRecord]) -> Vec<NeedDomain> {
    needs.iter().filter(|n| n.identified_at == "conversation").map(|n| n.need).collect()
}

/// The person's needs as they stand: those agreed with them, or the referrer's until any are.
pub fn current_needs(needs: &[NeedRecord]) -> Vec<NeedDomain> {
    let agreed = agreed_needs(needs);
    let mut current = if agreed.is_empty() { needs.iter().map(|n| n.need).collect() } else { agreed };
    current.sort();
    current.dedup();
    current
}

/// Sets the needs agreed with the person to the ticked ones. The referrer's needs stay on the
/// record as they gave them (a need only they named shows as not agreed).
/// One unit of work: the needs compared are the needs changed (none can change in between), and
/// the read's audit event and the change commit together.
pub async fn change_needs(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<(), AppError> {
    let work = store.begin().await?;
    let header = casework_change(&*work, actor, referral_id).await?;
    header.status.require_active()?;
    let ticked = parse_needs(f.all("needs")).map_err(AppError::from)?;
    let record = work.referral_record(who, referral_id).await?.ok_or(AppError::NotFound)?;
    let agreed = agreed_needs(&record.needs);
    let add: Vec<NeedDomain> = ticked.iter().copied().filter(|n| !agreed.contains(n)).collect();
    let remove: Vec<NeedDomain> = agreed.iter().copied().filter(|n| !ticked.contains(n)).collect();
    work.change_needs(who, referral_id, &add, &remove).await?;
    work.commit().await?;
    Ok(())
}

/// One need on the record, shown once, with where it came from.
pub struct NeedLine {
    pub label: &'static str,
    pub origin: String,
}

/// The record's needs, each once (in list order), saying whether the referrer named it and
/// whether it was agreed with the person. `discussed`: a conversation has been held or needs agreed.
/// `to_confirm`: the referrer coded no need, so the referral's needs are suggestions read from
/// their words (`Referral::needs_to_confirm`).
pub fn needs_once(needs: &[NeedRecord], given_name: &str, discussed: bool, to_confirm: bool) -> Vec<NeedLine> {
    let from = |at: &str, need: NeedDomain| needs.iter().any(|n| n.need == need && n.identified_at == at);
    let discussed = discussed || needs.iter().any(|n| n.identified_at == "conversation");
    NeedDomain::ALL
        .iter()
        .copied()
        .filter(|need| needs.iter().any(|n| n.need == *need))
        .map(|need| {
            let origin = match (from("referral", need), from("conversation", need)) {
                (true, true) => format!("from the referral, agreed with {given_name}"),
                (false, true) => format!("agreed with {given_name}"),
                (true, false) if discussed => format!("from the referral, not agreed with {given_name}"),
                _ if to_confirm => "suggested from the referrer's words, to confirm".to_owned(),
                _ => "from the referral".to_owned(),
            };
            NeedLine { label: need.label(), origin }
        })
        .collect()
}

/// One line of the plan's history, in words.
pub struct HistoryLine {
    pub date: String,
    pub what: String,
    pub detail: String,
    pub by: String,
}

fn shown_value(kind: PlanChangeKind, value: Option<&str>) -> String {
    match (kind, value) {
        (_, None) => "none".into(),
        (PlanChangeKind::ReviewDate, Some(v)) => parse_iso_date("review_on", "review date", v).map(linkwork_domain::format_date_long).unwrap_or_else(|_| v.to_owned()),
        (PlanChangeKind::Status, Some(v)) => GoalStatus::parse(v).map(|s| s.label().to_owned()).unwrap_or_else(|_| v.to_owned()),
        (PlanChangeKind::NeedAdded | PlanChangeKind::NeedRemoved, Some(v)) => NeedDomain::parse(v).map(|n| n.label().to_owned()).unwrap_or_else(|_| v.to_owned()),
        (_, Some(v)) => format!("\u{201c}{v}\u{201d}"),
    }
}

/// The UK date a change was made on.
pub fn changed_on(c: &PlanChange) -> Date {
    linkwork_domain::uk_time::uk_today(c.changed_at)
}

/// The plan's history in words, oldest first; `goal_name` names the goal a change is about.
pub fn history(changes: &[PlanChange], goal_name: impl Fn(&str) -> Option<String>) -> Vec<HistoryLine> {
    changes
        .iter()
        .map(|c| {
            let goal = c.goal_id.as_deref().and_then(&goal_name).map(|g| format!("\u{201c}{g}\u{201d}")).unwrap_or_default();
            let detail = match c.kind {
                PlanChangeKind::GoalAdded => goal,
                PlanChangeKind::NeedAdded => shown_value(c.kind, c.new_value.as_deref()),
                PlanChangeKind::NeedRemoved => shown_value(c.kind, c.old_value.as_deref()),
                kind => {
                    let change = format!("from {} to {}", shown_value(kind, c.old_value.as_deref()), shown_value(kind, c.new_value.as_deref()));
                    if goal.is_empty() { change } else { format!("{goal}: {change}") }
                }
            };
            HistoryLine { date: linkwork_domain::format_date_long(changed_on(c)), what: c.kind.label().to_owned(), detail, by: c.by_name.clone().unwrap_or_else(|| "Not recorded".into()) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(need: NeedDomain, at: &str) -> NeedRecord {
        NeedRecord { need, identified_at: at.into() }
    }

    #[test]
    fn a_need_named_by_the_referrer_and_agreed_with_the_person_is_shown_once() {
        let needs = [need(NeedDomain::Loneliness, "referral"), need(NeedDomain::Loneliness, "conversation"), need(NeedDomain::MoneyDebtBenefits, "conversation"), need(NeedDomain::Housing, "referral")];
        let lines: Vec<(&str, String)> = needs_once(&needs, "Sam", true, false).into_iter().map(|l| (l.label, l.origin)).collect();
        assert_eq!(
            lines,
            vec![
                (NeedDomain::Loneliness.label(), "from the referral, agreed with Sam".to_owned()),
                (NeedDomain::MoneyDebtBenefits.label(), "agreed with Sam".to_owned()),
                (NeedDomain::Housing.label(), "from the referral, not agreed with Sam".to_owned()),
            ]
        );
        let before = needs_once(&[need(NeedDomain::Housing, "referral")], "Sam", false, false);
        assert_eq!(before[0].origin, "from the referral", "nothing is said about agreement before anyone has talked with the person");
    }

    #[test]
    fn needs_read_from_the_referrers_words_are_shown_as_suggestions_to_confirm() {
        let lines = needs_once(&[need(NeedDomain::Housing, "referral")], "Sam", false, true);
        assert_eq!(lines[0].origin, "suggested from the referrer's words, to confirm");
    }
}
