//! When a service takes its outcome measures, and which of a person's measures are due or overdue
//! (shared/product/measures.md, "When measures are taken").
//!
//! A service (the PCN's social prescribing service) keeps one [`MeasurementSchedule`]: the
//! instruments it uses (by default ONS4 and SWEMWBS), taken at baseline (first or second contact),
//! at discharge, and at follow-ups a chosen number of months after referral (by default 3 and 6).
//!
//! The window of a scheduled measure, documented here so link workers and the report read it the
//! same way. Nothing is due before the person's first contact.
//! - **Baseline** is *due* from the first contact and *overdue* once [`OVERDUE_AFTER_DAYS`] (28)
//!   days have passed since it (the second contact has usually happened by then). Any baseline
//!   measure of the instrument satisfies it.
//! - **Follow-up at m months** is *due* on the day m calendar months after the referral (the 31st
//!   becomes the month's last day), listed from [`DUE_FROM_DAYS_BEFORE`] (14) days before that day
//!   and *overdue* once [`OVERDUE_AFTER_DAYS`] (28) days have passed after it. A follow-up or
//!   discharge measure of the instrument taken from the window's opening until the next follow-up's
//!   window opens satisfies it. Once the next follow-up's window opens, a missed one is no longer
//!   listed (the next one replaces it). Follow-ups whose window would open after discharge are not due.
//! - **Discharge** is asked about only with a discharge date (the caller may pass today's date to
//!   ask "what should be taken if this person is discharged today"): due on that day, satisfied by
//!   any discharge measure of the instrument.

use crate::{DomainError, Result};
use crate::measurement::instruments::{Instrument, Timepoint};
use time::{Date, Duration};

/// A follow-up is listed this many days before its due day.
pub const DUE_FROM_DAYS_BEFORE: i64 = 14;
/// A scheduled measure is overdue when this many days have passed since its due day.
pub const OVERDUE_AFTER_DAYS: i64 = 28;
/// The follow-up months a service may choose from.
pub const MONTHS: std::ops::RangeInclusive<u8> = 1..=24;

/// A service's schedule: at least one instrument, each at most once; follow-up months within
/// [`MONTHS`], unique and ascending (possibly none: baseline and discharge only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasurementSchedule {
    instruments: Vec<Instrument>,
    follow_up_months: Vec<u8>,
}

impl Default for MeasurementSchedule {
    /// ONS4 and SWEMWBS at baseline, discharge, 3 and 6 months (what most services start with).
    fn default() -> Self {
        Self {
            instruments: vec![Instrument::Ons4, Instrument::Swemwbs],
            follow_up_months: vec![3, 6],
        }
    }
}

impl MeasurementSchedule {
    /// Checks a schedule built from values. Errors name the form field (`instruments` or `months`).
    pub fn new(instruments: Vec<Instrument>, mut follow_up_months: Vec<u8>) -> Result<Self> {
        check_instruments(&instruments)?;
        check_months(&mut follow_up_months)?;
        Ok(Self { instruments, follow_up_months })
    }

    /// Parses the schedule form: instrument codes (checkboxes) and months as typed, separated by
    /// commas or spaces (e.g. "3, 6, 12"). Reports every problem at once (at most one per field).
    pub fn parse(instrument_codes: &[&str], months: &str) -> std::result::Result<Self, Vec<DomainError>> {
        let instruments: Result<Vec<Instrument>> = instrument_codes
            .iter()
            .filter(|c| !c.trim().is_empty())
            .map(|code| Instrument::parse(code).map_err(|_| DomainError::invalid("instruments", "Select questionnaires from the list")))
            .collect();
        let instruments = instruments.and_then(|i| check_instruments(&i).map(|()| i));
        let months: Result<Vec<u8>> = months
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(|part| {
                part.parse::<u8>().map_err(|_| {
                    DomainError::invalid(
                        "months",
                        format!(
                            "Enter follow-up months as whole numbers from 1 to 24, separated by commas (\"{}\" is not one)",
                            part.chars().take(10).collect::<String>()
                        ),
                    )
                })
            })
            .collect();
        let months = months.and_then(|mut m| check_months(&mut m).map(|()| m));
        match (instruments, months) {
            (Ok(instruments), Ok(follow_up_months)) => Ok(Self { instruments, follow_up_months }),
            (i, m) => Err(i.err().into_iter().chain(m.err()).collect()),
        }
    }

    pub fn instruments(&self) -> &[Instrument] {
        &self.instruments
    }

    pub fn follow_up_months(&self) -> &[u8] {
        &self.follow_up_months
    }

    /// The months as a service manager types them: "3, 6, 12".
    pub fn months_text(&self) -> String {
        self.follow_up_months.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
    }
}

fn check_instruments(instruments: &[Instrument]) -> Result<()> {
    if instruments.is_empty() {
        return Err(DomainError::invalid("instruments", "Select at least one questionnaire"));
    }
    for (k, i) in instruments.iter().enumerate() {
        if instruments[..k].contains(i) {
            return Err(DomainError::invalid("instruments", format!("{} is selected more than once", i.short_name())));
        }
    }
    Ok(())
}

/// Sorts the months and checks they are in range and unique.
fn check_months(months: &mut [u8]) -> Result<()> {
    months.sort_unstable();
    if let Some(m) = months.iter().find(|m| !MONTHS.contains(m)) {
        return Err(DomainError::invalid("months", format!("Follow-up months must be from 1 to 24 (not {m})")));
    }
    if let Some(pair) = months.windows(2).find(|p| p[0] == p[1]) {
        return Err(DomainError::invalid("months", format!("Month {} is listed more than once", pair[0])));
    }
    Ok(())
}

/// Which scheduled point a measure is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScheduledPoint {
    Baseline,
    FollowUp { months: u8 },
    Discharge,
}

impl ScheduledPoint {
    pub fn label(self) -> String {
        match self {
            ScheduledPoint::Baseline => "Baseline".into(),
            ScheduledPoint::FollowUp { months } => format!("{months}-month follow-up"),
            ScheduledPoint::Discharge => "At discharge".into(),
        }
    }

    /// The timepoint a measure for this point is recorded with.
    pub fn timepoint(self) -> Timepoint {
        match self {
            ScheduledPoint::Baseline => Timepoint::Baseline,
            ScheduledPoint::FollowUp { .. } => Timepoint::FollowUp,
            ScheduledPoint::Discharge => Timepoint::Discharge,
        }
    }
}

/// The dates of a referral the schedule is read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralDates {
    pub referred_on: Date,
    pub first_contact_on: Option<Date>,
    pub discharged_on: Option<Date>,
}

/// A measure already taken on the referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TakenMeasure {
    pub instrument: Instrument,
    pub timepoint: Timepoint,
    pub taken_on: Date,
}

/// Due or overdue: the one rule of `crate::casework::urgency`, shared with the caseload's flags.
pub type DueState = crate::casework::urgency::Urgency;

/// A measure the schedule asks for that has not been taken yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueMeasure {
    pub instrument: Instrument,
    pub point: ScheduledPoint,
    pub due_on: Date,
    /// The first day it is listed.
    pub window_opens: Date,
    /// The first day it is overdue.
    pub overdue_from: Date,
    pub state: DueState,
}

impl DueMeasure {
    pub fn deadline(&self) -> crate::casework::urgency::Deadline {
        crate::casework::urgency::Deadline { listed_from: self.window_opens, due_on: self.due_on, overdue_from: self.overdue_from }
    }
}

/// `date` plus `months` calendar months; a day past the end of the target month becomes its last day.
pub fn add_months(date: Date, months: u8) -> Date {
    let index = i32::from(date.month() as u8) - 1 + i32::from(months);
    let year = date.year() + index.div_euclid(12);
    let month = time::Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// What is due or overdue on `today` for one referral, in schedule order (baseline, follow-ups by
/// month, discharge; instruments in the schedule's order). Measures not yet in their window and
/// those already taken are left out. See the module documentation for the windows.
pub fn due_measures(schedule: &MeasurementSchedule, dates: ReferralDates, taken: &[TakenMeasure], today: Date) -> Vec<DueMeasure> {
    let before = Duration::days(DUE_FROM_DAYS_BEFORE);
    let after = Duration::days(OVERDUE_AFTER_DAYS);
    // Nothing is due before the first contact: there is no one to ask yet.
    let Some(first) = dates.first_contact_on else { return Vec::new() };
    let mut points: Vec<(ScheduledPoint, Date, Date, Option<Date>)> = vec![(ScheduledPoint::Baseline, first, first, None)]; // point, due, opens, superseded from
    let follow_ups: Vec<(u8, Date)> = schedule.follow_up_months.iter().map(|m| (*m, add_months(dates.referred_on, *m))).collect();
    for (k, (months, due)) in follow_ups.iter().enumerate() {
        let opens = *due - before;
        if dates.discharged_on.is_some_and(|d| opens > d) {
            continue;
        }
        let next_opens = follow_ups.get(k + 1).map(|(_, d)| *d - before);
        points.push((ScheduledPoint::FollowUp { months: *months }, *due, opens, next_opens));
    }
    if let Some(discharged) = dates.discharged_on {
        points.push((ScheduledPoint::Discharge, discharged, discharged - before, None));
    }
    let mut out = Vec::new();
    for (point, due_on, window_opens, superseded) in points {
        if today < window_opens || superseded.is_some_and(|s| today >= s) {
            continue;
        }
        for instrument in &schedule.instruments {
            let satisfied = taken.iter().any(|t| {
                t.instrument == *instrument
                    && match point {
                        ScheduledPoint::Baseline => t.timepoint == Timepoint::Baseline,
                        ScheduledPoint::Discharge => t.timepoint == Timepoint::Discharge,
                        ScheduledPoint::FollowUp { .. } => t.timepoint != Timepoint::Baseline && t.taken_on >= window_opens && superseded.is_none_or(|s| t.taken_on < s),
                    }
            });
            if satisfied {
                continue;
            }
            let overdue_from = due_on + after;
            let deadline = crate::casework::urgency::Deadline { listed_from: window_opens, due_on, overdue_from };
            let Some(state) = deadline.urgency(today) else { continue };
            out.push(DueMeasure {
                instrument: *instrument,
                point,
                due_on,
                window_opens,
                overdue_from,
                state,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn taken(instrument: Instrument, timepoint: Timepoint, taken_on: Date) -> TakenMeasure {
        TakenMeasure { instrument, timepoint, taken_on }
    }

    #[test]
    fn schedule_validation() {
        assert_eq!(MeasurementSchedule::default().months_text(), "3, 6");
        let s = MeasurementSchedule::parse(&["swemwbs", "ons4"], "12, 3 6").unwrap();
        assert_eq!(s.follow_up_months(), [3, 6, 12]);
        assert_eq!(s.instruments(), [Instrument::Swemwbs, Instrument::Ons4]);
        assert!(MeasurementSchedule::parse(&["ons4"], "").unwrap().follow_up_months().is_empty());
        let e = MeasurementSchedule::parse(&["ons4"], "3, 3").unwrap_err();
        assert_eq!(e[0].to_string(), "Month 3 is listed more than once");
        let e = MeasurementSchedule::parse(&["ons4"], "0").unwrap_err();
        assert_eq!(e[0].field(), Some("months"));
        assert!(MeasurementSchedule::parse(&["ons4"], "25").is_err());
        assert!(MeasurementSchedule::parse(&["ons4"], "24").is_ok());
        assert!(MeasurementSchedule::parse(&["ons4"], "three").is_err());
        let e = MeasurementSchedule::parse(&[], "0").unwrap_err();
        assert_eq!(e.iter().map(|e| e.field().unwrap()).collect::<Vec<_>>(), ["instruments", "months"]);
        assert_eq!(MeasurementSchedule::parse(&["nope"], "3").unwrap_err()[0].field(), Some("instruments"));
        assert!(MeasurementSchedule::new(vec![Instrument::Ons4, Instrument::Ons4], vec![]).is_err());
    }

    #[test]
    fn months_are_calendar_months() {
        assert_eq!(add_months(date!(2026 - 01 - 15), 3), date!(2026 - 04 - 15));
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 11 - 30), 3), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 08 - 31), 1), date!(2026 - 09 - 30));
        assert_eq!(add_months(date!(2026 - 12 - 01), 24), date!(2028 - 12 - 01));
    }

    /// Referred 1 June 2026, first contact 10 June; default schedule (ONS4 + SWEMWBS, 3 and 6 months).
    #[test]
    fn due_and_overdue_by_hand() {
        let s = MeasurementSchedule::default();
        let dates = ReferralDates {
            referred_on: date!(2026 - 06 - 01),
            first_contact_on: Some(date!(2026 - 06 - 10)),
            discharged_on: None,
        };
        // Before first contact nothing is due, not even a follow-up whose day has come.
        let none = ReferralDates { first_contact_on: None, ..dates };
        assert!(due_measures(&s, none, &[], date!(2026 - 06 - 05)).is_empty());
        assert!(due_measures(&s, none, &[], date!(2026 - 09 - 05)).is_empty());
        // 10 June: baseline due for both; overdue from 8 July (10 June + 28 days).
        let d = due_measures(&s, dates, &[], date!(2026 - 06 - 10));
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].instrument, d[0].point, d[0].state, d[0].overdue_from),
            (Instrument::Ons4, ScheduledPoint::Baseline, DueState::Due, date!(2026 - 07 - 08))
        );
        assert_eq!(due_measures(&s, dates, &[], date!(2026 - 07 - 07))[0].state, DueState::Due);
        assert_eq!(due_measures(&s, dates, &[], date!(2026 - 07 - 08))[0].state, DueState::Overdue);
        // Baselines taken; the 3-month follow-up is due 1 September, listed from 18 August.
        let base = [
            taken(Instrument::Ons4, Timepoint::Baseline, date!(2026 - 06 - 10)),
            taken(Instrument::Swemwbs, Timepoint::Baseline, date!(2026 - 06 - 17)),
        ];
        assert!(due_measures(&s, dates, &base, date!(2026 - 08 - 17)).is_empty());
        let d = due_measures(&s, dates, &base, date!(2026 - 08 - 18));
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].point, d[0].due_on, d[0].window_opens, d[0].state),
            (ScheduledPoint::FollowUp { months: 3 }, date!(2026 - 09 - 01), date!(2026 - 08 - 18), DueState::Due)
        );
        // Overdue from 29 September (1 September + 28 days).
        assert_eq!(due_measures(&s, dates, &base, date!(2026 - 09 - 28))[0].state, DueState::Due);
        assert_eq!(due_measures(&s, dates, &base, date!(2026 - 09 - 29))[0].state, DueState::Overdue);
        // ONS4 follow-up taken on 20 August satisfies it; one taken before the window does not.
        let mut some = base.to_vec();
        some.push(taken(Instrument::Ons4, Timepoint::FollowUp, date!(2026 - 08 - 20)));
        some.push(taken(Instrument::Swemwbs, Timepoint::FollowUp, date!(2026 - 08 - 17)));
        let d = due_measures(&s, dates, &some, date!(2026 - 09 - 30));
        assert_eq!(d.iter().map(|d| d.instrument).collect::<Vec<_>>(), [Instrument::Swemwbs]);
        // The 6-month window opens 18 November (1 December − 14 days): the missed 3-month SWEMWBS
        // is replaced by the 6-month ones.
        let d = due_measures(&s, dates, &some, date!(2026 - 11 - 18));
        assert_eq!(
            d.iter().map(|d| (d.instrument, d.point)).collect::<Vec<_>>(),
            [
                (Instrument::Ons4, ScheduledPoint::FollowUp { months: 6 }),
                (Instrument::Swemwbs, ScheduledPoint::FollowUp { months: 6 })
            ]
        );
        // The last follow-up stays overdue (29 December on).
        assert_eq!(due_measures(&s, dates, &some, date!(2027 - 03 - 01))[0].state, DueState::Overdue);
    }

    #[test]
    fn discharge_and_follow_ups_after_it() {
        let s = MeasurementSchedule::new(vec![Instrument::Swemwbs], vec![3, 6, 12]).unwrap();
        let dates = ReferralDates {
            referred_on: date!(2026 - 01 - 31),
            first_contact_on: Some(date!(2026 - 02 - 02)),
            discharged_on: Some(date!(2026 - 05 - 10)),
        };
        let base = [taken(Instrument::Swemwbs, Timepoint::Baseline, date!(2026 - 02 - 02))];
        // 3 months from 31 January is 30 April (window 16 April): within support, so it counts;
        // 6 and 12 months open after the 10 May discharge, so they are not due.
        let d = due_measures(&s, dates, &base, date!(2026 - 05 - 10));
        assert_eq!(
            d.iter().map(|d| (d.point, d.due_on)).collect::<Vec<_>>(),
            [(ScheduledPoint::FollowUp { months: 3 }, date!(2026 - 04 - 30)), (ScheduledPoint::Discharge, date!(2026 - 05 - 10))]
        );
        // One discharge measure on 10 May satisfies both.
        let mut all = base.to_vec();
        all.push(taken(Instrument::Swemwbs, Timepoint::Discharge, date!(2026 - 05 - 10)));
        assert!(due_measures(&s, dates, &all, date!(2026 - 05 - 10)).is_empty());
    }
}
