//! The simulation: a year of referrals and what happened to each, planned entirely in memory from
//! one seeded random number generator (so a seed always gives the same data), before anything is
//! written. Planning first also tells us which partner organisation gets the most onward referrals
//! before the partner accounts are created.

use crate::catalogue::{self, Scenario, PRACTICES, SCENARIOS, VCSES};
use anyhow::{Context, Result};
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument, Timepoint};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus};
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::plan::{GoalText, WhatMatters};
use linkwork_domain::casework::referral::{DeclineReason, DischargeReason, ReferralReason, ReferralSource};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::{NewContact, NewConversation, NewGoal, NewMeasure};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::HashSet;
use time::{Date, Duration, Weekday};

/// A service of the catalogue, by position: (VCSE index, service index within it).
pub type ServiceRef = (usize, usize);

pub struct PlannedReferral {
    pub person: PersonDetails,
    pub practice: usize,
    pub source: ReferralSource,
    pub referrer_name: String,
    pub reason: ReferralReason,
    pub needs: Vec<NeedDomain>,
    pub referred_on: Date,
    /// The link worker who records and (if accepted) holds the referral.
    pub worker: usize,
    pub outcome: Outcome,
}

pub enum Outcome {
    /// Still waiting for triage.
    Waiting,
    Declined { on: Date, reason: DeclineReason },
    Accepted(Box<Support>),
}

pub struct Support {
    pub accepted_on: Date,
    pub conversation: Option<NewConversation>,
    pub contacts: Vec<NewContact>,
    pub measures: Vec<NewMeasure>,
    pub onward: Vec<PlannedOnward>,
    pub discharge: Option<(Date, DischargeReason, String)>,
}

pub struct PlannedOnward {
    pub service: ServiceRef,
    pub sent_on: Date,
    pub note: Option<String>,
    /// The partner's answers, in order: (from, to, on, decline reason).
    pub changes: Vec<(OnwardStatus, OnwardStatus, Date, Option<OnwardDeclineReason>)>,
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// A standard normal draw (Box–Muller), so no extra distribution crate is needed.
fn normal(rng: &mut StdRng, mean: f64, sd: f64) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A log-normal number of days with the given median, clamped to `[min, max]`.
fn lognormal_days(rng: &mut StdRng, median: f64, sigma: f64, min: i64, max: i64) -> i64 {
    let x = (median.ln() + normal(rng, 0.0, sigma)).exp().round() as i64;
    x.clamp(min, max)
}

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    &items.choose_weighted(rng, |(_, w)| *w).expect("non-empty weighted list").0
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("non-empty list")
}

fn text(rng: &mut StdRng, items: &[&'static str]) -> &'static str {
    items.choose(rng).copied().expect("non-empty list")
}

fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.gen_bool(p.clamp(0.0, 1.0))
}

/// Plans `count` referrals over the year before `today`, oldest first.
pub fn plan(rng: &mut StdRng, today: Date, count: usize) -> Result<Vec<PlannedReferral>> {
    let mut dates: Vec<Date> = (0..count).map(|_| referral_date(rng, today)).collect();
    dates.sort();
    let mut used_nhs = HashSet::new();
    let mut plans: Vec<PlannedReferral> = Vec::with_capacity(count);
    for referred_on in dates {
        // A few people come back after an earlier episode has closed.
        let earlier = if chance(rng, 0.025) { re_referral_candidate(rng, &plans, referred_on) } else { None };
        let plan = match earlier {
            Some(i) => {
                let (person, practice) = (plans[i].person.clone(), plans[i].practice);
                plan_referral(rng, today, referred_on, Some((person, practice)), &mut used_nhs)?
            }
            None => plan_referral(rng, today, referred_on, None, &mut used_nhs)?,
        };
        plans.push(plan);
    }
    leave_a_baseline_to_record(&mut plans);
    Ok(plans)
}

/// Every link worker's two newest open cases with a conversation but only baseline measures have
/// their baseline still to record (it is often taken at the next contact), so each caseload shows
/// "Measures due" whatever day the demo is created.
fn leave_a_baseline_to_record(plans: &mut [PlannedReferral]) {
    let workers: HashSet<usize> = plans.iter().map(|p| p.worker).collect();
    for worker in workers {
        let newest_open = plans.iter_mut().rev().filter(|p| p.worker == worker).filter_map(|p| match &mut p.outcome {
            Outcome::Accepted(s) if s.discharge.is_none() && s.conversation.is_some() && s.measures.iter().all(|m| m.timepoint == Timepoint::Baseline) => Some(s),
            _ => None,
        });
        for support in newest_open.take(2) {
            support.measures.clear();
        }
    }
}

/// A referral date in the 365 days up to `today`: more in recent months, few at weekends.
fn referral_date(rng: &mut StdRng, today: Date) -> Date {
    loop {
        let back = rng.gen_range(0..365i64);
        // Density rises by about 60% from a year ago to now.
        let recency = 1.0 - back as f64 / 365.0;
        if !chance(rng, (1.0 + 0.6 * recency) / 1.6) {
            continue;
        }
        let date = today - days(back);
        if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && chance(rng, 0.85) {
            continue;
        }
        return date;
    }
}

/// An earlier referral whose episode ended (declined or discharged) before `on`.
fn re_referral_candidate(rng: &mut StdRng, plans: &[PlannedReferral], on: Date) -> Option<usize> {
    let closed: Vec<usize> = plans
        .iter()
        .enumerate()
        .filter(|(_, p)| match &p.outcome {
            Outcome::Declined { on: d, .. } => *d + days(30) < on,
            Outcome::Accepted(s) => s.discharge.as_ref().is_some_and(|(d, _, _)| *d + days(30) < on),
            Outcome::Waiting => false,
        })
        .map(|(i, _)| i)
        .collect();
    closed.choose(rng).copied()
}

fn plan_referral(rng: &mut StdRng, today: Date, referred_on: Date, known: Option<(PersonDetails, usize)>, used_nhs: &mut HashSet<String>) -> Result<PlannedReferral> {
    let (person, practice) = match known {
        Some(known) => known,
        None => {
            let practice = *weighted(rng, &PRACTICES.iter().enumerate().map(|(i, p)| (i, p.list_size as u32)).collect::<Vec<_>>());
            (new_person(rng, today, referred_on, practice, used_nhs)?, practice)
        }
    };
    let age = person.date_of_birth.age_on(referred_on);
    let scenario = pick_scenario(rng, age, person.sex);
    let source = *weighted(
        rng,
        &[(ReferralSource::GpPractice, 70), (ReferralSource::OtherHealth, 11), (ReferralSource::Vcse, 7), (ReferralSource::Council, 6), (ReferralSource::SelfReferral, 6)],
    );
    let referrer_name = match source {
        ReferralSource::GpPractice => pick(rng, PRACTICES[practice].referrers).to_string(),
        ReferralSource::OtherHealth => pick(rng, catalogue::OTHER_HEALTH_REFERRERS).to_string(),
        ReferralSource::Council => pick(rng, catalogue::COUNCIL_REFERRERS).to_string(),
        ReferralSource::Vcse => {
            let org = pick(rng, VCSES);
            format!("{}, {}", org.contact, org.name)
        }
        ReferralSource::SelfReferral => "Self-referral".to_string(),
    };
    let reason = ReferralReason::parse("reason", "the reason for referral", text(rng, scenario.reasons))?;
    let mut needs = scenario.needs.to_vec();
    needs.sort();
    let worker = *weighted(rng, &catalogue::LINK_WORKER_SHARE.iter().enumerate().map(|(i, w)| (i, *w)).collect::<Vec<_>>());
    let outcome = plan_outcome(rng, today, referred_on, age, scenario, &needs)?;
    Ok(PlannedReferral { person, practice, source, referrer_name, reason, needs, referred_on, worker, outcome })
}

fn new_person(rng: &mut StdRng, today: Date, referred_on: Date, practice: usize, used_nhs: &mut HashSet<String>) -> Result<PersonDetails> {
    let nhs_number = loop {
        let first_nine = format!("999{:06}", rng.gen_range(0..1_000_000u32));
        let Some(check) = NhsNumber::check_digit(&first_nine) else { continue };
        let candidate = format!("{first_nine}{check}");
        if used_nhs.insert(candidate.clone()) {
            break NhsNumber::parse(&candidate)?;
        }
    };
    let sex = *weighted(rng, &[(Sex::Female, 580), (Sex::Male, 410), (Sex::NotKnown, 7), (Sex::Indeterminate, 3)]);
    // Ages 18–90, skewed older as social prescribing caseloads are.
    let (low, high) = *weighted(rng, &[((18, 29), 9), ((30, 44), 14), ((45, 59), 22), ((60, 74), 30), ((75, 90), 25)]);
    let age: i64 = rng.gen_range(low..=high);
    let born = referred_on - days(age * 365 + age / 4 + rng.gen_range(1..365));
    let ethnicity_code = *weighted(rng, catalogue::ETHNICITY_MIX);
    let names = catalogue::names_for(ethnicity_code);
    let given = match sex {
        Sex::Female => pick(rng, names.female),
        Sex::Male => pick(rng, names.male),
        _ => {
            if chance(rng, 0.5) {
                pick(rng, names.female)
            } else {
                pick(rng, names.male)
            }
        }
    };
    // Mixed heritage and not-stated records draw family names from the whole town.
    let family = if matches!(ethnicity_code, "D" | "E" | "F" | "G" | "Z" | "99") && chance(rng, 0.3) {
        let other = catalogue::names_for(text(rng, &["A", "B", "C", "H", "J", "M", "N"]));
        pick(rng, other.family)
    } else {
        pick(rng, names.family)
    };
    let practice_def = &PRACTICES[practice];
    let outward = if chance(rng, 0.85) { pick(rng, practice_def.outward).to_string() } else { format!("RV{}", rng.gen_range(1..=9)) };
    const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let inward = format!("{}{}{}", rng.gen_range(1..=9), *pick(rng, INWARD_LETTERS) as char, *pick(rng, INWARD_LETTERS) as char);
    Ok(PersonDetails {
        nhs_number,
        given_name: RequiredText::parse("given_name", "the given name", given)?,
        family_name: RequiredText::parse("family_name", "the family name", family)?,
        date_of_birth: DateOfBirth::new(born, today)?,
        sex,
        ethnicity: Ethnicity::parse(ethnicity_code)?,
        postcode: Postcode::parse(&format!("{outward} {inward}")).with_context(|| format!("demo postcode {outward} {inward}"))?,
    })
}

fn pick_scenario(rng: &mut StdRng, age: i32, sex: Sex) -> &'static Scenario {
    let fitting: Vec<(&'static Scenario, u32)> =
        SCENARIOS.iter().filter(|s| (s.min_age..=s.max_age).contains(&age) && (!s.female_only || sex == Sex::Female)).map(|s| (s, s.weight)).collect();
    if fitting.is_empty() {
        &SCENARIOS[0]
    } else {
        weighted::<&Scenario>(rng, &fitting)
    }
}

fn plan_outcome(rng: &mut StdRng, today: Date, referred_on: Date, age: i32, scenario: &Scenario, needs: &[NeedDomain]) -> Result<Outcome> {
    // The newest referrals are mostly still waiting for triage (some people are hard to reach).
    let waiting_chance = match (today - referred_on).whole_days() {
        0..=1 => 1.0,
        2..=7 => 0.8,
        8..=14 => 0.45,
        15..=30 => 0.12,
        _ => 0.0,
    };
    if chance(rng, waiting_chance) {
        return Ok(Outcome::Waiting);
    }
    // Triage: about one in ten is declined; no-contact declines take longest (repeated attempts).
    if chance(rng, 0.115) {
        let reason = *weighted(
            rng,
            &[(DeclineReason::NoContact, 35), (DeclineReason::PersonDeclined, 33), (DeclineReason::NotEligible, 15), (DeclineReason::Duplicate, 6), (DeclineReason::Other, 11)],
        );
        let after = if reason == DeclineReason::NoContact { rng.gen_range(14..=28) } else { rng.gen_range(1..=10) };
        let on = referred_on + days(after);
        return Ok(if on <= today { Outcome::Declined { on, reason } } else { Outcome::Waiting });
    }
    // Waiting time to first contact: log-normal, median about 8 days, 2 to 30.
    let first_contact_after = lognormal_days(rng, 8.0, 0.6, 2, 30);
    // Most referrals are accepted when the person is first reached, some a little before.
    let triage_after = ((first_contact_after as f64) * rng.gen_range(0.7..=1.0)).round().max(1.0) as i64;
    let accepted_on = referred_on + days(triage_after);
    if accepted_on > today {
        return Ok(Outcome::Waiting);
    }
    let first_contact = referred_on + days(first_contact_after);

    let discharge_reason = *weighted(
        rng,
        &[
            (DischargeReason::GoalsMet, 64),
            (DischargeReason::Disengaged, 15),
            (DischargeReason::ReferredElsewhere, 8),
            (DischargeReason::MovedAway, 5),
            (DischargeReason::Other, 6),
            (DischargeReason::Died, 2),
        ],
    );
    let planned_contacts = match discharge_reason {
        DischargeReason::GoalsMet | DischargeReason::Other => {
            *weighted(rng, &[(3, 7), (4, 11), (5, 13), (6, 14), (7, 13), (8, 11), (9, 9), (10, 7), (11, 5), (12, 4)])
        }
        DischargeReason::Disengaged => rng.gen_range(2..=3),
        _ => rng.gen_range(2..=6),
    };
    let mut contact_dates = vec![first_contact];
    while contact_dates.len() < planned_contacts {
        let last = *contact_dates.last().expect("one contact");
        contact_dates.push(last + days(rng.gen_range(5..=20)));
    }
    let last_planned = *contact_dates.last().expect("one contact");
    let discharge_on = last_planned
        + days(match discharge_reason {
            DischargeReason::GoalsMet => rng.gen_range(2..=21),
            DischargeReason::Disengaged => rng.gen_range(21..=42),
            _ => rng.gen_range(1..=14),
        });
    let discharged = discharge_on <= today;
    contact_dates.retain(|d| *d <= today);

    let contacts: Vec<NewContact> = contact_dates.iter().enumerate().map(|(i, d)| plan_contact(rng, *d, i, age)).collect::<Result<_>>()?;

    // The "what matters to you" conversation, at the first contact or sometimes the second.
    let conversation_on = if contact_dates.len() >= 2 && chance(rng, 0.25) { Some(contact_dates[1]) } else { contact_dates.first().copied() };
    let mut all_needs = needs.to_vec();
    let conversation = match conversation_on {
        Some(held_on) => {
            let mut conversation_needs = needs.to_vec();
            if chance(rng, 0.4) {
                conversation_needs.push(*pick(rng, scenario.extra_needs));
            }
            conversation_needs.sort();
            conversation_needs.dedup();
            all_needs = conversation_needs.clone();
            let goal_count = rng.gen_range(1..=3.min(scenario.goals.len()));
            let goals = scenario
                .goals
                .choose_multiple(rng, goal_count)
                .map(|g| Ok(NewGoal { description: GoalText::parse("goal", "the goal", g)?, review_on: Some(held_on + days(rng.gen_range(42..=56))) }))
                .collect::<Result<Vec<_>>>()?;
            Some(NewConversation { held_on, what_matters: WhatMatters::parse("what_matters", "what matters", text(rng, scenario.what_matters))?, needs: conversation_needs, goals })
        }
        None => None,
    };

    let measures = plan_measures(rng, today, referred_on, accepted_on, conversation_on, discharged.then_some((discharge_on, discharge_reason)))?;
    let onward = plan_onward(rng, if discharged { discharge_on } else { today }, today, &contact_dates, &all_needs);

    let discharge = discharged.then(|| (discharge_on, discharge_reason, discharge_summary(rng, discharge_reason).to_string()));
    Ok(Outcome::Accepted(Box::new(Support { accepted_on, conversation, contacts, measures, onward, discharge })))
}

fn plan_contact(rng: &mut StdRng, on: Date, index: usize, age: i32) -> Result<NewContact> {
    let home_visit = if age >= 75 { 25 } else { 6 };
    let mode = if index == 0 {
        *weighted(rng, &[(ContactMode::FaceToFace, 50), (ContactMode::Phone, 35), (ContactMode::HomeVisit, home_visit), (ContactMode::Video, 4)])
    } else {
        *weighted(rng, &[(ContactMode::FaceToFace, 38), (ContactMode::Phone, 32), (ContactMode::HomeVisit, home_visit), (ContactMode::Video, 6), (ContactMode::Group, 14)])
    };
    let (low, high) = match mode {
        ContactMode::Phone => (20, 45),
        ContactMode::Video => (20, 60),
        ContactMode::FaceToFace => (30, 90),
        ContactMode::HomeVisit => (45, 90),
        ContactMode::Group => (60, 90),
    };
    let minutes = (rng.gen_range(low..=high) / 5 * 5).max(20);
    // Accompanied access: going along with the person to something new.
    let accompanied = index > 0 && matches!(mode, ContactMode::FaceToFace | ContactMode::Group) && chance(rng, 0.45);
    let notes = if accompanied {
        Some(pick(rng, catalogue::ACCOMPANIED_NOTES).to_string())
    } else if chance(rng, 0.35) {
        Some(pick(rng, catalogue::CONTACT_NOTES).to_string())
    } else {
        None
    };
    Ok(NewContact { contact_on: on, mode, minutes: Minutes::new(minutes)?, accompanied, notes })
}

/// Baseline SWEMWBS and ONS4 for most people at the conversation; a follow-up for about 60% of
/// those accepted more than three months ago, showing a typical, noisy improvement.
fn plan_measures(rng: &mut StdRng, today: Date, referred_on: Date, accepted_on: Date, baseline_on: Option<Date>, discharge: Option<(Date, DischargeReason)>) -> Result<Vec<NewMeasure>> {
    let Some(baseline_on) = baseline_on else { return Ok(Vec::new()) };
    if !chance(rng, 0.85) {
        return Ok(Vec::new());
    }
    // Latent wellbeing: social prescribing populations start well below the population mean.
    let z = normal(rng, 0.0, 1.0);
    let level = 2.8 + 0.55 * z;
    let mut measures = vec![
        NewMeasure { timepoint: Timepoint::Baseline, taken_on: baseline_on, answers: swemwbs(rng, level)? },
        NewMeasure { timepoint: Timepoint::Baseline, taken_on: baseline_on, answers: ons4(rng, z, 0.0)? },
    ];
    if accepted_on + days(91) > today {
        return Ok(measures);
    }
    let disengaged = matches!(discharge, Some((_, DischargeReason::Disengaged)));
    if !chance(rng, if disengaged { 0.25 } else { 0.68 }) {
        return Ok(measures);
    }
    let (timepoint, taken_on) = match discharge {
        // Discharged before the three-month point: measured at discharge.
        Some((on, _)) if on < referred_on + days(84) => (Timepoint::Discharge, on),
        _ => {
            let mut on = referred_on + days(rng.gen_range(84..=98));
            if let Some((discharged_on, _)) = discharge {
                on = on.min(discharged_on);
            }
            (Timepoint::FollowUp, on.min(today))
        }
    };
    if taken_on < baseline_on + days(14) {
        return Ok(measures);
    }
    // How much this person's wellbeing moved (per SWEMWBS item); some get worse.
    let shift = normal(rng, if disengaged { 0.1 } else { 0.5 }, 0.45);
    let response = shift / 0.5;
    measures.push(NewMeasure { timepoint, taken_on, answers: swemwbs(rng, level + shift)? });
    measures.push(NewMeasure { timepoint, taken_on, answers: ons4(rng, z, response)? });
    Ok(measures)
}

fn swemwbs(rng: &mut StdRng, level: f64) -> Result<AnswerSet> {
    let values: Vec<i64> = (0..7).map(|_| normal(rng, level, 0.55).round().clamp(1.0, 5.0) as i64).collect();
    Ok(AnswerSet::from_values(Instrument::Swemwbs, &values)?)
}

/// ONS4 answers for latent wellbeing `z`, moved by `response` (1 = a typical improvement of about a
/// point: up for the first three items, down for anxiety).
fn ons4(rng: &mut StdRng, z: f64, response: f64) -> Result<AnswerSet> {
    let item = |rng: &mut StdRng, mean: f64, loading: f64, change: f64| (mean + loading * z + change * response + normal(rng, 0.0, 1.2)).round().clamp(0.0, 10.0) as i64;
    let values = [item(rng, 4.6, 1.7, 1.1), item(rng, 5.3, 1.5, 0.9), item(rng, 4.8, 1.7, 1.1), item(rng, 5.9, -1.6, -1.1)];
    Ok(AnswerSet::from_values(Instrument::Ons4, &values)?)
}

/// 0–3 onward referrals to services meeting the person's needs, sent at contacts, with the
/// partners' answers.
fn plan_onward(rng: &mut StdRng, until: Date, today: Date, contact_dates: &[Date], needs: &[NeedDomain]) -> Vec<PlannedOnward> {
    if contact_dates.is_empty() {
        return Vec::new();
    }
    let wanted = *weighted(rng, &[(0usize, 18), (1, 40), (2, 29), (3, 13)]);
    let mut chosen: Vec<ServiceRef> = Vec::new();
    let mut onward = Vec::new();
    for i in 0..wanted {
        let candidates: Vec<(ServiceRef, u32)> = VCSES
            .iter()
            .enumerate()
            .flat_map(|(v, org)| org.services.iter().enumerate().map(move |(s, service)| ((v, s), service)))
            .filter(|(r, service)| !chosen.contains(r) && service.needs.iter().any(|n| needs.contains(n)))
            .map(|(r, service)| (r, service.popularity * service.needs.iter().filter(|n| needs.contains(n)).count() as u32))
            .collect();
        if candidates.is_empty() {
            break;
        }
        let service = *weighted(rng, &candidates);
        chosen.push(service);
        let at = contact_dates[(i + 1).min(contact_dates.len() - 1)];
        // Sent on the day of the contact or soon after, while the person is still on the caseload.
        let sent_on = (at + days(rng.gen_range(0..=2))).min(until);
        let note = chance(rng, 0.4).then(|| pick(rng, catalogue::ONWARD_NOTES).to_string());
        let mut changes = Vec::new();
        let responded_on = sent_on + days(lognormal_days(rng, 4.0, 0.7, 1, 14));
        let answer = *weighted(rng, &[(Some(true), 70), (Some(false), 15), (None, 15)]);
        if responded_on <= today {
            match answer {
                Some(true) => {
                    changes.push((OnwardStatus::Sent, OnwardStatus::Accepted, responded_on, None));
                    let attended_on = responded_on + days(rng.gen_range(3..=21));
                    if attended_on <= today && chance(rng, 0.7) {
                        changes.push((OnwardStatus::Accepted, OnwardStatus::Attended, attended_on, None));
                    }
                }
                Some(false) => {
                    let reason = *weighted(
                        rng,
                        &[
                            (OnwardDeclineReason::NoCapacity, 40),
                            (OnwardDeclineReason::NotEligible, 20),
                            (OnwardDeclineReason::PersonDeclined, 20),
                            (OnwardDeclineReason::UnableToContact, 15),
                            (OnwardDeclineReason::Other, 5),
                        ],
                    );
                    changes.push((OnwardStatus::Sent, OnwardStatus::Declined, responded_on, Some(reason)));
                }
                None => {}
            }
        }
        onward.push(PlannedOnward { service, sent_on, note, changes });
    }
    onward
}

fn discharge_summary(rng: &mut StdRng, reason: DischargeReason) -> &'static str {
    let options: &[&str] = match reason {
        DischargeReason::GoalsMet => &[
            "Goals met: going to the group weekly and feeling more confident.",
            "Settled with community support; knows how to get back in touch.",
            "Debts under a payment plan and sleeping better. Happy to be discharged.",
            "Now attending independently. Wellbeing improved.",
        ],
        DischargeReason::Disengaged => &["No response to three calls and a letter. Discharged with an open invitation to come back.", "Did not attend the last two appointments; letter sent."],
        DischargeReason::ReferredElsewhere => &["Referred to the community mental health team; needs are more than social prescribing can meet.", "Transferred to adult social care for a needs assessment."],
        DischargeReason::MovedAway => &["Moved to live near family out of area; signposted to the local link worker service."],
        DischargeReason::Died => &["Died peacefully at home. Condolence card sent."],
        DischargeReason::Other => &["Person asked to pause support for now.", "Admitted to hospital long term; will re-refer when home."],
    };
    text(rng, options)
}

/// Number of onward referrals each VCSE organisation receives in the plan.
pub fn onward_per_vcse(plans: &[PlannedReferral]) -> Vec<usize> {
    let mut counts = vec![0; VCSES.len()];
    for plan in plans {
        if let Outcome::Accepted(support) = &plan.outcome {
            for onward in &support.onward {
                counts[onward.service.0] += 1;
            }
        }
    }
    counts
}
