//! Tests of the rendered outputs, from a report computed by the real evaluation.

use super::*;
use linkwork_domain::evaluation::{evaluate, testing, EvaluationInput, EvaluationSettings, MeasureFacts, Period, ReferralFacts};
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::onward::OnwardStatus;
use std::collections::HashSet;
use time::macros::date;
use time::Date;

const SCRIPT_PRACTICE: &str = "<script>alert('x')</script> & Co";
const REPRODUCE: &str = "linkwork report --from 2026-04-01 --to 2027-03-31 --format json > out.json";

fn referral(id: String, practice: &str, on: Date, contact: Option<Date>) -> ReferralFacts {
    testing::referral(id, Some(practice), on).contacted_on(contact)
}

fn swemwbs(referral: &str, tp: Timepoint, on: Date, each: &str) -> MeasureFacts {
    testing::measure(referral, Instrument::Swemwbs, tp, on, each)
}

fn period() -> Period {
    testing::financial_year(2026)
}

/// 9 referrals from Oak Tree Surgery in May (shown as 10), 3 from a practice with a hostile name in
/// June (shown as *), none from a second "Oak Tree Surgery"; 8 people with paired SWEMWBS scores;
/// one partner with a suppressed cell.
fn input() -> EvaluationInput {
    let mut input = testing::input_for(&[("p1", "Oak Tree Surgery", 1000), ("p2", SCRIPT_PRACTICE, 500), ("p3", "Oak-Tree surgery", 12800)]);
    input.scope_name = "North & East PCN".into();
    for i in 0..9 {
        let id = format!("oak{i}");
        input.referrals.push(referral(id.clone(), "p1", date!(2026 - 05 - 04), Some(date!(2026 - 05 - 04) + time::Duration::days(i))));
        if i < 8 {
            input.measures.push(swemwbs(&id, Timepoint::Baseline, date!(2026 - 05 - 10), "3"));
            input.measures.push(swemwbs(&id, Timepoint::FollowUp, date!(2026 - 08 - 10), if i % 2 == 0 { "4" } else { "5" }));
        }
    }
    for i in 0..3 {
        input.referrals.push(referral(format!("s{i}"), "p2", date!(2026 - 06 - 15), None));
    }
    let mut add = |status: OnwardStatus, n: usize| {
        for _ in 0..n {
            input.onward.push(testing::onward("", "Walk & Talk <Club>", status, date!(2026 - 07 - 01)));
        }
    };
    add(OnwardStatus::Accepted, 20);
    add(OnwardStatus::Declined, 10);
    add(OnwardStatus::Sent, 2);
    input
}

pub(crate) fn report() -> Report {
    evaluate(&input(), period(), &EvaluationSettings::default())
}

fn figure<'a>(figures: &'a [Figure], id: &str) -> &'a Figure {
    figures.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no figure {id}"))
}

fn csv_rows(csv_text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

fn csv_value(rows: &[Vec<String>], id: &str) -> String {
    rows.iter().find(|r| r[0] == id).unwrap_or_else(|| panic!("no CSV row {id}"))[3].clone()
}

#[test]
fn csv_has_the_header_and_one_row_per_figure() {
    let r = report();
    let text = render(&r, Format::Csv, REPRODUCE).unwrap();
    assert!(text.starts_with("id,section,label,value,n,ci95_low,ci95_high,unit,definition,period,exclusions,scope\n"));
    let (header, rows) = csv_rows(&text);
    assert_eq!(header[..9], Figure::CSV_HEADER);
    assert_eq!(rows.len(), figures(&r).len());
    assert!(rows.iter().all(|row| row.len() == 12));
    // 12 referrals in the period round to 10; 9 from Oak Tree Surgery also round to 10.
    assert_eq!(csv_value(&rows, "reach.referrals"), "10");
    assert_eq!(csv_value(&rows, "reach.practice.oak_tree_surgery.referrals"), "10");
    assert_eq!(csv_value(&rows, "reach.list_size"), "14300");
    assert_eq!(csv_value(&rows, "reach.month.2026-05"), "10");
    assert_eq!(csv_value(&rows, "reach.month.2026-04"), "0");
    // A name with a comma, quotes and angle brackets survives the round trip through a CSV reader.
    let partner = rows.iter().find(|r| r[0] == "onward.walk_talk_club.sent").unwrap();
    assert_eq!(partner[2], "Walk & Talk <Club>: onward referrals sent");
    assert_eq!(to_csv(&r), text);
}

#[test]
fn a_suppressed_figure_is_a_star_in_csv_json_and_html() {
    let r = report();
    let id = "reach.practice.script_alert_x_script_co.referrals";
    let (_, rows) = csv_rows(&to_csv(&r));
    assert_eq!(csv_value(&rows, id), "*");
    assert_eq!(csv_value(&rows, "onward.walk_talk_club.awaiting"), "*");
    assert_eq!(csv_value(&rows, "onward.walk_talk_club.declined"), "*", "secondary suppression");

    let json = to_json(&r);
    assert_eq!(json["report"]["reach"]["by_practice"][1]["referrals"], "*");
    let fig = json["figures"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap();
    assert_eq!(fig["value"], "*");

    let html = html_fragment(&r, REPRODUCE);
    let name = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co</th>";
    let start = html.find(name).expect("escaped practice row");
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    assert!(row.contains(r#"<span aria-hidden="true">*</span><span class="nhsuk-u-visually-hidden">suppressed</span>"#), "{row}");
    assert!(!row.contains(">3<"), "the unrounded count must not leak: {row}");
}

#[test]
fn text_from_users_is_escaped_in_html() {
    let r = report();
    let doc = html_document(&r, "linkwork report --scope '<b>x</b>'");
    assert!(!doc.to_lowercase().contains("<script"), "unescaped script tag");
    assert!(!doc.contains("<Club>") && !doc.contains("<b>x"));
    assert!(doc.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"));
    assert!(doc.contains("Walk &amp; Talk &lt;Club&gt;"));
    assert!(doc.contains("North &amp; East PCN"));
    assert!(doc.contains("<code>linkwork report --scope &#39;&lt;b&gt;x&lt;/b&gt;&#39;</code>"));
}

#[test]
fn charts_are_labelled_images() {
    let html = html_fragment(&report(), REPRODUCE);
    assert_eq!(html.matches("<svg ").count(), 3, "months, practices and outcomes");
    for svg in html.split("<svg ").skip(1) {
        let open_tag = &svg[..svg.find('>').unwrap()];
        assert!(open_tag.contains(r#"role="img""#), "{open_tag}");
        let labelled_by = open_tag.split(r#"aria-labelledby=""#).nth(1).unwrap().split('"').next().unwrap();
        for id in labelled_by.split(' ') {
            assert!(svg.contains(&format!(r#"id="{id}""#)), "{id} is not in the chart");
        }
        assert!(svg[open_tag.len()..].starts_with(r#"><title id=""#), "title comes first");
        assert!(svg.contains("<desc id="));
    }
    // The practice chart's labels are escaped like the rest of the page.
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co</text>"));
}

#[test]
fn suppressed_months_get_no_bar() {
    let html = html_fragment(&report(), REPRODUCE);
    let start = html.find(r#"aria-labelledby="lw-chart-months-title"#).unwrap();
    let chart = &html[start..start + html[start..].find("</svg>").unwrap()];
    assert_eq!(chart.matches(r##"fill="#005eb8"/>"##).count(), 1, "only May has a bar");
    assert!(chart.contains(">*</text>"), "June is marked *");
    assert!(html.contains("Months marked * had between 1 and 7 referrals"));
}

#[test]
fn figure_ids_are_unique_and_stable() {
    let r = report();
    let figs = figures(&r);
    let mut seen = HashSet::new();
    for f in &figs {
        assert!(seen.insert(f.id.as_str()), "duplicate id {}", f.id);
        assert!(!f.definition.is_empty() && f.definition.ends_with('.'), "{} needs a one-sentence definition", f.id);
        assert!(f.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)), "{}", f.id);
        assert!(f.id.starts_with(f.section), "{}", f.id);
    }
    for id in [
        "reach.referrals",
        "reach.annual_rate_pct",
        "reach.practice.oak_tree_surgery.annual_rate_pct",
        "reach.practice.oak_tree_surgery_2.referrals",
        "reach.month.2026-04",
        "reach.month.2027-03",
        "reach.source.gp_practice",
        "reach.source.self",
        "reach.status.received",
        "waiting.n",
        "waiting.median_days",
        "waiting.mean_days",
        "waiting.still_waiting",
        "outcome.swemwbs_metric.n_paired",
        "outcome.swemwbs_metric.mean_baseline",
        "outcome.swemwbs_metric.mean_follow_up",
        "outcome.swemwbs_metric.pct_improved",
        "outcome.swemwbs_metric.pct_worsened",
        "outcome.swemwbs_metric.effect_size_dz",
        "outcome.swemwbs_metric.n_baseline_only",
        "outcome.ons4_anxious.mean_change",
        "onward.walk_talk_club.sent",
        "onward.walk_talk_club.accepted",
        "onward.walk_talk_club.declined",
        "onward.walk_talk_club.awaiting",
        "onward.walk_talk_club.acceptance_pct",
    ] {
        figure(&figs, id);
    }
    assert_eq!(figs.iter().filter(|f| f.id.starts_with("reach.month.")).count(), 12);

    let change = figure(&figs, "outcome.swemwbs_metric.mean_change");
    let o = r.outcomes.iter().find(|o| o.score_key == "swemwbs_metric").unwrap();
    assert_eq!(change.value, format!("{:.1}", o.mean_change.value().unwrap()));
    assert_eq!(change.n, "10");
    assert_eq!(change.ci95_low, format!("{:.1}", o.ci95_low.value().unwrap()));
    assert_eq!(change.ci95_high, format!("{:.1}", o.ci95_high.value().unwrap()));
    assert_ne!(change.ci95_low, change.ci95_high);
    assert_eq!(figure(&figs, "outcome.swemwbs_metric.pct_improved").value, "100.0");
    // Median of 0..=8 days is 4.
    assert_eq!(figure(&figs, "waiting.median_days").value, "4.0");
    assert_eq!(figure(&figs, "waiting.median_days").n, "10");
    // No ONS4 measures: no data, which is empty, not zero.
    assert_eq!(figure(&figs, "outcome.ons4_anxious.mean_change").value, "");
    // Its declined cell is suppressed (secondary), which the share would give back.
    assert_eq!(figure(&figs, "onward.walk_talk_club.acceptance_pct").value, "*");
    // Stable across runs.
    assert_eq!(figs, figures(&report()));
}

#[test]
fn json_round_trips() {
    let r = report();
    let text = render(&r, Format::Json, REPRODUCE).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut expected = to_json(&r);
    expected.as_object_mut().unwrap().insert("reproduce".into(), REPRODUCE.into());
    assert_eq!(parsed, expected);
    assert_eq!(parsed["reproduce"], REPRODUCE);
    assert_eq!(parsed["report"]["scope"], "North & East PCN");
    assert_eq!(parsed["report"]["reach"]["referrals"], 10);
    assert_eq!(parsed["figures"].as_array().unwrap().len(), figures(&r).len());
    assert_eq!(parsed["figures"][0]["id"], "reach.referrals");
    assert_eq!(parsed["figures"][0]["value"], "10");
}

#[test]
fn formats_parse_case_insensitively() {
    assert_eq!("JSON".parse::<Format>().unwrap(), Format::Json);
    assert_eq!(" csv ".parse::<Format>().unwrap(), Format::Csv);
    assert_eq!("Html".parse::<Format>().unwrap(), Format::Html);
    let err = "xml".parse::<Format>().unwrap_err().to_string();
    assert!(err.contains("xml") && err.contains("json, csv or html"), "{err}");
    assert!(render(&report(), Format::Html, REPRODUCE).unwrap().starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
}

#[test]
fn summary_reads_in_words() {
    let html = html_fragment(&report(), REPRODUCE);
    assert!(html.contains("1 April 2026 to 31 March 2027"));
    // 12 referrals over a list of 14,300 is about 0.08% a year.
    assert!(html.contains("0.1% of the registered list a year: below the target band of 0.8% to 1.2%"), "rate sentence");
    assert!(html.contains("14,300"));
    assert!(html.contains(">1,000</td>"), "list sizes over 999 get a comma");
    assert!(html.contains("Mental wellbeing (SWEMWBS), mean change"));
    assert!(html.contains("Suppression policy used for this report: Counts of 1 to 7 are shown as *; other counts are rounded to the nearest 5, and a percentage of people is worked out from the rounded counts"));
    assert!(html.contains("IIF guidance 2022/23"));
    assert!(html.contains("SWEMWBS (metric score): 3.0 points"));
}

#[test]
fn rate_within_and_above_the_band_are_worded() {
    let mut input = input();
    input.practices.truncate(1); // Oak Tree alone: 9 referrals, published as 10, / 1000 = 1.0% a year
    input.referrals.retain(|r| r.practice_id.as_deref() == Some("p1"));
    let html = html_fragment(&evaluate(&input, period(), &EvaluationSettings::default()), REPRODUCE);
    assert!(html.contains("1.0% of the registered list a year: within the target band"), "within");
    input.practices[0].list_size = 500;
    let html = html_fragment(&evaluate(&input, period(), &EvaluationSettings::default()), REPRODUCE);
    assert!(html.contains("2.0% of the registered list a year: above the target band"), "above");
    // The rate is of the published count (15 of 1,250 = 1.2008%): shown as 1.2, so "just above"
    // rather than a bare "above".
    input.practices[0].list_size = 1250;
    input.referrals.extend((0..6).map(|i| referral(format!("more{i}"), "p1", date!(2026 - 06 - 01), None)));
    let html = html_fragment(&evaluate(&input, period(), &EvaluationSettings::default()), REPRODUCE);
    assert!(html.contains("1.2% of the registered list a year: just above the target band"), "just above");
}

/// The HTML is well formed (every element closed in order), headings go h1 → h2 → h3 without
/// skipping, every table has a caption first and every header cell a scope, and ids are unique.
#[test]
fn html_is_well_formed_and_structured() {
    for report in [report(), evaluate(&EvaluationInput::default(), period(), &EvaluationSettings::default())] {
        let doc = html_document(&report, REPRODUCE);
        let mut stack: Vec<String> = Vec::new();
        let mut headings = Vec::new();
        let mut ids = HashSet::new();
        let mut rest = doc.as_str();
        while let Some(start) = rest.find('<') {
            let end = start + rest[start..].find('>').unwrap();
            let tag = &rest[start + 1..end];
            let after = &rest[end + 1..];
            rest = after;
            if tag.starts_with('!') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
                continue;
            }
            let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if let Some(id) = tag.split(" id=\"").nth(1) {
                let id = id.split('"').next().unwrap();
                assert!(ids.insert(id.to_owned()), "duplicate id {id}");
            }
            match name.as_str() {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => headings.push(name[1..].parse::<u8>().unwrap()),
                "th" => assert!(tag.contains("scope=\"col\"") || tag.contains("scope=\"row\""), "{tag}"),
                "table" => assert!(after.starts_with("<caption"), "table without a caption first"),
                _ => {}
            }
            if !(tag.ends_with('/') || name == "meta") {
                stack.push(name);
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        assert_eq!(headings[0], 1);
        assert!(headings.windows(2).all(|w| w[1] <= w[0] + 1), "{headings:?}");
        assert_eq!(headings.iter().filter(|h| **h == 1).count(), 1);
        // The fragment leaves the h1 to the page.
        assert!(!html_fragment(&report, REPRODUCE).contains("<h1"));
    }
}

#[test]
fn an_empty_report_renders_no_data_not_zero_or_a_panic() {
    let r = evaluate(&EvaluationInput::default(), period(), &EvaluationSettings::default());
    let html = html_document(&r, REPRODUCE);
    assert!(html.contains(r#"<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no data</span>"#));
    assert!(html.contains("No practices are in scope."));
    assert!(html.contains("No onward referrals were sent in the period."));
    assert!(html.contains("No score has enough people with a baseline and follow-up to chart."));
    let (_, rows) = csv_rows(&to_csv(&r));
    assert_eq!(csv_value(&rows, "reach.annual_rate_pct"), "");
    assert_eq!(csv_value(&rows, "waiting.median_days"), "");
    assert_eq!(csv_value(&rows, "reach.referrals"), "0");
    serde_json::from_str::<serde_json::Value>(&render(&r, Format::Json, "").unwrap()).unwrap();
}

#[test]
fn a_small_change_in_health_use_is_not_printed_as_nothing() {
    let mut r = report();
    let visits = r.health_system.by_type.iter_mut().find(|u| u.key == "gp_home_visit").unwrap();
    (visits.n, visits.change_per_person_year, visits.ci95_low, visits.ci95_high) = (linkwork_domain::evaluation::disclosure::Shown::Value(500), linkwork_domain::evaluation::disclosure::Shown::Value(-0.031), linkwork_domain::evaluation::disclosure::Shown::Value(-0.052), linkwork_domain::evaluation::disclosure::Shown::Value(-0.0104));
    let figures = crate::document::figures(&r);
    let change = figures.iter().find(|f| f.id.ends_with("gp_home_visit.per_person_year_change")).expect("the home visits' change");
    assert_eq!((change.value.as_str(), change.ci95_low.as_str(), change.ci95_high.as_str()), ("-0.031", "-0.052", "-0.010"));
    let html = html_fragment(&r, REPRODUCE);
    assert!(html.contains("-0.052 to -0.010"), "the interval in the table keeps its size");
}

#[test]
fn a_p_value_too_small_for_four_places_reads_as_below_them() {
    let mut r = report();
    let swemwbs = r.outcomes.iter_mut().find(|o| o.wilcoxon_p != linkwork_domain::evaluation::disclosure::Shown::NoData).expect("an outcome with a p-value");
    swemwbs.wilcoxon_p = linkwork_domain::evaluation::disclosure::Shown::Value(0.000_002);
    let figures = crate::document::figures(&r);
    let p = figures.iter().find(|f| f.id.ends_with(".wilcoxon_p") && f.value != "").expect("the p-value figure");
    assert_eq!(p.value, "< 0.0001");
    assert!(!html_fragment(&r, REPRODUCE).contains("0.0000<"));
}

#[test]
fn a_practice_report_says_why_it_has_no_caseload_per_wte() {
    let mut r = report();
    r.workforce.cases_of_one_practice = true;
    r.workforce.caseload_per_wte = linkwork_domain::evaluation::disclosure::Shown::NoData;
    let html = html_fragment(&r, REPRODUCE);
    assert!(html.contains("Not worked out for one practice: the link workers serve the whole PCN"), "{html}");
}

#[test]
fn outcomes_show_who_was_followed_up() {
    let r = report();
    let figures = crate::document::figures(&r);
    for suffix in ["pct_followed_up", "mean_baseline_not_followed_up", "mean_change_if_lost_unchanged"] {
        assert!(figures.iter().any(|f| f.id == format!("outcome.swemwbs_metric.{suffix}")), "no {suffix}");
    }
    let html = html_fragment(&r, REPRODUCE);
    assert!(html.contains("Who was followed up") && html.contains("Baseline mean, not followed up"), "{html}");
}

#[test]
fn what_works_says_which_groups_are_too_small_to_compare_and_how_many_were_compared() {
    let mut r = report();
    let group = r.what_works.by_source.first_mut().expect("a source group");
    (group.compared, group.mean_change, group.ci95_low, group.ci95_high) =
        (false, linkwork_domain::evaluation::disclosure::Shown::Value(4.0), linkwork_domain::evaluation::disclosure::Shown::NoData, linkwork_domain::evaluation::disclosure::Shown::NoData);
    let html = html_fragment(&r, REPRODUCE);
    assert!(html.contains("4.0 (too few to compare)"), "{html}");
    assert!(html.contains("compared here. With many comparisons some differences appear by chance alone"), "{html}");
}

#[test]
fn health_costs_are_associated_with_the_referral_and_frequent_attenders_regress_to_the_mean() {
    let html = html_fragment(&report(), REPRODUCE);
    assert!(html.contains("much of any fall is regression to the mean"), "{html}");
    assert!(!html.contains("is a saving"), "a fall in cost is not shown to be a saving");
    let figures = crate::document::figures(&report());
    let total = figures.iter().find(|f| f.id == "health.cost.total_change").expect("the total change in cost");
    assert!(total.definition.contains("associated with the referral"), "{}", total.definition);
}

#[test]
fn equity_says_whom_it_compares_with_and_that_list_shares_are_not_need() {
    let html = html_fragment(&report(), REPRODUCE);
    if report().equity.dimensions.is_empty() {
        return;
    }
    assert!(html.contains("a benchmark of the population, not of need"), "{html}");
    assert!(html.contains("Compared with the"), "{html}");
    assert!(html.contains("exact Poisson"), "{html}");
}
