//! Everything the evaluation reads about each referral, in one packed row per referral.
//!
//! Six sections of the report (reach and outcomes, equity, workforce, what works, needs resolved,
//! health use) each read the service's referrals, and several read the same needs, onward
//! referrals and contacts again. Gathering them took a dozen index lookups per referral, and
//! handing over 1.6 M rows one at a time at 100k referrals cost the driver more still. So each
//! referral's facts are gathered once, by the database, into one row of `referral_facts`
//! ([`REBUILD`]: `string_agg`, the same SQL on both databases), rebuilt only when a write has
//! marked the referral stale (see `freshness`); [`read`] reads a service's rows and [`spread`]
//! hands each section the facts it used to read for itself, with the same filters.

use super::super::casework::decode_recorded;
use crate::{Result, StoreError};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::referral::{ReferralSource, ReferralStatus};
use linkwork_domain::evaluation::equity::{AgeBand, EthnicGroup, ImdDecile, ReferralGroups};
use linkwork_domain::evaluation::health_system::PersonReferral;
use linkwork_domain::evaluation::resolution::{NeedResolution, ResolutionFacts};
use linkwork_domain::evaluation::what_works::OnwardUse;
use linkwork_domain::evaluation::workforce::CaseFacts;
use linkwork_domain::evaluation::{EvaluationInput, FactId, MeasureFacts, OnwardFacts, ReferralFacts};
use linkwork_domain::measurement::instruments::{Instrument, Recorded, Timepoint};
use linkwork_domain::onward::OnwardStatus;
use linkwork_domain::person::{Ethnicity, Sex};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};
use time::Date;

/// Separates the fields of one packed item, and the items of one packed list. Control characters
/// never appear in the packed values: ids and codes are printable, dates are ISO, and JSON escapes
/// every control character inside its strings.
const FIELD: char = '\u{1f}';
const ITEM: char = '\u{1e}';

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Gathers the facts of the referrals `{WHICH}` picks (a condition on `r`, the referral) into
/// `referral_facts`, whatever their dates: the report applies its period when it reads them.
static REBUILD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO referral_facts (referral_id, service_org_id, referred_on, person_id, practice_id, source, status, accepted_on, discharged_on, \
           date_of_birth, sex, ethnicity, imd_decile, contact_dates, needs, resolutions, onward, measures) \
         SELECT r.id, r.service_org_id, r.referred_on, r.person_id, r.practice_id, r.source, r.status, r.accepted_on, r.discharged_on, \
           p.date_of_birth, p.sex, p.ethnicity, i.imd_decile, \
           (SELECT string_agg(CAST(c.contact_on AS TEXT), ',' ORDER BY c.contact_on) FROM contacts c WHERE c.referral_id = r.id), \
           (SELECT string_agg(n.need, ',') FROM referral_needs n WHERE n.referral_id = r.id), \
           (SELECT string_agg(x.need || ' ' || x.resolution, ',') FROM need_resolutions x WHERE x.referral_id = r.id), \
           (SELECT string_agg(w.service_id || '{FIELD}' || w.status || '{FIELD}' || CAST(w.sent_on AS TEXT), '{ITEM}' ORDER BY w.sent_on, w.id) \
              FROM onward_referrals w WHERE w.referral_id = r.id), \
           (SELECT string_agg(m.instrument || '{FIELD}' || m.timepoint || '{FIELD}' || CAST(m.taken_on AS TEXT) || '{FIELD}' || m.answers || '{FIELD}' || COALESCE('+' || m.scores, '-'), '{ITEM}' ORDER BY m.taken_on, m.id) \
              FROM measures m WHERE m.referral_id = r.id) \
         FROM referrals r JOIN people p ON p.id = r.person_id \
         LEFT JOIN postcode_lsoa pl ON pl.postcode = p.postcode LEFT JOIN lsoa_imd i ON i.lsoa = COALESCE(pl.lsoa, p.lsoa) \
         WHERE {{WHICH}}"
    )
});

/// Rebuilds the facts of every referral (`all`), or of those marked stale, in `tx`; the caller
/// holds the marks (see `freshness`) and clears them.
pub(super) async fn rebuild(tx: &mut super::super::Conn, all: bool) -> Result<()> {
    let (delete, which) = if all {
        ("DELETE FROM referral_facts", "1 = 1")
    } else {
        (
            "DELETE FROM referral_facts WHERE referral_id IN (SELECT referral_id FROM referral_facts_stale)",
            "r.id IN (SELECT referral_id FROM referral_facts_stale)",
        )
    };
    sqlx::query(delete).execute(&mut *tx).await?;
    sqlx::query(&REBUILD.replace("{WHICH}", which)).execute(&mut *tx).await?;
    Ok(())
}

/// Between one referral's columns, and between referrals, in [`SELECT`]'s rows.
const COLUMN: char = '\u{1d}';
const REFERRAL: char = '\u{1c}';

/// [`SELECT`]'s columns, in [`parse`]'s order; `''` for none.
const COLUMNS: [&str; 17] = [
    "referral_id",
    "person_id",
    "COALESCE(practice_id, '')",
    "source",
    "status",
    "CAST(referred_on AS TEXT)",
    "COALESCE(CAST(accepted_on AS TEXT), '')",
    "COALESCE(CAST(discharged_on AS TEXT), '')",
    "CAST(date_of_birth AS TEXT)",
    "sex",
    "ethnicity",
    "COALESCE(CAST(imd_decile AS TEXT), '')",
    "COALESCE(contact_dates, '')",
    "COALESCE(needs, '')",
    "COALESCE(resolutions, '')",
    "COALESCE(onward, '')",
    "COALESCE(measures, '')",
];

/// One service's referrals with their gathered facts (see [`REBUILD`]), in date order (see
/// [`super::packed::select`]).
static SELECT: LazyLock<String> = LazyLock::new(|| super::packed::select(&COLUMNS.join(&format!(" || '{COLUMN}' || ")), REFERRAL, "referred_on, referral_id", "referral_facts"));

/// One referral as the evaluation sees it (every referral of the service, whatever its date:
/// each section applies its own filter in [`spread`]).
pub(super) struct ReferralRow {
    id: String,
    person_id: String,
    practice_id: Option<String>,
    source: ReferralSource,
    status: ReferralStatus,
    referred_on: Date,
    accepted_on: Option<Date>,
    discharged_on: Option<Date>,
    groups: (AgeBand, Sex, EthnicGroup, Option<ImdDecile>),
    first_contact_on: Option<Date>,
    /// Contacts up to the period's end.
    contacts: u64,
    /// As recorded: a need identified both at referral and in conversation comes twice.
    needs: Vec<NeedDomain>,
    resolutions: Vec<(NeedDomain, NeedResolution)>,
    /// Up to the period's end: (directory service id, status, sent on).
    onward: Vec<(String, OnwardStatus, Date)>,
    /// Up to the period's end.
    measures: Vec<(Timepoint, Date, Recorded)>,
}

/// Reads one service's referrals with their facts up to `to` (contacts, onward referrals and
/// measures dated after it left out).
pub(super) async fn read(conn: &mut super::super::Conn, service_org_id: &str, to: Date) -> Result<Vec<ReferralRow>> {
    let packed: Vec<String> = sqlx::query_scalar(SELECT.as_str()).bind(service_org_id).fetch_all(&mut *conn).await?;
    let to_text = to.to_string();
    packed.iter().flat_map(|row| row.split(REFERRAL)).map(|referral| parse(referral, to, &to_text)).collect()
}

/// One referral of [`SELECT`]. `to_text` is `to` in ISO form: ISO dates compare as text in date
/// order.
fn parse(referral: &str, to: Date, to_text: &str) -> Result<ReferralRow> {
    let mut columns = referral.split(COLUMN);
    let mut column = [""; COLUMNS.len()];
    for slot in &mut column {
        *slot = columns.next().ok_or_else(|| corrupt(format!("a referral's evaluation facts with fewer than {} columns", COLUMNS.len())))?;
    }
    let [id, person_id, practice_id, source, status, referred_on, accepted_on, discharged_on, born, sex, ethnicity, decile, contact_dates, needs, resolutions, onward, measures] = column;
    let optional_date = |text: &str| if text.is_empty() { Ok(None) } else { date(text).map(Some) };
    let (born, referred_on) = (date(born)?, date(referred_on)?);
    let decile = if decile.is_empty() { None } else { Some(decile.parse::<i64>().map_err(corrupt)?) };
    let first_contact_on = items(contact_dates, ',').next().map(date).transpose()?;
    let contacts = items(contact_dates, ',').take_while(|on| *on <= to_text).count() as u64;
    let needs = items(needs, ',').map(|n| NeedDomain::parse(n).map_err(corrupt)).collect::<Result<Vec<_>>>()?;
    let resolutions = items(resolutions, ',')
        .map(|item| {
            let (need, resolution) = item.split_once(' ').ok_or_else(|| corrupt(format!("a packed need resolution without its resolution: {item}")))?;
            Ok((NeedDomain::parse(need).map_err(corrupt)?, NeedResolution::parse(resolution).map_err(corrupt)?))
        })
        .collect::<Result<Vec<_>>>()?;
    // Both lists are in date order: the items up to `to` come first.
    let onward = items(onward, ITEM)
        .map(|item| {
            let [service_id, status, sent_on] = fields(item)?;
            Ok((service_id.to_owned(), OnwardStatus::parse(status).map_err(corrupt)?, date(sent_on)?))
        })
        .take_while(|item| !matches!(item, Ok((_, _, sent_on)) if *sent_on > to))
        .collect::<Result<Vec<_>>>()?;
    let measures = items(measures, ITEM)
        .map(|item| {
            let [instrument, timepoint, taken_on, answers, scores] = fields(item)?;
            Ok::<_, StoreError>((instrument, timepoint, date(taken_on)?, answers, scores))
        })
        .take_while(|item| !matches!(item, Ok((_, _, taken_on, _, _)) if *taken_on > to))
        .map(|item| {
            let (instrument, timepoint, taken_on, answers, scores) = item?;
            let instrument = Instrument::parse(instrument).map_err(corrupt)?;
            Ok((Timepoint::parse(timepoint).map_err(corrupt)?, taken_on, decode_recorded(instrument, answers, scores.strip_prefix('+'))?))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ReferralRow {
        id: id.to_owned(),
        person_id: person_id.to_owned(),
        practice_id: (!practice_id.is_empty()).then(|| practice_id.to_owned()),
        source: ReferralSource::parse(source).map_err(corrupt)?,
        status: ReferralStatus::parse(status).map_err(corrupt)?,
        referred_on,
        accepted_on: optional_date(accepted_on)?,
        discharged_on: optional_date(discharged_on)?,
        groups: (
            AgeBand::at(born, referred_on),
            Sex::parse(sex).map_err(corrupt)?,
            EthnicGroup::from(Ethnicity::parse(ethnicity).map_err(corrupt)?),
            decile.and_then(ImdDecile::new),
        ),
        first_contact_on,
        contacts,
        needs,
        resolutions,
        onward,
        measures,
    })
}

/// The items of a packed list (`''` for none).
fn items(packed: &str, separator: char) -> impl Iterator<Item = &str> {
    packed.split(separator).filter(|item| !item.is_empty())
}

fn fields<const N: usize>(item: &str) -> Result<[&str; N]> {
    let mut parts = item.splitn(N, FIELD);
    let mut out = [""; N];
    for slot in &mut out {
        *slot = parts.next().ok_or_else(|| corrupt(format!("a packed evaluation item with fewer than {N} fields")))?;
    }
    Ok(out)
}

fn date(text: &str) -> Result<Date> {
    crate::iso_date::parse(text).ok_or_else(|| corrupt(format!("a packed evaluation date reads {text:?}")))
}

/// The directory's services as the evaluation names and groups them: the partner organisation
/// running each, and its activity types.
pub(super) struct Services {
    partners: HashMap<String, FactId>,
    activities: HashMap<String, Arc<[String]>>,
    /// The activity types of a service with neither taxonomy terms nor needs.
    uncategorised: Arc<[String]>,
}

/// Reads the directory's services for [`spread`]. A service's activity types are its directory
/// taxonomy terms, or, when it has none, the needs it meets.
pub(super) async fn services(conn: &mut super::super::Conn) -> Result<Services> {
    let partners: Vec<(String, String)> = sqlx::query_as("SELECT s.id, o.name FROM services s JOIN organisations o ON o.id = s.org_id").fetch_all(&mut *conn).await?;
    let mut activities: HashMap<String, Vec<String>> = HashMap::new();
    let terms: Vec<(String, String)> = sqlx::query_as("SELECT a.service_id, t.name FROM service_attributes a JOIN taxonomy_terms t ON t.id = a.term_id ORDER BY t.name").fetch_all(&mut *conn).await?;
    let mut with_terms = std::collections::HashSet::new();
    for (service, name) in terms {
        with_terms.insert(service.clone());
        activities.entry(service).or_default().push(name);
    }
    let needs: Vec<(String, String)> = sqlx::query_as("SELECT service_id, need FROM service_needs ORDER BY need").fetch_all(&mut *conn).await?;
    for (service, need) in needs {
        if let Ok(need) = NeedDomain::parse(&need) {
            if !with_terms.contains(&service) {
                activities.entry(service).or_default().push(need.label().to_owned());
            }
        }
    }
    // One allocation per partner and per service's activity types, however many onward
    // referrals name them (two facts each: reach and what works).
    Ok(Services {
        partners: partners.into_iter().map(|(service, name)| (service, FactId::from(name))).collect(),
        activities: activities.into_iter().map(|(service, kinds)| (service, Arc::from(kinds))).collect(),
        uncategorised: Arc::from(vec!["Not categorised".to_owned()]),
    })
}

/// Hands each section of `input` its facts from one service's referrals, as each used to read
/// them with its own filters: referred by `to` (reach, equity, needs in what works, health use);
/// accepted by `to` (workforce); discharged by `to` (needs resolved); measures and onward
/// referrals by their own dates, already applied by [`read`].
pub(super) fn spread(rows: Vec<ReferralRow>, to: Date, services: &Services, input: &mut EvaluationInput) {
    // Room for this service's facts, counted from the rows (at most one referral fact of each
    // kind per row).
    let per_row = rows.len();
    let measures: usize = rows.iter().map(|r| r.measures.len()).sum();
    let onward: usize = rows.iter().map(|r| r.onward.len()).sum();
    let needs: usize = rows.iter().map(|r| r.needs.len()).sum();
    make_room(&mut input.referrals, per_row);
    make_room(&mut input.equity.referrals, per_row);
    make_room(&mut input.health.referrals, per_row);
    make_room(&mut input.what_works.needs, needs);
    make_room(&mut input.workforce.cases, per_row);
    make_room(&mut input.what_works.contacts, per_row);
    make_room(&mut input.measures, measures);
    make_room(&mut input.onward, onward);
    make_room(&mut input.what_works.onward, onward);
    let mut resolved = Vec::new();
    // A service's practices, each id allocated once for all its referrals.
    let mut practices: HashMap<String, FactId> = HashMap::new();
    for row in rows {
        // The referral's id is shared by every fact that names it (about a dozen).
        let id = FactId::from(row.id);
        let practice_id = row.practice_id.map(|p| practices.entry(p).or_insert_with_key(|p| FactId::from(p.as_str())).clone());
        let referred = row.referred_on <= to;
        if referred {
            input.referrals.push(ReferralFacts {
                id: id.clone(),
                practice_id: practice_id.clone(),
                source: row.source,
                status: row.status,
                referred_on: row.referred_on,
                first_contact_on: row.first_contact_on,
            });
            let (age, sex, ethnicity, imd) = row.groups;
            input.equity.referrals.push(ReferralGroups { referral_id: id.clone(), age, sex, ethnicity, imd: imd.map(ImdDecile::quintile) });
            input.health.referrals.push(PersonReferral { referral_id: id.clone(), person: row.person_id, referred_on: row.referred_on, practice_id });
            let mut seen = Vec::with_capacity(row.needs.len());
            for need in &row.needs {
                if !seen.contains(need) {
                    seen.push(*need);
                    input.what_works.needs.push((id.clone(), *need));
                }
            }
        }
        if let Some(accepted_on) = row.accepted_on.filter(|on| *on <= to) {
            input.workforce.cases.push(CaseFacts { referral_id: id.clone(), accepted_on: Some(accepted_on), discharged_on: row.discharged_on.filter(|d| *d <= to), contacts: row.contacts });
        }
        if row.contacts > 0 {
            input.what_works.contacts.push((id.clone(), row.contacts));
        }
        for (timepoint, taken_on, recorded) in row.measures {
            input.measures.push(MeasureFacts { referral_id: id.clone(), timepoint, taken_on, recorded });
        }
        for (service_id, status, sent_on) in row.onward {
            // A service missing from the directory drops out, as the join it replaced did.
            let Some(partner) = services.partners.get(&service_id) else { continue };
            input.onward.push(OnwardFacts { referral_id: id.clone(), partner_name: partner.clone(), status, sent_on });
            let activities = services.activities.get(&service_id).unwrap_or(&services.uncategorised).clone();
            input.what_works.onward.push(OnwardUse { referral_id: id.clone(), partner: partner.clone(), activities, status, sent_on });
        }
        if let (ReferralStatus::Discharged, Some(discharged_on)) = (row.status, row.discharged_on.filter(|d| *d <= to)) {
            let mut needs = row.needs;
            needs.sort();
            needs.dedup();
            let mut recorded = row.resolutions;
            recorded.sort();
            resolved.push(ResolutionFacts { referral_id: id, discharged_on, needs, recorded });
        }
    }
    resolved.sort_by(|a, b| a.referral_id.cmp(&b.referral_id));
    make_room(&mut input.sdoh, resolved.len());
    input.sdoh.extend(resolved);
}

/// Makes room in `facts` for `additional` more, growing it by at most an eighth more than that
/// needs. The facts are gathered a service at a time into lists of millions at the national size,
/// where a `Vec`'s own doubling left up to half of each list unused: 390 MB at 1.2 M referrals.
pub(super) fn make_room<T>(facts: &mut Vec<T>, additional: usize) {
    if facts.capacity() - facts.len() < additional {
        facts.reserve_exact(additional.max(facts.len() / 8));
    }
}
