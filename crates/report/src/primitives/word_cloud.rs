//! The "what matters to people" word cloud as SVG: words placed along a spiral from the centre,
//! largest first, each where its box overlaps none placed before, so the same words always give
//! the same picture. Font size grows with the number of people who used the word. The picture is
//! `role="img"` with a title and description, and the same words and counts are in a table.

use crate::primitives::format::escape;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::word_cloud::WordCount;
use std::fmt::Write;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 360.0;
const MIN_SIZE: f64 = 14.0;
const MAX_SIZE: f64 = 44.0;
/// Width of an average character as a share of the font size (Arial, lowercase, generous).
const CHAR_WIDTH: f64 = 0.62;
const PAD: f64 = 4.0;

/// A word where the layout put it: the centre of its box, the box's size and the font size.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub word: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub font_size: f64,
}

impl Placed {
    fn overlaps(&self, other: &Placed) -> bool {
        (self.x - other.x).abs() * 2.0 < self.width + other.width + PAD
            && (self.y - other.y).abs() * 2.0 < self.height + other.height + PAD
    }

    fn inside(&self, width: f64, height: f64) -> bool {
        self.x - self.width / 2.0 >= 0.0
            && self.x + self.width / 2.0 <= width
            && self.y - self.height / 2.0 >= 0.0
            && self.y + self.height / 2.0 <= height
    }
}

/// Font size for `n` people when counts run from `low` to `high` (square root, so the biggest
/// word does not drown the rest).
fn font_size(n: u64, low: u64, high: u64) -> f64 {
    if high <= low {
        return (MIN_SIZE + MAX_SIZE) / 2.0;
    }
    let share = ((n.saturating_sub(low)) as f64 / (high - low) as f64).sqrt();
    MIN_SIZE + (MAX_SIZE - MIN_SIZE) * share
}

/// Places `words` (most used first) in a `width` × `height` box; words that do not fit are left
/// out of the picture (they stay in the table).
pub fn layout(words: &[(String, u64)], width: f64, height: f64) -> Vec<Placed> {
    let high = words.iter().map(|w| w.1).max().unwrap_or(0);
    let low = words.iter().map(|w| w.1).min().unwrap_or(0);
    let mut placed: Vec<Placed> = Vec::new();
    for (word, n) in words {
        let size = font_size(*n, low, high);
        let chars = word.chars().count() as f64;
        let mut candidate = Placed {
            word: word.clone(),
            x: width / 2.0,
            y: height / 2.0,
            width: chars * size * CHAR_WIDTH,
            height: size * 1.15,
            font_size: size,
        };
        // An Archimedean spiral, flattened to the box's shape; about 2,500 steps reach the corners.
        let mut step = 0u32;
        let found = loop {
            let t = f64::from(step) * 0.1;
            candidate.x = width / 2.0 + 3.0 * t * t.cos();
            candidate.y = height / 2.0 + 3.0 * t * t.sin() * (height / width);
            if candidate.inside(width, height) && !placed.iter().any(|p| p.overlaps(&candidate)) {
                break true;
            }
            step += 1;
            if step > 4000 {
                break false;
            }
        };
        if found {
            placed.push(candidate);
        }
    }
    placed
}

fn shown_count(s: &Shown<u64>) -> String {
    match s {
        Shown::Value(v) => v.to_string(),
        Shown::Suppressed => "*".into(),
        Shown::NoData => "–".into(),
    }
}

/// The word cloud figure: SVG, then the words and counts in a table inside `<details>`. With no
/// words, a sentence saying why there is no picture.
pub fn word_cloud_html(id: &str, words: &[WordCount], min_people: u64) -> String {
    let mut out = String::new();
    if words.is_empty() {
        let _ = write!(
            out,
            r#"<p class="nhsuk-body">No words can be shown yet: a word appears only when at least {min_people} different people have used it in their "what matters to you" conversation.</p>"#
        );
        return out;
    }
    let list: Vec<(String, u64)> = words.iter().map(|w| (w.word.clone(), w.people)).collect();
    let placed = layout(&list, WIDTH, HEIGHT);
    let top: Vec<&str> = words.iter().take(5).map(|w| w.word.as_str()).collect();
    let _ = write!(
        out,
        r##"<figure class="lw-word-cloud"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-family="Arial, Helvetica, sans-serif"><title id="{id}-title">What matters to people: the words they used most</title><desc id="{id}-desc">A word cloud of {} words; larger words were used by more people. The most used: {}. The table below lists every word with its count.</desc><rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##,
        words.len(),
        escape(&top.join(", "))
    );
    for (i, p) in placed.iter().enumerate() {
        let fill = if i % 2 == 0 { "#005eb8" } else { "#212b32" };
        let weight = if i < 3 { "bold" } else { "normal" };
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{:.1}" font-weight="{weight}" fill="{fill}" text-anchor="middle" dominant-baseline="central">{}</text>"#,
            p.x,
            p.y,
            p.font_size,
            escape(&p.word)
        );
    }
    out.push_str("</svg>");
    let _ = write!(
        out,
        r#"<figcaption class="nhsuk-body-s">Words used by at least {min_people} different people; names, numbers, postcodes and common words removed. Counts are rounded to the nearest 5.</figcaption></figure>"#
    );
    out.push_str(r#"<details class="nhsuk-details"><summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">The words and how many people used them</span></summary><div class="nhsuk-details__text">"#);
    out.push_str(r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">Words people used about what matters to them</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th scope="col" class="nhsuk-table__header">Word</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">People</th></tr></thead><tbody class="nhsuk-table__body">"#);
    for w in words {
        let _ = write!(
            out,
            r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td></tr>"#,
            escape(&w.word),
            shown_count(&w.shown)
        );
    }
    out.push_str("</tbody></table></div></details>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_domain::evaluation::disclosure::SuppressionPolicy;

    fn words(n: usize) -> Vec<(String, u64)> {
        let vocab = [
            "friends",
            "garden",
            "walking",
            "money",
            "housing",
            "confidence",
            "family",
            "music",
            "cooking",
            "volunteering",
            "exercise",
            "church",
        ];
        (0..n)
            .map(|i| {
                (
                    format!(
                        "{}{}",
                        vocab[i % vocab.len()],
                        if i >= vocab.len() {
                            i.to_string()
                        } else {
                            String::new()
                        }
                    ),
                    60 - i as u64,
                )
            })
            .collect()
    }

    #[test]
    fn no_two_boxes_overlap_and_all_stay_inside() {
        for n in [1, 2, 12, 40] {
            let placed = layout(&words(n), WIDTH, HEIGHT);
            assert!(!placed.is_empty());
            for (i, a) in placed.iter().enumerate() {
                assert!(a.inside(WIDTH, HEIGHT), "{} is outside", a.word);
                for b in &placed[i + 1..] {
                    assert!(!a.overlaps(b), "{} overlaps {}", a.word, b.word);
                }
            }
        }
        assert!(layout(&[], WIDTH, HEIGHT).is_empty());
    }

    #[test]
    fn layout_is_deterministic_and_sizes_follow_counts() {
        let a = layout(&words(12), WIDTH, HEIGHT);
        assert_eq!(a, layout(&words(12), WIDTH, HEIGHT));
        assert_eq!(
            a[0].font_size, MAX_SIZE,
            "the most used word is the largest"
        );
        assert_eq!(
            (a[0].x, a[0].y),
            (WIDTH / 2.0, HEIGHT / 2.0),
            "and sits in the middle"
        );
        assert!(a.windows(2).all(|w| w[0].font_size >= w[1].font_size));
        // One word, or all the same count: one middle size.
        assert_eq!(
            layout(&[("walk".into(), 9)], WIDTH, HEIGHT)[0].font_size,
            (MIN_SIZE + MAX_SIZE) / 2.0
        );
    }

    #[test]
    fn html_is_an_accessible_image_with_a_table() {
        let policy = SuppressionPolicy::default();
        let list = vec![
            WordCount {
                word: "friends".into(),
                people: 12,
                shown: policy.count(12),
            },
            WordCount {
                word: "<garden>".into(),
                people: 8,
                shown: policy.count(8),
            },
        ];
        let html = word_cloud_html("wc", &list, 8);
        assert!(html.contains(r#"role="img" aria-labelledby="wc-title wc-desc""#));
        assert!(html.contains(
            ">friends</th><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">10</td>"
        ));
        assert!(html.contains("&lt;garden&gt;") && !html.contains("<garden>"));
        assert!(word_cloud_html("wc", &[], 8).contains("at least 8 different people"));
    }
}
