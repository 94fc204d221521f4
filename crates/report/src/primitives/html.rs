//! HTML building blocks shared by every section: figures shown with a visible and spoken mark for
//! suppressed and missing values, section and sub-section headings, paragraphs, tables with
//! captions and scoped headers, and summary-list rows. Semantic and accessible (WCAG 2.2 AA):
//! headings in order from `h2` (the page supplies the `h1`). Every piece of text is escaped here
//! or by the caller (cells are HTML). Nothing here knows about a particular section.

use crate::primitives::format::{escape, SUPPRESSED};

/// A formatted figure as HTML: escaped, with thousands separators; `*` and missing figures get a
/// visible mark that screen readers hear as words.
pub(crate) fn shown(text: &str) -> String {
    match text {
        SUPPRESSED => r#"<span aria-hidden="true">*</span><span class="nhsuk-u-visually-hidden">suppressed</span>"#.to_owned(),
        "" => r#"<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no data</span>"#.to_owned(),
        other => escape(&group_thousands(other)),
    }
}

/// `12345.6` as `12,345.6`; anything that is not a plain number is left alone.
fn group_thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    if int.len() < 4 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return text.to_owned();
    }
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

pub(crate) fn section_start(out: &mut String, id: &str, heading: &str) {
    w!(out, r#"<section class="linkwork-report__section" aria-labelledby="{id}"><h2 class="nhsuk-heading-m" id="{id}">{}</h2>"#, escape(heading));
}

pub(crate) fn h3(out: &mut String, heading: &str) {
    w!(out, r#"<h3 class="nhsuk-heading-s">{}</h3>"#, escape(heading));
}

pub(crate) fn para(out: &mut String, html: &str) {
    w!(out, r#"<p class="nhsuk-body">{html}</p>"#);
}

/// A table whose first column holds row headers. `columns` are (heading, numeric); cells are HTML.
pub(crate) fn table(out: &mut String, caption: &str, columns: &[(&str, bool)], rows: &[(String, Vec<String>)]) {
    w!(out, r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">{}</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">"#, escape(caption));
    for (heading, numeric) in columns {
        let class = if *numeric { "nhsuk-table__header nhsuk-table__header--numeric" } else { "nhsuk-table__header" };
        w!(out, r#"<th scope="col" class="{class}">{}</th>"#, escape(heading));
    }
    out.push_str(r#"</tr></thead><tbody class="nhsuk-table__body">"#);
    for (header, cells) in rows {
        w!(out, r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{header}</th>"#);
        for (i, cell) in cells.iter().enumerate() {
            let numeric = columns.get(i + 1).is_some_and(|c| c.1);
            let class = if numeric { "nhsuk-table__cell nhsuk-table__cell--numeric" } else { "nhsuk-table__cell" };
            w!(out, r#"<td class="{class}">{cell}</td>"#);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

pub(crate) fn summary_row(out: &mut String, key: &str, value_html: &str) {
    w!(
        out,
        r#"<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{}</dt><dd class="nhsuk-summary-list__value">{value_html}</dd></div>"#,
        escape(key)
    );
}
