//! Small trend lines for the dashboard tiles: one point per quarter, a gap where a value is
//! suppressed or missing, the last point marked and labelled. The SVG is `role="img"` with a
//! title listing every point, and [`trend_text`] gives the same in a sentence for the page.

use crate::primitives::format::{escape, fixed, with_unit};
use linkwork_domain::evaluation::disclosure::Shown;
use std::fmt::Write;

const WIDTH: f64 = 160.0;
const HEIGHT: f64 = 40.0;
const PAD: f64 = 4.0;

/// One point of a trend: its label (e.g. "Jan–Mar 2026") and value as published.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    pub label: String,
    pub value: Shown<f64>,
}

fn shown(v: &Shown<f64>, decimals: usize, unit: &str) -> String {
    match v {
        Shown::Value(x) => with_unit(&fixed(*x, decimals), unit),
        Shown::Suppressed => "suppressed".into(),
        Shown::NoData => "no data".into(),
    }
}

/// The trend in words, each value with its unit (see `with_unit`: `%`, `referrals`, `days`…):
/// "Apr–Jun 2025: 120 referrals; Jul–Sep 2025: suppressed; …".
pub fn trend_text(points: &[TrendPoint], decimals: usize, unit: &str) -> String {
    points
        .iter()
        .map(|p| format!("{}: {}", p.label, shown(&p.value, decimals, unit)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The sparkline SVG; empty when no point has a value. Its title lists every value with `unit`.
pub fn sparkline(id: &str, title: &str, points: &[TrendPoint], decimals: usize, unit: &str) -> String {
    let values: Vec<Option<f64>> = points.iter().map(|p| p.value.value().copied()).collect();
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    if present.is_empty() {
        return String::new();
    }
    let (mut lo, mut hi) = present
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if (hi - lo).abs() < f64::EPSILON {
        lo -= 1.0;
        hi += 1.0;
    }
    let step = if points.len() > 1 {
        (WIDTH - 2.0 * PAD) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| PAD + step * i as f64;
    let y = |v: f64| HEIGHT - PAD - (v - lo) / (hi - lo) * (HEIGHT - 2.0 * PAD);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="lw-sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{}: {}</title>"#,
        escape(title),
        escape(&trend_text(points, decimals, unit))
    );
    // Runs of consecutive values become separate polylines, so a gap shows as a gap.
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut String| {
        if run.len() > 1 {
            let _ = write!(
                out,
                r##"<polyline points="{}" fill="none" stroke="#005eb8" stroke-width="2"/>"##,
                run.join(" ")
            );
        }
        run.clear();
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push(format!("{:.1},{:.1}", x(i), y(*v))),
            None => flush(&mut run, &mut out),
        }
    }
    flush(&mut run, &mut out);
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            let r = if i + 1 == values.len() { 3.5 } else { 2.0 };
            let _ = write!(
                out,
                r##"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="#212b32"/>"##,
                x(i),
                y(*v)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(label: &str, v: Shown<f64>) -> TrendPoint {
        TrendPoint {
            label: label.into(),
            value: v,
        }
    }

    #[test]
    fn gaps_break_the_line_and_text_lists_every_point() {
        let points = [
            p("Q1", Shown::Value(10.0)),
            p("Q2", Shown::Value(20.0)),
            p("Q3", Shown::Suppressed),
            p("Q4", Shown::Value(15.0)),
            p("Q5", Shown::NoData),
        ];
        let svg = sparkline("t", "Referrals", &points, 0, "referrals");
        assert_eq!(
            svg.matches("<polyline").count(),
            1,
            "Q4 stands alone after the gap"
        );
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(
            svg.contains(r#"role="img""#)
                && svg.contains(
                    "Referrals: Q1: 10 referrals; Q2: 20 referrals; Q3: suppressed; Q4: 15 referrals; Q5: no data</title>"
                )
        );
        // The highest value is at the top, the lowest at the bottom.
        assert!(svg.contains(r#"points="4.0,36.0 42.0,4.0""#), "{svg}");
    }

    #[test]
    fn nothing_to_draw_gives_nothing_and_flat_lines_are_centred() {
        assert_eq!(sparkline("t", "x", &[p("Q1", Shown::Suppressed)], 0, "%"), "");
        assert_eq!(sparkline("t", "x", &[], 0, "%"), "");
        let svg = sparkline(
            "t",
            "x",
            &[p("Q1", Shown::Value(5.0)), p("Q2", Shown::Value(5.0))],
            1,
            "points",
        );
        assert!(svg.contains(r#"points="4.0,20.0 156.0,20.0""#), "{svg}");
    }
}
