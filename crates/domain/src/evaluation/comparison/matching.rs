//! Eligible cases, the comparison cells, and nearest-neighbour matching within the caliper.

use super::timeline::{Timeline, Windows};
use super::{within_caliper, ComparisonInput, ReferredPerson, CONTROLS_PER_CASE};
use crate::evaluation::equity::{AgeBand, ImdQuintile};
use crate::evaluation::facts::Period;
use crate::evaluation::health_system::DEFAULT_WINDOW_MONTHS;
use crate::person::Sex;
use std::collections::{BTreeMap, HashMap};
use time::Date;

pub use super::timeline::PersonCounts;

/// A control of one case: the comparison person (an index into [`ComparisonInput::comparison`])
/// and their counts around the case's index date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    pub comparison: usize,
    pub counts: PersonCounts,
}

/// An eligible case.
#[derive(Debug, Clone)]
pub struct Case<'a> {
    pub referred: &'a ReferredPerson,
    pub counts: PersonCounts,
    /// Nearest first (then by key); empty when unmatched.
    pub controls: Vec<Control>,
}

impl Case<'_> {
    pub fn index_date(&self) -> Date {
        self.referred.referred_on
    }
}

/// The matching, before any figure is published.
#[derive(Debug, Clone)]
pub struct Matching<'a> {
    pub window_months: u8,
    pub referred_data_from: Option<Date>,
    pub referred_data_to: Option<Date>,
    /// People first referred in the period.
    pub referred_in_period: u64,
    /// The eligible cases, by person key.
    pub cases: Vec<Case<'a>>,
    /// The comparison group before matching: every comparison person of a practice with an
    /// eligible case, in extract order, with their GP appointments around that practice's median
    /// index date.
    pub practice_pool: Vec<PoolMember>,
}

/// A comparison person of the group before matching, counted around their practice's (lower)
/// median index date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolMember {
    /// An index into [`ComparisonInput::comparison`].
    pub comparison: usize,
    /// GP appointments in the before window.
    pub before_gp: u64,
    /// GP appointments in the 12 months before.
    pub prior_gp: u64,
}

/// The GP appointments' place in [`PersonCounts::before`] and [`PersonCounts::after`].
const GP: usize = super::Outcome::GpAppointments as usize;

type Cell<'a> = (&'a str, AgeBand, Sex, Option<ImdQuintile>);

fn cell_of_referred(r: &ReferredPerson) -> Cell<'_> {
    (&r.practice_id, r.age, r.sex, r.imd)
}

/// The window in months (0 in the input: the default).
pub(super) fn window_months(input: &ComparisonInput) -> u8 {
    if input.window_months == 0 { DEFAULT_WINDOW_MONTHS } else { input.window_months }
}

/// The referred people's data: its first and last contact dates.
pub(super) fn referred_data_span(input: &ComparisonInput) -> (Option<Date>, Option<Date>) {
    let contacts = || input.referred_activity.iter().flat_map(|p| &p.contacts);
    (contacts().map(|c| c.on).min(), contacts().map(|c| c.on).max())
}

/// Each person's first referral (the first entry of the earliest date), when it falls in the
/// period; by person key.
pub(super) fn first_referrals_in(referred: &[ReferredPerson], period: Period) -> Vec<&ReferredPerson> {
    let mut first: BTreeMap<&str, &ReferredPerson> = BTreeMap::new();
    for r in referred {
        let e = first.entry(r.person.as_str()).or_insert(r);
        if r.referred_on < e.referred_on {
            *e = r;
        }
    }
    first.into_values().filter(|r| period.contains(r.referred_on)).collect()
}

/// Eligible cases and their controls (see the module documentation for the method).
pub fn match_cases<'a>(input: &ComparisonInput<'a>, period: Period) -> Matching<'a> {
    let months = window_months(input);
    let (referred_data_from, referred_data_to) = referred_data_span(input);
    let in_period = first_referrals_in(input.referred, period);

    let covered = |r: &ReferredPerson| -> bool {
        let (Some(rf), Some(rt), Some(cf), Some(ct)) = (referred_data_from, referred_data_to, input.comparison_from, input.comparison_to) else {
            return false;
        };
        let w = Windows::around(r.referred_on, months);
        let from = rf.to_julian_day().max(cf.to_julian_day());
        let to = rt.min(period.to).min(ct).to_julian_day();
        w.look_back_start >= from && w.after_end <= to
    };
    let eligible: Vec<&ReferredPerson> = in_period.iter().copied().filter(|r| covered(r)).collect();

    // The referred people's contacts, by person (an entry per person expected; several are merged).
    let mut activity: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in input.referred_activity.iter().enumerate() {
        activity.entry(p.person.as_str()).or_default().push(i);
    }
    let mut cases: Vec<Case<'a>> = eligible
        .iter()
        .map(|r| {
            let entries = activity.get(r.person.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let timeline = Timeline::new(entries.iter().flat_map(|&i| &input.referred_activity[i].contacts));
            Case { referred: r, counts: timeline.counts(&Windows::around(r.referred_on, months)), controls: Vec::new() }
        })
        .collect();

    // Cases by cell, then the comparison people of those cells (in key order, then extract order).
    let mut case_cells: HashMap<Cell<'a>, Vec<usize>> = HashMap::new();
    for (i, c) in cases.iter().enumerate() {
        case_cells.entry(cell_of_referred(c.referred)).or_default().push(i);
    }
    let mut members: HashMap<Cell<'a>, Vec<usize>> = HashMap::new();
    for (j, p) in input.comparison.iter().enumerate() {
        let cell: Cell<'a> = (&p.practice_id, p.age, p.sex, p.imd);
        if case_cells.contains_key(&cell) {
            members.entry(cell).or_default().push(j);
        }
    }
    for (cell, case_ids) in &case_cells {
        let Some(people) = members.get_mut(cell) else { continue };
        people.sort_by(|&a, &b| input.comparison[a].key.cmp(&input.comparison[b].key).then(a.cmp(&b)));
        let timelines: Vec<Timeline> = people.iter().map(|&j| Timeline::new(&input.comparison[j].contacts)).collect();
        // (difference in before-window GP appointments, difference in the 12 months', position
        // in key order) of those within the caliper.
        let mut near: Vec<(u64, u64, usize)> = Vec::with_capacity(people.len());
        for &ci in case_ids {
            let w = Windows::around(cases[ci].index_date(), months);
            let (before, prior) = (cases[ci].counts.before[GP], cases[ci].counts.prior_gp);
            near.clear();
            near.extend(timelines.iter().enumerate().filter_map(|(pos, t)| {
                let b = t.before_gp(&w);
                within_caliper(before, b).then(|| (before.abs_diff(b), prior.abs_diff(t.prior_gp(&w)), pos))
            }));
            let k = CONTROLS_PER_CASE.min(near.len());
            if k < near.len() {
                near.select_nth_unstable(k);
                near.truncate(k);
            }
            near.sort_unstable();
            cases[ci].controls = near.iter().map(|&(_, _, pos)| Control { comparison: people[pos], counts: timelines[pos].counts(&w) }).collect();
        }
    }

    // Before matching: every comparison person of the cases' practices, their GP appointments
    // counted around the practice's (lower) median index date.
    let mut dates: BTreeMap<&str, Vec<Date>> = BTreeMap::new();
    for c in &cases {
        dates.entry(&c.referred.practice_id).or_default().push(c.index_date());
    }
    let median: HashMap<&str, Windows> = dates
        .into_iter()
        .map(|(practice, mut d)| {
            d.sort_unstable();
            (practice, Windows::around(d[(d.len() - 1) / 2], months))
        })
        .collect();
    let practice_pool = input
        .comparison
        .iter()
        .enumerate()
        .filter_map(|(j, p)| {
            let w = median.get(&*p.practice_id)?;
            let gp = p.contacts.iter().filter(|c| c.contact_type.is_gp_appointment()).map(|c| c.on.to_julian_day());
            let (mut before, mut prior) = (0, 0);
            for d in gp.filter(|d| *d < w.index) {
                before += u64::from(d >= w.before_start);
                prior += u64::from(d >= w.prior_start);
            }
            Some(PoolMember { comparison: j, before_gp: before, prior_gp: prior })
        })
        .collect();

    Matching { window_months: months, referred_data_from, referred_data_to, referred_in_period: in_period.len() as u64, cases, practice_pool }
}
