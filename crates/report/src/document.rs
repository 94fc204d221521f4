//! The annual report as a printed document: a cover (scope, period, date produced), a contents
//! list built from the sections actually rendered (so sections other modules add appear without
//! edits here), the sections, and a "How to reproduce" appendix with one command per figure
//! section. The same standalone HTML is the download and the source of the PDF.
//!
//! This is also where the sections are put in reading order: [`figures`] (every figure, for the
//! CSV, the JSON and the scorecards) and [`html_fragment`] (the report body for a page). Only
//! `lib.rs` and `figure_docs` import this module; sections never do.

use crate::primitives::format::escape as escape_text;
use crate::primitives::Figure;
use crate::sections::{comparison, custom_outcomes, equity, headline, health_system, sdoh, sroi, stakeholders, what_works, workforce};
use crate::Format;
use linkwork_domain::evaluation::{Period, Report};
use std::fmt::Write;
use time::Date;

/// Every figure in the report, in reading order, each with a unique, stable id.
pub fn figures(report: &Report) -> Vec<Figure> {
    let mut out = Vec::new();
    headline::reach_figures(report, &mut out);
    headline::waiting_figures(report, &mut out);
    headline::outcomes_figures(report, &mut out);
    headline::onward_figures(report, &mut out);
    stakeholders::figures(report, &mut out);
    equity::figures(report, &mut out);
    workforce::figures(report, &mut out);
    what_works::figures(report, &mut out);
    sdoh::figures(report, &mut out);
    custom_outcomes::figures(report, &mut out);
    health_system::figures(report, &mut out);
    comparison::figures(report, &mut out);
    sroi::figures(report, &mut out);
    // Last: scorecards are scored against every figure above.
    stakeholders::scorecard_figures(report, &mut out);
    out
}

/// The report body (sections from `h2` down), for embedding in a page that supplies the `h1`.
pub fn html_fragment(report: &Report, reproduce_command: &str) -> String {
    let mut out = String::from(r#"<div class="linkwork-report">"#);
    headline::summary_html(&mut out, report);
    headline::reach_html(&mut out, report);
    headline::waiting_html(&mut out, report);
    headline::outcomes_html(&mut out, report);
    headline::onward_html(&mut out, report);
    stakeholders::html(&mut out, report);
    equity::html(&mut out, report);
    workforce::html(&mut out, report);
    what_works::html(&mut out, report);
    sdoh::html(&mut out, report);
    custom_outcomes::html(&mut out, report);
    health_system::html(&mut out, report);
    comparison::html(&mut out, report);
    sroi::html(&mut out, report);
    stakeholders::scorecards_html(&mut out, report, &figures(report));
    stakeholders::evidence_html(&mut out, report);
    headline::notes_html(&mut out, report, reproduce_command);
    out.push_str("</div>");
    out
}

/// A complete, standalone HTML5 document of the report, readable on screen and when printed.
pub fn html_document(report: &Report, reproduce_command: &str) -> String {
    annual_report_document(report, reproduce_command, &DocumentMeta::default())
}

/// The page's own styles (NHS-like, print-friendly), inlined so the document stands alone.
pub(crate) const DOCUMENT_CSS: &str = "
body{margin:0;padding:1rem;font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.5;color:#212b32;background:#fff}
main{max-width:60rem;margin:0 auto}
h1,h2,h3{line-height:1.25;margin:0 0 1rem}
.nhsuk-heading-l{font-size:2rem}
.nhsuk-heading-m{font-size:1.5rem;margin-top:2.5rem;padding-top:1rem;border-top:1px solid #d8dde0}
.nhsuk-heading-s{font-size:1.1875rem;margin-top:2rem}
.nhsuk-lede-text{font-size:1.1875rem}
.nhsuk-body,.nhsuk-list{margin:0 0 1rem}
.nhsuk-list--bullet{padding-left:1.25rem}
.nhsuk-table{width:100%;border-collapse:collapse;margin:0 0 1.5rem;font-size:0.9375rem}
.nhsuk-table__caption{text-align:left;font-weight:bold;padding-bottom:0.5rem}
.nhsuk-table__header,.nhsuk-table__cell{text-align:left;vertical-align:top;padding:0.5rem 1rem 0.5rem 0;border-bottom:1px solid #d8dde0}
.nhsuk-table__head .nhsuk-table__header{border-bottom:2px solid #4c6272}
.nhsuk-table__header--numeric,.nhsuk-table__cell--numeric{text-align:right}
.nhsuk-summary-list{margin:0 0 1.5rem}
.nhsuk-summary-list__row{display:flex;flex-wrap:wrap;border-bottom:1px solid #d8dde0}
.nhsuk-summary-list__key,.nhsuk-summary-list__value{margin:0;padding:0.5rem 1rem 0.5rem 0}
.nhsuk-summary-list__key{flex:0 0 30%;font-weight:bold}
.nhsuk-summary-list__value{flex:1 1 20rem}
.nhsuk-inset-text{margin:1.5rem 0;padding:0.5rem 1rem;border-left:8px solid #005eb8}
.nhsuk-inset-text p{margin:0}
.nhsuk-u-visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
.linkwork-chart{margin:0 0 1.5rem;max-width:48rem}
.linkwork-chart svg{display:block;width:100%;height:auto}
code{font-family:Consolas,'Courier New',monospace;font-size:0.9375rem;background:#f0f4f5;padding:0.1em 0.25em;overflow-wrap:anywhere}
@media print{
body{padding:0;font-size:11pt}
main{max-width:none}
.nhsuk-heading-m,.nhsuk-heading-s{break-after:avoid}
.nhsuk-table,.linkwork-chart,.nhsuk-summary-list__row{break-inside:avoid}
code{background:none;padding:0}
}
";

/// What the document says about how it was produced; the report crate has no clock, so the
/// caller supplies the date.
#[derive(Debug, Clone, Default)]
pub struct DocumentMeta {
    /// The day the report was produced, printed on the cover.
    pub produced_on: Option<Date>,
    /// What kind of population the scope is, e.g. "GP practice", printed on the cover.
    pub scope_kind: Option<String>,
    /// The `--scope` argument that selects this scope again (none: the default scope).
    pub scope_argument: Option<String>,
}

/// The command that reproduces a report for `scope_argument` (or the default scope) and `period`.
/// The database is named by the `LINKWORK_DATABASE` variable so that no connection string (which
/// may hold a password) is ever written into a report.
pub fn reproduce_command_scoped(
    scope_argument: Option<&str>,
    period: Period,
    format: &str,
) -> String {
    let scope = scope_argument
        .map(|s| format!(" --scope {}", shell_word(s)))
        .unwrap_or_default();
    format!("linkwork report --database \"$LINKWORK_DATABASE\"{scope} --from {} --to {} --format {format} --out report.{format}", period.from, period.to)
}

/// `word` quoted for a POSIX shell unless it is plainly safe.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.' | '/'))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The `(id, heading)` of every `<h2 … id="…">` in `html`, in order: the report's sections.
pub fn section_headings(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<h2") {
        rest = &rest[start + 3..];
        let Some(tag_end) = rest.find('>') else { break };
        let attrs = &rest[..tag_end];
        let Some(close) = rest.find("</h2>") else {
            break;
        };
        let inner = &rest[tag_end + 1..close];
        if let Some(id_at) = attrs.find("id=\"") {
            let id = &attrs[id_at + 4..];
            if let Some(q) = id.find('"') {
                out.push((id[..q].to_owned(), strip_tags(inner)));
            }
        }
        rest = &rest[close..];
    }
    out
}

/// Text content of a heading (already escaped HTML), without any inner tags.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

fn date_long(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

/// The contents list for `fragment` (links to its sections), plus the appendix.
pub fn contents_html(fragment: &str) -> String {
    let mut out = String::from(
        r#"<nav class="lw-contents" aria-labelledby="lw-contents-heading"><h2 class="nhsuk-heading-m lw-contents__heading" id="lw-contents-heading">Contents</h2><ol class="nhsuk-list lw-contents__list">"#,
    );
    for (id, heading) in section_headings(fragment) {
        let _ = write!(out, r##"<li><a href="#{id}">{heading}</a></li>"##);
    }
    out.push_str(
        r##"<li><a href="#lw-report-reproduce">Appendix: how to reproduce</a></li></ol></nav>"##,
    );
    out
}

/// The appendix: one command per figure section, each selecting that section's figures from the
/// JSON output, so every published number can be traced back to the data.
pub fn reproduce_appendix(report: &Report, meta: &DocumentMeta) -> String {
    let mut sections: Vec<&'static str> = Vec::new();
    for f in figures(report) {
        if !sections.contains(&f.section) {
            sections.push(f.section);
        }
    }
    let base = reproduce_command_scoped(meta.scope_argument.as_deref(), report.period, "json");
    let base = base.trim_end_matches(" --out report.json");
    let mut out = String::from(
        r#"<section class="linkwork-report__section lw-appendix" aria-labelledby="lw-report-reproduce"><h2 class="nhsuk-heading-m" id="lw-report-reproduce">Appendix: how to reproduce</h2>"#,
    );
    out.push_str(r#"<p class="nhsuk-body">Set <code>LINKWORK_DATABASE</code> to the service's database, then run the command for a section. Each figure has a stable id; the definitions are in <code>docs/report-figures.md</code>.</p>"#);
    out.push_str(r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">Commands that recompute each section's figures</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th scope="col" class="nhsuk-table__header">Section</th><th scope="col" class="nhsuk-table__header">Command</th></tr></thead><tbody class="nhsuk-table__body">"#);
    for s in sections {
        let cmd = format!("{base} | jq '.figures[] | select(.section == \"{s}\")'");
        let _ = write!(
            out,
            r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th><td class="nhsuk-table__cell"><code>{}</code></td></tr>"#,
            escape_text(s),
            escape_text(&cmd)
        );
    }
    let all = reproduce_command_scoped(
        meta.scope_argument.as_deref(),
        report.period,
        Format::Html.name(),
    );
    let pdf = reproduce_command_scoped(meta.scope_argument.as_deref(), report.period, "pdf");
    let _ = write!(
        out,
        r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">Whole report (HTML)</th><td class="nhsuk-table__cell"><code>{}</code></td></tr><tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">Whole report (PDF)</th><td class="nhsuk-table__cell"><code>{}</code></td></tr></tbody></table></section>"#,
        escape_text(&all),
        escape_text(&pdf)
    );
    out
}

/// The complete standalone HTML document: cover, contents, sections, appendix.
pub fn annual_report_document(
    report: &Report,
    reproduce_command: &str,
    meta: &DocumentMeta,
) -> String {
    let scope = if report.scope.trim().is_empty() {
        "Social prescribing service".to_owned()
    } else {
        report.scope.clone()
    };
    let period = format!(
        "{} to {}",
        date_long(report.period.from),
        date_long(report.period.to)
    );
    let fragment = html_fragment(report, reproduce_command);
    let mut cover = String::new();
    let _ = write!(
        cover,
        r#"<header class="lw-cover"><p class="lw-cover__kicker">Social prescribing evaluation report</p><h1 class="nhsuk-heading-l">Evaluation report: {}</h1><p class="nhsuk-lede-text">{}</p><dl class="lw-cover__facts">"#,
        escape_text(&scope),
        escape_text(&period)
    );
    let mut fact = |k: &str, v: &str| {
        let _ = write!(
            cover,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            escape_text(k),
            escape_text(v)
        );
    };
    fact("Scope", &scope);
    if let Some(kind) = &meta.scope_kind {
        fact("Scope type", kind);
    }
    fact("Period", &period);
    if let Some(d) = meta.produced_on {
        fact("Produced", &date_long(d));
    }
    fact("Produced by", "Linkwork, from the service's own records");
    cover.push_str(r#"</dl><p class="nhsuk-body lw-cover__note">Small numbers are suppressed to protect people's privacy: counts of 1 to 7 show as *, other counts are rounded to the nearest 5.</p></header>"#);
    format!(
        r#"<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evaluation report: {scope_title}, {period_title} – Linkwork</title>
<style>{DOCUMENT_CSS}{PRINT_CSS}</style>
</head>
<body>
<main id="maincontent" class="linkwork-report-document">
{cover}
{contents}
{fragment}
{appendix}
</main>
</body>
</html>
"#,
        scope_title = escape_text(&scope),
        period_title = escape_text(&period),
        contents = contents_html(&fragment),
        appendix = reproduce_appendix(report, meta),
    )
}

/// Printed layout: A4, a cover page, each major section on a new page, page numbers in the
/// bottom margin (CSS `@page` margin boxes, which Chromium supports; its own header and footer
/// are turned off because they would print the temporary file's path).
const PRINT_CSS: &str = "
.lw-cover{margin:0 0 2rem;padding:1.5rem;border:2px solid #005eb8}
.lw-cover__kicker{margin:0 0 0.5rem;font-weight:bold;color:#005eb8;text-transform:uppercase;letter-spacing:0.05em}
.lw-cover__facts{margin:1rem 0}
.lw-cover__facts div{display:flex;gap:1rem;padding:0.25rem 0;border-bottom:1px solid #d8dde0}
.lw-cover__facts dt{flex:0 0 10rem;font-weight:bold}
.lw-cover__facts dd{margin:0}
.lw-contents__list{list-style:decimal;padding-left:1.5rem}
@page{size:A4;margin:18mm 16mm 20mm;@bottom-right{content:'Page ' counter(page) ' of ' counter(pages);font:9pt Arial,Helvetica,sans-serif;color:#4c6272}@bottom-left{content:'Linkwork evaluation report';font:9pt Arial,Helvetica,sans-serif;color:#4c6272}}
@page:first{@bottom-right{content:none}@bottom-left{content:none}}
@media print{
.lw-cover{border:none;padding:0;min-height:60vh}
.lw-contents{break-after:page}
.linkwork-report__section{break-before:page}
.linkwork-report__section .linkwork-report__section{break-before:auto}
a{color:inherit;text-decoration:none}
}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_section_headings_in_order() {
        let html = r#"<section><h2 class="nhsuk-heading-m" id="a">Reach &amp; rate</h2><h3>x</h3></section><h2>No id</h2><h2 id="b"><span>Waiting</span></h2>"#;
        assert_eq!(
            section_headings(html),
            vec![
                ("a".to_owned(), "Reach &amp; rate".to_owned()),
                ("b".to_owned(), "Waiting".to_owned())
            ]
        );
        assert!(section_headings("").is_empty());
        assert!(section_headings("<h2 id=\"x\">unclosed").is_empty());
    }

    #[test]
    fn reproduce_command_names_scope_and_quotes_unsafe_words() {
        let period = Period::new(
            time::macros::date!(2025 - 04 - 01),
            time::macros::date!(2026 - 03 - 31),
        )
        .unwrap();
        assert_eq!(
            reproduce_command_scoped(Some("practice:Y01001"), period, "pdf"),
            "linkwork report --database \"$LINKWORK_DATABASE\" --scope practice:Y01001 --from 2025-04-01 --to 2026-03-31 --format pdf --out report.pdf"
        );
        assert!(reproduce_command_scoped(Some("pcn:it's"), period, "csv")
            .contains("--scope 'pcn:it'\\''s'"));
        assert!(!reproduce_command_scoped(None, period, "csv").contains("--scope"));
    }
}
