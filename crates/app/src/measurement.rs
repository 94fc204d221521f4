//! Measurement beyond a single measure entered by a link worker (which is `casework::add_measure`):
//! the service's schedule of measures, questionnaires the person completes themselves on the link
//! worker's device, and the service's own questionnaires. Access as in `casework`: the role is
//! checked before any id is looked up, and another service's referral is not found.

use linkwork_domain::ids::ReferralId;
use crate::access::{casework_change, casework_referral, require_casework};
use crate::clock::today;
use crate::forms::{Checker, Fields};
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_domain::casework::schedule::MeasurementSchedule;
use linkwork_domain::measurement::custom_instrument::{CustomForm, CustomInstrument, CustomMeasureFacts};
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument, Timepoint};
use linkwork_domain::DomainError;
use linkwork_store::{AuditActor, NewCustomMeasure, NewMeasure, Store};

fn require_manager(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::Manager {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Domain errors of a whole form, as the field messages shown with it.
fn invalid(errors: impl IntoIterator<Item = DomainError>) -> AppError {
    let mut c = Checker::default();
    for e in errors {
        c.check::<()>(Err(e));
    }
    AppError::Invalid(c.into_errors())
}

/// The service's schedule, or the default when it has not set one. Service settings, not
/// personal data: no access check.
pub async fn schedule(store: &dyn Store, service_org_id: &str) -> Result<MeasurementSchedule, AppError> {
    Ok(store.measurement_schedule(service_org_id).await?.unwrap_or_default())
}

/// Replaces the actor's service's schedule from the form (`instruments`, `months`); managers only.
pub async fn set_schedule(store: &dyn Store, actor: &Actor, who: &AuditActor, f: &Fields) -> Result<(), AppError> {
    require_manager(actor)?;
    let schedule = MeasurementSchedule::parse(&f.all("instruments"), f.get("months")).map_err(invalid)?;
    Ok(store.set_measurement_schedule(who, &actor.org_id, &schedule).await?)
}

/// Records a questionnaire the person filled in themselves (fields `item_1`…): at baseline if they
/// have none of this instrument yet, otherwise as a follow-up (the link worker can correct it).
/// Refused while the record is restricted or the referral is not active.
pub async fn add_self_completed(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, instrument: Instrument, f: &Fields) -> Result<String, AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    header.status.require_active()?;
    let raw: Vec<&str> = (1..=instrument.items().len()).map(|i| f.get(&format!("item_{i}"))).collect();
    let answers = AnswerSet::parse_all(instrument, &raw).map_err(invalid)?;
    let record = store.referral_record(who, referral_id).await?.ok_or(AppError::NotFound)?;
    let has_baseline = record.measures.iter().any(|m| m.instrument == instrument && m.timepoint == Timepoint::Baseline);
    let timepoint = if has_baseline { Timepoint::FollowUp } else { Timepoint::Baseline };
    Ok(store.add_self_completed_measure(who, referral_id, &NewMeasure { timepoint, taken_on: today(), answers }).await?)
}

/// The actor's service's own questionnaires (id and definition), oldest first.
pub async fn custom_instruments(store: &dyn Store, actor: &Actor) -> Result<Vec<(String, CustomInstrument)>, AppError> {
    require_casework(actor)?;
    Ok(store.custom_instruments(&actor.org_id).await?)
}

/// Defines a questionnaire of the actor's service from the form; managers only.
pub async fn create_custom_instrument(store: &dyn Store, actor: &Actor, who: &AuditActor, f: &Fields) -> Result<String, AppError> {
    require_manager(actor)?;
    // A code no shipped instrument can have, from the random end of a new id.
    let code = format!("custom_{}", linkwork_store::new_id().replace('-', "").chars().rev().take(12).collect::<String>());
    let form = CustomForm {
        name: f.get("name"),
        version: f.get("version"),
        licence: f.get("licence"),
        instructions: f.get("instructions"),
        answers: f.get("answers"),
        items: f.get("items"),
        scoring: f.get("scoring"),
        better: f.get("better"),
        threshold: f.get("threshold"),
        concern_at: f.get("concern_at"),
    };
    let instrument = CustomInstrument::parse(&code, &form).map_err(invalid)?;
    Ok(store.create_custom_instrument(who, &actor.org_id, &instrument).await?)
}

/// A referral's answers to its service's own questionnaires, for a casework user of the service.
pub async fn custom_measures(store: &dyn Store, actor: &Actor, referral_id: &ReferralId) -> Result<Vec<CustomMeasureFacts>, AppError> {
    casework_referral(store, actor, referral_id).await?;
    Ok(store.custom_measures(referral_id).await?)
}

/// The questionnaire with this code of the referral's service (its id and definition), to fill in
/// for an active referral the actor works on. Another service's code is not found.
pub async fn custom_instrument_for(store: &dyn Store, actor: &Actor, referral_id: &ReferralId, code: Option<&str>) -> Result<(String, CustomInstrument), AppError> {
    let header = casework_referral(store, actor, referral_id).await?;
    header.status.require_active()?;
    let code = code.ok_or(AppError::NotFound)?;
    store.custom_instruments(&header.service_org_id).await?.into_iter().find(|(_, c)| c.code() == code).ok_or(AppError::NotFound)
}

/// Records answers to a service's own questionnaire (`timepoint`, `taken_on`, `item_1`…), every
/// problem at once. Refused while the record is restricted or the referral is not active.
pub async fn add_custom_measure(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, code: Option<&str>, f: &Fields) -> Result<String, AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    header.status.require_active()?;
    let code = code.ok_or(AppError::NotFound)?;
    let (instrument_id, c) = store.custom_instruments(&header.service_org_id).await?.into_iter().find(|(_, c)| c.code() == code).ok_or(AppError::NotFound)?;
    let mut checker = Checker::default();
    let timepoint = checker.check(Timepoint::parse(f.get("timepoint")));
    let taken_on = checker.check(linkwork_domain::person::parse_past_date("taken_on", "date the questionnaire was completed", f.get("taken_on"), today()));
    let raw: Vec<&str> = (1..=c.items().len()).map(|i| f.get(&format!("item_{i}"))).collect();
    let answers = match c.parse_answers(&raw) {
        Ok(a) => Some(a),
        Err(errors) => {
            for e in errors {
                checker.check::<()>(Err(e));
            }
            None
        }
    };
    match (timepoint, taken_on, answers) {
        (Some(timepoint), Some(taken_on), Some(answers)) => {
            let m = NewCustomMeasure { timepoint, taken_on, answers, version: c.version().to_owned(), self_completed: false };
            Ok(store.add_custom_measure(who, referral_id, &instrument_id, &m).await?)
        }
        _ => Err(AppError::Invalid(checker.into_errors())),
    }
}
