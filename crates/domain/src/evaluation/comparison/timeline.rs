//! One person's contacts as sorted dates per outcome, so that a count in a window is two binary
//! searches; and the windows around an index date.

use super::{Outcome, PRIOR_USE_MONTHS};
use crate::evaluation::health_system::{shift_months, Contact, ContactType};
use time::Date;

/// The dates (Julian day numbers) bounding the windows around one index date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Windows {
    /// Start of the prior-use year, `index − 12 months` (inclusive).
    pub prior_start: i32,
    /// Start of the before window, `index − m months` (inclusive).
    pub before_start: i32,
    /// Start of the look-back that must be covered, `index − max(12, m) months` (the before
    /// window and the 12 months of the tie-breaker).
    pub look_back_start: i32,
    pub index: i32,
    /// End of the after window, `index + m months` (inclusive).
    pub after_end: i32,
    /// Start of the earlier window, `index − 2m months`: the m months before the before window,
    /// for the check that use was running parallel before referral. Only when the look-back
    /// covers it (2m ≤ 12).
    pub earlier_start: Option<i32>,
}

impl Windows {
    pub fn around(index: Date, months: u8) -> Self {
        let m = i32::from(months);
        let back = i32::from(months.max(PRIOR_USE_MONTHS));
        Self {
            prior_start: shift_months(index, -i32::from(PRIOR_USE_MONTHS)).to_julian_day(),
            before_start: shift_months(index, -m).to_julian_day(),
            look_back_start: shift_months(index, -back).to_julian_day(),
            index: index.to_julian_day(),
            after_end: shift_months(index, m).to_julian_day(),
            earlier_start: (2 * m <= i32::from(PRIOR_USE_MONTHS)).then(|| shift_months(index, -2 * m).to_julian_day()),
        }
    }
}

/// Counts around one index date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonCounts {
    /// GP appointments in the 12 months before the index date (matching's tie-breaker).
    pub prior_gp: u64,
    /// Per outcome, in the order of [`Outcome::ALL`]: in the before window. GP appointments
    /// here (`before[0]`) are what cases are matched on.
    pub before: [u64; 4],
    /// In the after window.
    pub after: [u64; 4],
    /// GP appointments in the earlier window (see [`Windows::earlier_start`]).
    pub earlier_gp: Option<u64>,
}

/// A person's contact dates, sorted, per counted outcome; bed days as prefix sums by date.
/// One allocation for the dates (a comparison group has hundreds of thousands of people, each
/// with a timeline built per report), and none for bed days when there are none.
#[derive(Debug, Clone, Default)]
pub(super) struct Timeline {
    /// GP appointments, then A&E attendances, then non-elective admissions, each sorted.
    days: Vec<i32>,
    /// Where each of those outcomes' dates end in `days`.
    ends: [usize; 3],
    bed_dates: Vec<i32>,
    /// `bed_cum[i]`: bed days of the first `i` stays by date (one longer than `bed_dates`;
    /// empty when there are none).
    bed_cum: Vec<u64>,
}

fn outcome_of(t: ContactType) -> Option<Outcome> {
    if t.is_gp_appointment() {
        Some(Outcome::GpAppointments)
    } else {
        match t {
            ContactType::AeNotAdmitted | ContactType::AeAdmitted => Some(Outcome::AeAttendances),
            ContactType::NonElectiveAdmission => Some(Outcome::NonElectiveAdmissions),
            _ => None,
        }
    }
}

/// Elements of sorted `v` below `x`.
fn below(v: &[i32], x: i32) -> usize {
    v.partition_point(|&d| d < x)
}

/// Elements of sorted `v` at or below `x`.
fn up_to(v: &[i32], x: i32) -> usize {
    v.partition_point(|&d| d <= x)
}

impl Timeline {
    pub fn new<'c, I>(contacts: I) -> Self
    where
        I: IntoIterator<Item = &'c Contact>,
        I::IntoIter: Clone,
    {
        let contacts = contacts.into_iter();
        // Counted first, so each list is allocated once at its size.
        let (mut per_outcome, mut stays) = ([0usize; 3], 0usize);
        for c in contacts.clone() {
            if let Some(o) = outcome_of(c.contact_type) {
                per_outcome[o as usize] += 1;
            }
            stays += usize::from(c.bed_days.is_some_and(|b| b > 0));
        }
        let ends = [per_outcome[0], per_outcome[0] + per_outcome[1], per_outcome[0] + per_outcome[1] + per_outcome[2]];
        let mut days = vec![0; ends[2]];
        let mut next = [0, ends[0], ends[1]];
        let mut beds: Vec<(i32, u64)> = Vec::with_capacity(stays);
        for c in contacts {
            let day = c.on.to_julian_day();
            if let Some(o) = outcome_of(c.contact_type) {
                days[next[o as usize]] = day;
                next[o as usize] += 1;
            }
            // As the health section: the bed days of any contact carrying them, on its date.
            if let Some(b) = c.bed_days.filter(|b| *b > 0) {
                beds.push((day, u64::from(b)));
            }
        }
        days[..ends[0]].sort_unstable();
        days[ends[0]..ends[1]].sort_unstable();
        days[ends[1]..].sort_unstable();
        beds.sort_unstable();
        let mut t = Timeline { days, ends, bed_dates: Vec::with_capacity(stays), bed_cum: Vec::new() };
        if stays > 0 {
            t.bed_cum.reserve_exact(stays + 1);
            t.bed_cum.push(0);
            for (day, b) in beds {
                t.bed_dates.push(day);
                let last = *t.bed_cum.last().unwrap_or(&0);
                t.bed_cum.push(last + b);
            }
        }
        t
    }

    /// The sorted dates of a counted outcome (not bed days).
    fn dates(&self, o: Outcome) -> &[i32] {
        let i = o as usize;
        &self.days[if i == 0 { 0 } else { self.ends[i - 1] }..self.ends[i]]
    }

    /// GP appointments in `[prior_start, index)`: the 12 months before.
    pub fn prior_gp(&self, w: &Windows) -> u64 {
        self.count(Outcome::GpAppointments, w.prior_start, w.index, false)
    }

    /// GP appointments in `[before_start, index)`: the before window, the matching variable.
    pub fn before_gp(&self, w: &Windows) -> u64 {
        self.count(Outcome::GpAppointments, w.before_start, w.index, false)
    }

    /// `[from, to)` when `!after`, `(from, to]` when `after`.
    fn count(&self, o: Outcome, from: i32, to: i32, after: bool) -> u64 {
        let pos = |v: &[i32], x: i32| if after { up_to(v, x) } else { below(v, x) };
        match o {
            Outcome::BedDays if self.bed_dates.is_empty() => 0,
            Outcome::BedDays => {
                let (a, b) = (pos(&self.bed_dates, from), pos(&self.bed_dates, to));
                self.bed_cum[b] - self.bed_cum[a]
            }
            _ => {
                let v = self.dates(o);
                (pos(v, to) - pos(v, from)) as u64
            }
        }
    }

    pub fn counts(&self, w: &Windows) -> PersonCounts {
        let mut c = PersonCounts {
            prior_gp: self.prior_gp(w),
            earlier_gp: w.earlier_start.map(|from| self.count(Outcome::GpAppointments, from, w.before_start, false)),
            ..PersonCounts::default()
        };
        for o in Outcome::ALL {
            c.before[o as usize] = self.count(o, w.before_start, w.index, false);
            c.after[o as usize] = self.count(o, w.index, w.after_end, true);
        }
        c
    }
}
