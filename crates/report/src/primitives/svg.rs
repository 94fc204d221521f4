//! Hand-written SVG charts. Each is an `<svg role="img">` labelled by its own `<title>` and
//! `<desc>`, scales to its container through its `viewBox`, uses NHS blue and dark grey with
//! labels and patterns (never colour alone) so it survives greyscale printing, and escapes every
//! piece of text. Every chart is followed on the page by a table of the same figures.

use crate::primitives::format::{escape, fixed, month_long, month_short, parse_month, one_dp};
use linkwork_domain::evaluation::disclosure::{Shown, SuppressionPolicy};
use linkwork_domain::evaluation::{MonthCount, OutcomeChange, PracticeReach, TargetBand};
use linkwork_domain::measurement::instruments::Direction;

const BLUE: &str = "#005eb8";
const TEXT: &str = "#212b32";
const SECONDARY: &str = "#4c6272";
const GRID: &str = "#d8dde0";
const WIDTH: f64 = 720.0;
/// A white outline behind text that may cross grid lines, the zero line or the target band.
const HALO: &str = r##" stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke""##;
const HALO_SMALL: &str = r##" font-size="12" stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke""##;

/// A coordinate, to one decimal place.
fn c(v: f64) -> String {
    fixed(v, 1)
}

fn open(out: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    w!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-size="14" fill="{TEXT}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        c(WIDTH),
        c(height),
        escape(title),
        escape(desc)
    );
    // An opaque background, so the charts read the same on the NHS.UK grey page and on paper.
    w!(out, r##"<rect width="{}" height="{}" fill="#ffffff"/>"##, c(WIDTH), c(height));
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, extra: &str, content: &str) {
    w!(out, r#"<text x="{}" y="{}" text-anchor="{anchor}"{extra}>{}</text>"#, c(x), c(y), escape(content));
}

fn line(out: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, extra: &str) {
    w!(out, r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}"{extra}/>"#, c(x1), c(y1), c(x2), c(y2));
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// A linear axis with "nice" tick steps (1, 2, 2.5 or 5 times a power of ten).
struct Axis {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Axis {
    fn new(min: f64, max: f64, ticks: f64, integer: bool) -> Self {
        let (min, max) = if max - min < 1e-9 { (min, min + 1.0) } else { (min, max) };
        let raw = (max - min) / ticks;
        let mag = 10f64.powf(raw.log10().floor());
        let steps: &[f64] = if integer { &[1.0, 2.0, 5.0, 10.0] } else { &[1.0, 2.0, 2.5, 5.0, 10.0] };
        let mut step = steps.iter().map(|s| s * mag).find(|s| raw <= *s + 1e-12).unwrap_or(10.0 * mag);
        if integer {
            step = step.max(1.0).round();
        }
        Axis { lo: (min / step).floor() * step, hi: (max / step).ceil() * step, step }
    }

    fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=n).map(|i| self.lo + i as f64 * self.step).collect()
    }

    fn label(&self, v: f64) -> String {
        let dp = (0..3).find(|dp| (self.step * 10f64.powi(*dp)).fract().abs() < 1e-6).unwrap_or(3) as usize;
        fixed(v, dp)
    }

    /// Position of `v` on a scale from `start` (for `lo`) to `end` (for `hi`).
    fn at(&self, v: f64, start: f64, end: f64) -> f64 {
        start + (v - self.lo) / (self.hi - self.lo) * (end - start)
    }
}

/// Vertical bars of referrals per month. Suppressed months get no bar, only a `*`.
pub fn month_bars(id: &str, months: &[MonthCount], policy: &SuppressionPolicy) -> String {
    let (left, right, top, bottom, height) = (60.0, 16.0, 24.0, 56.0, 300.0);
    let base = height - bottom;
    let values: Vec<f64> = months.iter().filter_map(|m| m.referrals.value().map(|v| *v as f64)).collect();
    let max = values.iter().copied().fold(0.0, f64::max);
    let axis = Axis::new(0.0, max.max(5.0), 5.0, true);
    let y = |v: f64| axis.at(v, base, top);

    let span = match (months.first(), months.last()) {
        (Some(a), Some(b)) => format!("{} to {}", month_long(&a.month), month_long(&b.month)),
        _ => "the period".into(),
    };
    let mut desc = format!("Bar chart of the number of referrals received each month, {span}.");
    if let Some(top_month) = months.iter().filter(|m| m.referrals.value().is_some()).max_by_key(|m| m.referrals.value().copied()) {
        if max > 0.0 {
            w!(desc, " The most referrals were in {}: {}.", month_long(&top_month.month), max);
        }
    }
    let suppressed = months.iter().filter(|m| m.referrals.is_suppressed()).count();
    if suppressed > 0 {
        w!(
            desc,
            " {suppressed} {} had between 1 and {} referrals: {} marked * and no bar is drawn.",
            if suppressed == 1 { "month" } else { "months" },
            policy.max_suppressed,
            if suppressed == 1 { "it is" } else { "they are" }
        );
    }
    desc.push_str(" The figures are also in the table that follows.");

    let mut out = String::new();
    open(&mut out, id, height, "Referrals received each month", &desc);
    for t in axis.ticks() {
        line(&mut out, (left, y(t)), (WIDTH - right, y(t)), GRID, "");
        text(&mut out, left - 8.0, y(t) + 5.0, "end", &format!(r#" fill="{SECONDARY}""#), &axis.label(t));
    }
    let n = months.len().max(1) as f64;
    let slot = (WIDTH - left - right) / n;
    let bar = slot * 0.68;
    let show_values = slot >= 36.0;
    let label_every = (months.len() as f64 / 12.0).ceil().max(1.0) as usize;
    let mut labelled_year = None;
    for (i, m) in months.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        match m.referrals {
            Shown::Value(v) => {
                let v = v as f64;
                if v > 0.0 {
                    w!(out, r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{BLUE}"/>"#, c(cx - bar / 2.0), c(y(v)), c(bar), c(base - y(v)));
                }
                if show_values {
                    text(&mut out, cx, y(v) - 6.0, "middle", HALO_SMALL, &axis.label(v));
                }
            }
            Shown::Suppressed => text(&mut out, cx, base - 6.0, "middle", "", "*"),
            Shown::NoData => {}
        }
        if i % label_every == 0 {
            text(&mut out, cx, base + 20.0, "middle", "", &month_short(&m.month));
            // The year under the first labelled month of each year.
            if let Some((year, _)) = parse_month(&m.month) {
                if labelled_year != Some(year) {
                    text(&mut out, cx, base + 38.0, "middle", &format!(r#" fill="{SECONDARY}""#), &year.to_string());
                    labelled_year = Some(year);
                }
            }
        }
    }
    line(&mut out, (left, base), (WIDTH - right, base), SECONDARY, "");
    let mid = top + (base - top) / 2.0;
    w!(out, r#"<text x="16" y="{}" text-anchor="middle" transform="rotate(-90 16 {})">Referrals</text>"#, c(mid), c(mid));
    out.push_str("</svg>");
    out
}

/// Horizontal bars of each practice's annual referral rate, over the shaded target band.
pub fn practice_rates(id: &str, practices: &[PracticeReach], target: &TargetBand) -> String {
    let (left, right, top, bottom, row) = (250.0, 64.0, 40.0, 52.0, 34.0);
    let plot_bottom = top + row * practices.len() as f64;
    let height = plot_bottom + bottom;
    let rates: Vec<f64> = practices.iter().filter_map(|p| p.annual_rate_pct.value().copied()).collect();
    let max = rates.iter().copied().fold(target.high_pct, f64::max) * 1.05;
    let axis = Axis::new(0.0, max, 5.0, false);
    let x = |v: f64| axis.at(v, left, WIDTH - right);

    let (low, high) = (fixed(target.low_pct, 1), fixed(target.high_pct, 1));
    let within = rates.iter().filter(|r| **r >= target.low_pct && **r <= target.high_pct).count();
    let below = rates.iter().filter(|r| **r < target.low_pct).count();
    let above = rates.len() - within - below;
    let mut desc = format!(
        "Horizontal bar chart of each practice's referrals in the period as a percentage of its list size, scaled to a year. A hatched band marks the target of {low}% to {high}%. Of {} practices with a rate shown, {within} {} within the band, {below} below it and {above} above it.",
        rates.len(),
        if within == 1 { "is" } else { "are" }
    );
    if rates.len() < practices.len() {
        desc.push_str(" Practices with too few referrals, or no list size, have no bar.");
    }
    desc.push_str(" The figures are also in the table that follows.");

    let mut out = String::new();
    open(&mut out, id, height, "Annual referral rate by practice against the target band", &desc);
    w!(
        out,
        r##"<defs><pattern id="{id}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#f0f4f5"/><line x1="0" y1="0" x2="0" y2="8" stroke="#aeb7bd" stroke-width="3"/></pattern></defs>"##
    );
    for t in axis.ticks() {
        line(&mut out, (x(t), top), (x(t), plot_bottom), GRID, "");
        text(&mut out, x(t), plot_bottom + 20.0, "middle", &format!(r#" fill="{SECONDARY}""#), &format!("{}%", axis.label(t)));
    }
    let (bx1, bx2) = (x(target.low_pct), x(target.high_pct));
    w!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{id}-hatch)" stroke="{SECONDARY}" stroke-dasharray="4 3"/>"#,
        c(bx1),
        c(top),
        c(bx2 - bx1),
        c(plot_bottom - top)
    );
    let band_label = format!("Target {low}% to {high}%");
    let centre = ((bx1 + bx2) / 2.0).clamp(left + 80.0, WIDTH - 80.0);
    text(&mut out, centre, top - 12.0, "middle", r#" font-weight="bold""#, &band_label);
    for (i, p) in practices.iter().enumerate() {
        let cy = top + row * (i as f64 + 0.5);
        text(&mut out, left - 10.0, cy + 5.0, "end", "", &truncate(&p.practice, 32));
        match p.annual_rate_pct {
            Shown::Value(r) => {
                w!(out, r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{BLUE}"/>"#, c(left), c(cy - row / 2.0 + 8.0), c(x(r) - left), c(row - 16.0));
                text(&mut out, x(r) + 6.0, cy + 5.0, "start", HALO, &format!("{}%", one_dp(Shown::Value(r))));
            }
            Shown::Suppressed => text(&mut out, left + 6.0, cy + 5.0, "start", HALO, "*"),
            Shown::NoData => text(&mut out, left + 6.0, cy + 5.0, "start", HALO, "no data"),
        }
    }
    line(&mut out, (left, top), (left, plot_bottom), SECONDARY, "");
    text(&mut out, left + (WIDTH - right - left) / 2.0, height - 8.0, "middle", "", "Referrals a year as a percentage of list size");
    out.push_str("</svg>");
    out
}

/// Mean change of each score with its 95% confidence interval as an error bar. Only scores with a
/// shown mean change are drawn; returns `None` when there are none.
pub fn outcome_changes(id: &str, outcomes: &[OutcomeChange]) -> Option<String> {
    struct Row<'a> {
        o: &'a OutcomeChange,
        mean: f64,
        ci: Option<(f64, f64)>,
    }
    let rows: Vec<Row> = outcomes
        .iter()
        .filter_map(|o| {
            let mean = *o.mean_change.value()?;
            let ci = o.ci95_low.value().copied().zip(o.ci95_high.value().copied());
            Some(Row { o, mean, ci })
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    // Forest-plot layout: labels on the left, the plot, then the estimates in their own column.
    let (left, right, top, bottom, row) = (250.0, 150.0, 36.0, 56.0, 52.0);
    let plot_bottom = top + row * rows.len() as f64;
    let height = plot_bottom + bottom;
    let (mut min, mut max) = (0.0f64, 0.0f64);
    for r in &rows {
        let (lo, hi) = r.ci.unwrap_or((r.mean, r.mean));
        min = min.min(lo).min(r.mean);
        max = max.max(hi).max(r.mean);
    }
    let pad = (max - min).max(1.0) * 0.05;
    let axis = Axis::new(min - if min < 0.0 { pad } else { 0.0 }, max + if max > 0.0 { pad } else { 0.0 }, 6.0, false);
    let x = |v: f64| axis.at(v, left, WIDTH - right);

    let summary = |r: &Row| match r.ci {
        Some((lo, hi)) => format!("{} (95% CI {} to {})", fixed(r.mean, 1), fixed(lo, 1), fixed(hi, 1)),
        None => fixed(r.mean, 1),
    };
    let mut desc = "Chart of the average change in each score from baseline to follow-up, in points, with its 95% confidence interval drawn as an error bar; a dashed line marks no change.".to_owned();
    for r in &rows {
        let better = match r.o.direction {
            Direction::HigherIsBetter => "higher is better",
            Direction::LowerIsBetter => "lower is better",
        };
        w!(desc, " {} ({better}): {}.", r.o.label, summary(r));
    }
    if rows.len() < outcomes.len() {
        desc.push_str(" Scores with too few people are not drawn.");
    }
    desc.push_str(" The figures are also in the table above.");

    let mut out = String::new();
    open(&mut out, id, height, "Average change in scores from baseline to follow-up", &desc);
    for t in axis.ticks() {
        line(&mut out, (x(t), top), (x(t), plot_bottom), GRID, "");
        text(&mut out, x(t), plot_bottom + 20.0, "middle", &format!(r#" fill="{SECONDARY}""#), &axis.label(t));
    }
    line(&mut out, (x(0.0), top), (x(0.0), plot_bottom), TEXT, r#" stroke-width="1.5" stroke-dasharray="6 4""#);
    text(&mut out, WIDTH - 8.0, top - 12.0, "end", r#" font-weight="bold""#, "Change (95% CI)");
    for (i, r) in rows.iter().enumerate() {
        let cy = top + row * (i as f64 + 0.5) - 4.0;
        text(&mut out, left - 14.0, cy + 5.0, "end", "", &truncate(r.o.label, 32));
        let better = match r.o.direction {
            Direction::HigherIsBetter => "(higher is better)",
            Direction::LowerIsBetter => "(lower is better)",
        };
        text(&mut out, left - 14.0, cy + 21.0, "end", &format!(r#" font-size="12" fill="{SECONDARY}""#), better);
        if let Some((lo, hi)) = r.ci {
            let stroke = r#" stroke-width="2""#;
            line(&mut out, (x(lo), cy), (x(hi), cy), TEXT, stroke);
            line(&mut out, (x(lo), cy - 8.0), (x(lo), cy + 8.0), TEXT, stroke);
            line(&mut out, (x(hi), cy - 8.0), (x(hi), cy + 8.0), TEXT, stroke);
        }
        w!(out, r#"<rect x="{}" y="{}" width="12" height="12" fill="{BLUE}" stroke="{TEXT}" stroke-width="1.5"/>"#, c(x(r.mean) - 6.0), c(cy - 6.0));
        text(&mut out, WIDTH - 8.0, cy + 5.0, "end", "", &summary(r).replace("95% CI ", ""));
    }
    line(&mut out, (left, plot_bottom), (WIDTH - right, plot_bottom), SECONDARY, "");
    text(&mut out, left + (WIDTH - right - left) / 2.0, height - 8.0, "middle", "", "Mean change in points, with 95% confidence interval");
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axes() {
        let a = Axis::new(0.0, 23.0, 5.0, true);
        assert_eq!((a.lo, a.hi, a.step), (0.0, 25.0, 5.0));
        let a = Axis::new(0.0, 1.26, 5.0, false);
        assert_eq!(a.step, 0.5);
        assert_eq!(a.hi, 1.5);
        assert_eq!(a.label(0.5), "0.5");
        let a = Axis::new(-1.3, 6.2, 6.0, false);
        assert!(a.lo <= -1.3 && a.hi >= 6.2 && a.ticks().contains(&0.0), "{} {} {}", a.lo, a.hi, a.step);
    }

    #[test]
    fn truncates_long_names() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
