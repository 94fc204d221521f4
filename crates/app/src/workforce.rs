//! A service's workforce settings: each link worker's whole-time equivalent (for caseload per WTE
//! in the evaluation) and the referral-rate target band for a financial year. Managers only, and
//! only for their own service's link workers (the command line's `settings` shares the parsing).

use crate::forms::{FieldError, Fields};
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_domain::evaluation::workforce::YearTarget;
use linkwork_store::{AuditActor, Store, User};

/// Parses a WTE: empty (or `none`) clears it; otherwise a number above 0 and at most 1.5.
pub fn parse_wte(raw: &str) -> Result<Option<f64>, String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    match raw.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.5 => Ok(Some(v)),
        _ => Err("Enter the whole-time equivalent as a number like 0.8 (more than 0, at most 1.5), or leave it empty".to_owned()),
    }
}

fn require_manager(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::Manager {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// What the settings page shows: the service's active link workers, their WTEs (by user id) and
/// the target bands set.
pub struct Workforce {
    pub workers: Vec<User>,
    pub wtes: Vec<(String, Option<f64>)>,
    pub targets: Vec<YearTarget>,
}

pub async fn workforce(store: &dyn Store, actor: &Actor) -> Result<Workforce, AppError> {
    require_manager(actor)?;
    let org = &actor.org_id;
    Ok(Workforce {
        workers: store.users(org, Some(Role::LinkWorker)).await?.into_iter().filter(|u| u.active).collect(),
        wtes: store.worker_wtes(org).await?,
        targets: store.referral_targets(org).await?,
    })
}

/// Saves the settings form: a `wte_<user id>` field per active link worker, and optionally
/// `year`, `low` and `high`. Everything is parsed first; nothing is written unless all of it is valid.
pub async fn save(store: &dyn Store, actor: &Actor, who: &AuditActor, f: &Fields) -> Result<(), AppError> {
    require_manager(actor)?;
    let org = &actor.org_id;
    let mut errors = Vec::new();
    let mut wtes = Vec::new();
    // Only the active link workers the page lists; others keep what they had.
    for id in store.users(org, Some(Role::LinkWorker)).await?.into_iter().filter(|u| u.active).map(|u| u.id) {
        let field = format!("wte_{id}");
        match parse_wte(f.get(&field)) {
            Ok(v) => wtes.push((id, v)),
            Err(message) => errors.push(FieldError { field, message }),
        }
    }
    let number = |name: &str| f.get(name).trim().parse::<f64>().ok();
    let target = match (f.get("year").trim().parse::<i32>().ok(), number("low"), number("high")) {
        (Some(year), Some(low), Some(high)) => match YearTarget::new(year, low, high) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(FieldError { field: e.field().unwrap_or("low").to_owned(), message: e.to_string() });
                None
            }
        },
        _ if [f.get("year"), f.get("low"), f.get("high")].iter().all(|v| v.trim().is_empty()) => None,
        _ => {
            errors.push(FieldError { field: "low".into(), message: "Enter the financial year and both ends of the target band as numbers, like 2026, 0.8 and 1.2".into() });
            None
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    store.save_workforce(who, org, &wtes, target.as_ref()).await?;
    Ok(())
}
