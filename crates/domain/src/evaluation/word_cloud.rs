//! What people said matters to them, as anonymised word counts for the commissioner dashboard's
//! word cloud. Conversation text is personal, so only words that cannot point at anyone leave:
//! lowercase words of three letters or more, no stop words, no names of people in the scope, no
//! numbers or anything with a digit (dates, phone numbers, postcodes, house numbers), and only words
//! said by at least `k` distinct people (8 by default, matching the small-number threshold). The
//! counts published are then rounded by the [`SuppressionPolicy`].

use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The default least number of distinct people who must use a word before it is shown.
pub const DEFAULT_MIN_PEOPLE: u64 = 8;

/// One "what matters to you" answer and whose it is (any stable key for the person; never shown).
#[derive(Debug, Clone)]
pub struct Utterance {
    pub person_key: String,
    pub text: String,
}

/// A word and how many distinct people used it, as published.
#[derive(Debug, Clone, PartialEq)]
pub struct WordCount {
    pub word: String,
    /// Distinct people, before rounding (used only to size the word; never printed).
    pub people: u64,
    /// The count as published: rounded by the suppression policy.
    pub shown: Shown<u64>,
}

/// A small English stop-word list: function words and the filler of conversation that says
/// nothing about what matters.
pub const STOP_WORDS: &[&str] = &[
    // Filler of "what matters" answers that says nothing on its own.
    "able",
    "anything",
    "bit",
    "come",
    "day",
    "days",
    "enough",
    "everything",
    "feel",
    "feeling",
    "go",
    "going",
    "keep",
    "look",
    "properly",
    "reason",
    "someone",
    "something",
    "time",
    "used",
    "week",
    "weeks",
    "without",
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren't",
    "around",
    "as",
    "at",
    "back",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "got",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "know",
    "less",
    "like",
    "lot",
    "lots",
    "made",
    "make",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "need",
    "needs",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "really",
    "same",
    "say",
    "says",
    "see",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "shouldn't",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "thing",
    "things",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "want",
    "wants",
    "was",
    "wasn't",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "well",
    "were",
    "weren't",
    "what",
    "what's",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "won't",
    "would",
    "wouldn't",
    "yes",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// The words of `text`: split at anything that is not a letter, digit or apostrophe, lowercased,
/// with leading and trailing apostrophes removed and curly apostrophes made straight.
pub fn tokens(text: &str) -> Vec<String> {
    text.replace(['\u{2019}', '\u{2018}'], "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|t| t.trim_matches('\'').to_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether `word` may appear in the cloud at all (before the people threshold): three letters or
/// more, letters only (so no numbers, dates or postcode parts), not a stop word, not a name.
fn publishable(word: &str, names: &HashSet<String>) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 3
        && word.chars().all(|c| c.is_alphabetic() || c == '\'')
        && !STOP_WORDS.contains(&word)
        && !names.contains(word)
        && !names.contains(word.trim_end_matches("'s"))
}

/// Counts each word once per person, keeps words used by at least `min_people` distinct people,
/// and returns at most `max_words`, most used first (ties in alphabetical order, so the cloud is
/// the same every time). `names` are the given and family names of people in the scope.
pub fn count_words(
    utterances: &[Utterance],
    names: &[String],
    min_people: u64,
    max_words: usize,
    policy: &SuppressionPolicy,
) -> Vec<WordCount> {
    let names: HashSet<String> = names.iter().flat_map(|n| tokens(n)).collect();
    let mut people_by_word: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for u in utterances {
        for word in tokens(&u.text) {
            if publishable(&word, &names) {
                people_by_word
                    .entry(word)
                    .or_default()
                    .insert(u.person_key.as_str());
            }
        }
    }
    let threshold = min_people.max(1).max(policy.max_suppressed + 1);
    let mut out: Vec<WordCount> = people_by_word
        .into_iter()
        .map(|(word, people)| (word, people.len() as u64))
        .filter(|(_, n)| *n >= threshold)
        .map(|(word, people)| WordCount {
            shown: policy.count(people),
            word,
            people,
        })
        .collect();
    out.sort_by(|a, b| b.people.cmp(&a.people).then_with(|| a.word.cmp(&b.word)));
    out.truncate(max_words);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(person: usize, text: &str) -> Utterance {
        Utterance {
            person_key: format!("p{person}"),
            text: text.into(),
        }
    }

    #[test]
    fn tokens_are_lowercase_words() {
        assert_eq!(
            tokens("Getting OUT, of the house!  Walking—my dog’s walk"),
            ["getting", "out", "of", "the", "house", "walking", "my", "dog's", "walk"]
        );
        assert_eq!(tokens("  "), Vec::<String>::new());
        assert_eq!(
            tokens("'quoted' LS1 4AB 07700"),
            ["quoted", "ls1", "4ab", "07700"]
        );
    }

    #[test]
    fn words_need_k_distinct_people() {
        let policy = SuppressionPolicy::default();
        // "garden" from 8 people, "walking" from 7 people (said twice by one of them).
        let mut u: Vec<Utterance> = (0..8).map(|p| said(p, "My garden")).collect();
        u.extend((0..7).map(|p| said(p, "walking walking")));
        u.push(said(0, "walking again"));
        let words = count_words(&u, &[], 8, 50, &policy);
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].word, "garden");
        assert_eq!(words[0].people, 8);
        assert_eq!(words[0].shown, Shown::Value(10), "8 rounds to 10");
        // An empty input gives nothing.
        assert!(count_words(&[], &[], 8, 50, &policy).is_empty());
        // A lower k cannot go under the suppression threshold: 7 people stay hidden.
        assert_eq!(
            count_words(&u, &[], 1, 50, &policy)
                .iter()
                .map(|w| w.word.as_str())
                .collect::<Vec<_>>(),
            ["garden"]
        );
    }

    #[test]
    fn names_numbers_postcodes_and_stop_words_are_dropped() {
        let policy = SuppressionPolicy::default();
        let u: Vec<Utterance> = (0..9).map(|p| said(p, "Seeing Margaret and Margaret's dog at 10am, LS1 4AB, 07700 900123, in 2026 — friends")).collect();
        let words = count_words(&u, &["Margaret O'Brien".to_owned()], 8, 50, &policy);
        let list: Vec<&str> = words.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(list, ["dog", "friends", "seeing"]);
    }

    #[test]
    fn order_is_by_people_then_alphabetical_and_capped() {
        let policy = SuppressionPolicy::default();
        let mut u: Vec<Utterance> = (0..12).map(|p| said(p, "money")).collect();
        u.extend((0..9).map(|p| said(100 + p, "zebra apple")));
        let words = count_words(&u, &[], 8, 2, &policy);
        assert_eq!(
            words
                .iter()
                .map(|w| (w.word.as_str(), w.people))
                .collect::<Vec<_>>(),
            [("money", 12), ("apple", 9)]
        );
    }
}
