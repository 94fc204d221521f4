//! What the synthetic bundle and the demo share about health-system use and the comparison group
//! (registered patients who were not referred): each person's usual rate, transient spells of
//! high use, Poisson counts, and the demographics of a registered patient of a practice.
//!
//! **The model (regression to the mean in both groups).** Everyone has a *usual* rate of contacts
//! a year, drawn from a gamma distribution (shape 2: most people near the mean, a long tail of
//! frequent attenders). Use is counted block by block (30 days), each block a Poisson draw at the
//! rate of that time. Use is not steady: a person has *spells* of high use (an illness, a crisis)
//! of [`SPELL_DAYS`] at [`SPELL_LOW`]–[`SPELL_HIGH`] times their usual rate, after which it falls
//! back to the usual rate by itself.
//! - **Not referred** (the comparison group): [`SPELL_SHARE`] (15%) of people have one spell in
//!   the two years, starting at a random time; the others are at their usual rate throughout.
//! - **Referred**: people are referred when they struggle, so every referred person is referred at
//!   the end of a spell (the spell is the [`SPELL_DAYS`] before the referral; for a third it goes on
//!   for a further 30 days after it). After the spell their use falls back to their usual rate
//!   times the service's true effect, [`TRUE_EFFECT`] (0.9).
//!
//! So the naive before/after fall of the referred is mostly the spell ending (regression to the
//! mean), and only about a tenth of their usual use is the service's doing; comparison people
//! matched on prior use (some of whom had their own spell in the year before) fall too, and the
//! difference-in-differences recovers the modest true effect.

use crate::catalogue::PracticeDef;
use linkwork_domain::evaluation::equity::{AgeBand, ImdDecile};
use linkwork_domain::person::Sex;
use rand::rngs::StdRng;
use rand::Rng;
use time::{Date, Duration};

/// Comparison people per referred person of a practice.
pub(crate) const COMPARISON_PER_REFERRED: usize = 4;
/// The share of comparison people with a spell of high use in the two years.
pub(crate) const SPELL_SHARE: f64 = 0.15;
/// How long a spell lasts.
pub(crate) const SPELL_DAYS: i64 = 90;
/// A spell's use, as a multiple of the person's usual rate (drawn between the two).
pub(crate) const SPELL_LOW: f64 = 2.5;
pub(crate) const SPELL_HIGH: f64 = 3.0;
/// Use after the referral (once the spell is over), as a multiple of the usual rate.
pub(crate) const TRUE_EFFECT: f64 = 0.9;
/// Days in a block of the Poisson process.
pub(crate) const BLOCK_DAYS: i64 = 30;

/// A Poisson draw (Knuth's method; the means here are small).
pub(crate) fn poisson(rng: &mut StdRng, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = 1.0;
    loop {
        p *= rng.gen::<f64>();
        if p <= limit || k > 50 {
            return k;
        }
        k += 1;
    }
}

/// A gamma draw of shape 2 with this mean (the sum of two exponential draws).
pub(crate) fn gamma2(rng: &mut StdRng, mean: f64) -> f64 {
    let u: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
    let v: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
    -mean / 2.0 * (u.ln() + v.ln())
}

/// A spell's multiple of the usual rate.
pub(crate) fn spell_multiple(rng: &mut StdRng) -> f64 {
    rng.gen_range(SPELL_LOW..SPELL_HIGH)
}

/// The spell of a person not referred, over `from..=to` (`None` for most people): its first day
/// and the day after its last, starting at a random block (it may have begun before `from`).
pub(crate) fn random_spell(rng: &mut StdRng, from: Date, to: Date) -> Option<(Date, Date, f64)> {
    if !rng.gen_bool(SPELL_SHARE) {
        return None;
    }
    let blocks = (to - from).whole_days() / BLOCK_DAYS;
    let start = from + Duration::days(BLOCK_DAYS * rng.gen_range(-(SPELL_DAYS / BLOCK_DAYS) + 1..=blocks));
    Some((start, start + Duration::days(SPELL_DAYS), spell_multiple(rng)))
}

/// The spell a referred person is referred at the end of: the [`SPELL_DAYS`] before the referral,
/// and for a third of people a further block after it.
pub(crate) fn referral_spell(rng: &mut StdRng, referred_on: Date) -> (Date, Date, f64) {
    let end = if rng.gen_bool(1.0 / 3.0) { referred_on + Duration::days(1 + BLOCK_DAYS) } else { referred_on };
    (referred_on - Duration::days(SPELL_DAYS), end, spell_multiple(rng))
}

/// The blocks `(first day, days)` covering `from..=to`, their boundaries `anchor` + a multiple of
/// [`BLOCK_DAYS`] (so a spell that starts on a boundary covers whole blocks).
pub(crate) fn blocks(from: Date, to: Date, anchor: Date) -> impl Iterator<Item = (Date, i64)> {
    let first = anchor + Duration::days(BLOCK_DAYS * (from - anchor).whole_days().div_euclid(BLOCK_DAYS));
    (0..)
        .map(move |k| first + Duration::days(BLOCK_DAYS * k))
        .take_while(move |b| *b <= to)
        .map(move |b| {
            let start = b.max(from);
            let end = (b + Duration::days(BLOCK_DAYS - 1)).min(to);
            (start, (end - start).whole_days() + 1)
        })
}

/// The ages of the people referred (18–90, skewed older as social prescribing caseloads are) and
/// their sexes, as `plan` draws them, so comparison cells overlap the referred people's.
pub(crate) fn age_and_sex(rng: &mut StdRng) -> (AgeBand, Sex) {
    const SEXES: [(Sex, u32); 4] = [(Sex::Female, 580), (Sex::Male, 410), (Sex::NotKnown, 7), (Sex::Indeterminate, 3)];
    const AGES: [((i32, i32), u32); 5] = [((18, 29), 9), ((30, 44), 14), ((45, 59), 22), ((60, 74), 30), ((75, 90), 25)];
    let sex = weighted(rng, &SEXES);
    let (low, high) = weighted(rng, &AGES);
    (AgeBand::of_age(rng.gen_range(low..=high)), sex)
}

/// Where a registered patient of `practice` lives, as `plan` draws the referred people's
/// postcodes (mostly the practice's own areas): the demo's LSOA of that postcode sector, and its
/// IMD decile.
pub(crate) fn lsoa(rng: &mut StdRng, practice: &PracticeDef) -> (String, ImdDecile) {
    let area = if rng.gen_bool(0.85) { practice.outward[rng.gen_range(0..practice.outward.len())].trim_start_matches("RV").parse().unwrap_or(1) } else { rng.gen_range(1..=9) };
    let sector = rng.gen_range(1..=9);
    (crate::equity::lsoa(area, sector), crate::equity::decile(area, sector))
}

/// The demo LSOA and its IMD decile of a demo postcode (`RV{area} {sector}..`).
pub(crate) fn lsoa_of_postcode(postcode: &str) -> Option<(String, ImdDecile)> {
    let (outward, inward) = postcode.split_once(' ')?;
    let area: usize = outward.strip_prefix("RV")?.parse().ok()?;
    let sector: usize = inward.get(..1)?.parse().ok()?;
    ((1..=9).contains(&area) && (1..=9).contains(&sector)).then(|| (crate::equity::lsoa(area, sector), crate::equity::decile(area, sector)))
}

fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return *item;
        }
        pick -= weight;
    }
    items[items.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use time::macros::date;

    #[test]
    fn blocks_cover_the_range_once_on_the_anchor_grid() {
        let (from, to) = (date!(2025 - 01 - 01), date!(2025 - 12 - 31));
        let anchor = date!(2025 - 07 - 15);
        let b: Vec<(Date, i64)> = blocks(from, to, anchor).collect();
        assert_eq!(b.iter().map(|x| x.1).sum::<i64>(), 365);
        assert_eq!(b[0].0, from);
        assert!(b.iter().any(|x| x.0 == anchor), "a block starts on the anchor");
        for w in b.windows(2) {
            assert_eq!(w[0].0 + Duration::days(w[0].1), w[1].0, "no gap, no overlap");
        }
    }

    #[test]
    fn draws_have_their_means_and_shares() {
        let mut rng = StdRng::seed_from_u64(1);
        let n = 200_000;
        let gamma: f64 = (0..n).map(|_| gamma2(&mut rng, 5.0)).sum::<f64>() / n as f64;
        assert!((gamma - 5.0).abs() < 0.05, "{gamma}");
        let poisson: f64 = (0..n).map(|_| f64::from(poisson(&mut rng, 1.3))).sum::<f64>() / n as f64;
        assert!((poisson - 1.3).abs() < 0.02, "{poisson}");
        let (from, to) = (date!(2024 - 12 - 01), date!(2026 - 12 - 01));
        let spells = (0..n).filter(|_| random_spell(&mut rng, from, to).is_some()).count() as f64 / n as f64;
        assert!((spells - SPELL_SHARE).abs() < 0.005, "{spells}");
        let adults = (0..1000).all(|_| age_and_sex(&mut rng).0 != AgeBand::Under18);
        assert!(adults);
    }

    #[test]
    fn demo_postcodes_have_the_demo_lsoas() {
        assert_eq!(lsoa_of_postcode("RV4 3AB"), Some((crate::equity::lsoa(4, 3), crate::equity::decile(4, 3))));
        assert_eq!(lsoa_of_postcode("LS1 4AP"), None);
        assert!(linkwork_domain::evaluation::equity::is_english_lsoa(&crate::equity::lsoa(9, 9)));
    }
}
