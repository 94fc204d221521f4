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
#[derive(Debug, Clone, Default)]
pub(super) struct Timeline {
    /// GP appointments, A&E attendances, non-elective admissions.
    dates: [Vec<i32>; 3],
    bed_dates: Vec<i32>,
    /// `bed_cum[i]`: bed days of the first `i` stays by date (one longer than `bed_dates`).
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
    pub fn new<'c>(contacts: impl IntoIterator<Item = &'c Contact>) -> Self {
        let mut t = Timeline::default();
        let mut beds: Vec<(i32, u64)> = Vec::new();
        for c in contacts {
            let day = c.on.to_julian_day();
            if let Some(o) = outcome_of(c.contact_type) {
                t.dates[o as usize].push(day);
            }
            // As the health section: the bed days of any contact carrying them, on its date.
            if let Some(b) = c.bed_days.filter(|b| *b > 0) {
                beds.push((day, u64::from(b)));
            }
        }
        for d in &mut t.dates {
            d.sort_unstable();
        }
        beds.sort_unstable();
        t.bed_cum.reserve(beds.len() + 1);
        t.bed_cum.push(0);
        for (day, b) in beds {
            t.bed_dates.push(day);
            let last = *t.bed_cum.last().unwrap_or(&0);
            t.bed_cum.push(last + b);
        }
        t
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
            Outcome::BedDays => {
                let (a, b) = (pos(&self.bed_dates, from), pos(&self.bed_dates, to));
                self.bed_cum[b] - self.bed_cum[a]
            }
            _ => {
                let v = &self.dates[o as usize];
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
