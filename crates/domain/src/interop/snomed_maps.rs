//! A service's own SNOMED CT mappings, for what Linkwork has no confirmed national code for
//! (shared/product/interop.md): so Linkwork ships no mapping and invents none, and a service
//! enters the codes its ICB or clinical safety officer has confirmed.
//!
//! - [`SnomedNeedMap`]: which concepts are read as which need domain, when a referral's reasons
//!   come coded in SNOMED CT (UK Core, BaRS). Unmapped codes are read as words, and the needs they
//!   suggest are left to confirm. `linkwork settings snomed-needs`.
//! - [`SnomedScoreMap`]: which concept a questionnaire score is sent back to the GP record as,
//!   beside Linkwork's own score code. `linkwork settings snomed-scores`.
//!
//! The text forms, `key=value` parts separated by `;` or new lines (`1234567890=loneliness`,
//! `swemwbs_metric=1234567890`), are what is stored and what `--map` takes.

use crate::casework::need::NeedDomain;
use crate::{DomainError, Result};

/// A SNOMED CT concept id, well formed: 6 to 18 digits, no leading zero, a partition identifier
/// for a concept (`00` or `10` as its second and third digits from the right) and a valid
/// Verhoeff check digit. A well-formed id may still name no concept: the service confirms it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SnomedConceptId(String);

impl SnomedConceptId {
    pub fn parse(raw: &str) -> Result<Self> {
        let id = raw.trim();
        let problem = |why: &str| DomainError::invalid("snomed_code", format!("\"{id}\" is not a SNOMED CT concept id: {why}"));
        if !(6..=18).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(problem("it must be 6 to 18 digits"));
        }
        if id.starts_with('0') {
            return Err(problem("it cannot start with 0"));
        }
        let partition = &id[id.len() - 3..id.len() - 1];
        if partition != "00" && partition != "10" {
            return Err(problem("its partition (the 2nd and 3rd digits from the right) is not a concept's, 00 or 10"));
        }
        if !verhoeff_valid(id) {
            return Err(problem("its check digit is wrong (check it was copied whole)"));
        }
        Ok(Self(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Verhoeff check SNOMED CT identifiers carry in their last digit.
fn verhoeff_valid(digits: &str) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    for (i, b) in digits.bytes().rev().enumerate() {
        c = D[c as usize][P[i % 8][(b - b'0') as usize] as usize];
    }
    c == 0
}

/// What both mappings share: their text form, read whole and written back, and their size.
pub trait SnomedMapping: Default + Sized {
    /// Reads the text form; every problem is listed with the part it is about.
    fn parse(text: &str) -> std::result::Result<Self, Vec<DomainError>>;
    /// The text form, which [`SnomedMapping::parse`] reads back.
    fn to_text(&self) -> String;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads `left=right` parts: `;` or new lines between parts; `=`, a comma, a tab or spaces
/// between the sides, so two columns pasted from a spreadsheet work. `read` turns a part's two
/// sides into its pair or its problems; `left` names a pair's left side, which may be given once
/// only (`what` says what it is): a repeat is a problem, never a silent overwrite. `example` is a
/// part as it should be written.
fn read_parts<L: Ord, R: Ord>(
    text: &str,
    field: &'static str,
    example: &str,
    what: &str,
    read: impl Fn(&str, &str, &str) -> std::result::Result<(L, R), Vec<DomainError>>,
    left: impl Fn(&L) -> String,
) -> std::result::Result<Vec<(L, R)>, Vec<DomainError>> {
    let mut pairs: Vec<(L, R)> = Vec::new();
    let mut problems = Vec::new();
    for part in text.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((l, r)) = part.split_once(['=', ',', '\t', ' ']) else {
            problems.push(DomainError::invalid(field, format!("\"{part}\": write {example}")));
            continue;
        };
        match read(part, l.trim(), r.trim_matches(['=', ',', '\t', ' '])) {
            Ok(pair) if pairs.iter().any(|(seen, _)| *seen == pair.0) => problems.push(DomainError::invalid(field, format!("{} is given twice: give each {what} once", left(&pair.0)))),
            Ok(pair) => pairs.push(pair),
            Err(found) => problems.extend(found),
        }
    }
    if problems.is_empty() {
        pairs.sort();
        Ok(pairs)
    } else {
        Err(problems)
    }
}

/// A service's SNOMED CT → need-domain mapping: `code=need` parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnomedNeedMap(Vec<(SnomedConceptId, NeedDomain)>);

impl SnomedNeedMap {
    /// The need a SNOMED CT code is read as, if the service mapped it.
    pub fn need_of(&self, code: &str) -> Option<NeedDomain> {
        self.0.iter().find(|(c, _)| c.as_str() == code.trim()).map(|(_, need)| *need)
    }
}

impl SnomedMapping for SnomedNeedMap {
    fn parse(text: &str) -> std::result::Result<Self, Vec<DomainError>> {
        let read = |part: &str, code: &str, need: &str| {
            let (code, need) = (SnomedConceptId::parse(code), NeedDomain::parse(need));
            match (code, need) {
                (Ok(code), Ok(need)) => Ok((code, need)),
                (code, need) => Err(code.err().into_iter().chain(need.err().map(|_| {
                    let known = NeedDomain::ALL.iter().map(|n| n.code()).collect::<Vec<_>>().join(", ");
                    DomainError::invalid("snomed_needs", format!("\"{part}\": the need must be one of {known}"))
                })).collect()),
            }
        };
        read_parts(text, "snomed_needs", "a SNOMED CT code, then = and a need domain, like 1234567890=loneliness", "code", read, |c| c.as_str().to_owned()).map(Self)
    }

    fn to_text(&self) -> String {
        self.0.iter().map(|(c, n)| format!("{}={}", c.as_str(), n.code())).collect::<Vec<_>>().join(";")
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// A service's questionnaire-score → SNOMED CT mapping: `score_key=concept id` parts, the keys
/// the shipped questionnaires' stable score keys (`swemwbs_metric`, `ons4_anxious`, …).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnomedScoreMap(Vec<(&'static str, SnomedConceptId)>);

impl SnomedScoreMap {
    /// The concept a score is sent as, if the service mapped it.
    pub fn code_of(&self, score_key: &str) -> Option<&SnomedConceptId> {
        self.0.iter().find(|(k, _)| *k == score_key).map(|(_, c)| c)
    }
}

impl SnomedMapping for SnomedScoreMap {
    fn parse(text: &str) -> std::result::Result<Self, Vec<DomainError>> {
        let read = |part: &str, key: &str, code: &str| {
            let key = crate::measurement::instruments::score_definition(key).map(|(_, d)| d.key);
            match (key, SnomedConceptId::parse(code)) {
                (Some(key), Ok(code)) => Ok((key, code)),
                (key, code) => {
                    let unknown = key.is_none().then(|| DomainError::invalid("snomed_scores", format!("\"{part}\": the score key is not one of the questionnaires' (see /fhir/CodeSystem/score)")));
                    Err(unknown.into_iter().chain(code.err()).collect())
                }
            }
        };
        read_parts(text, "snomed_scores", "a score key, then = and a SNOMED CT concept id, like swemwbs_metric=1234567890", "score", read, |k: &&'static str| (*k).to_owned()).map(Self)
    }

    fn to_text(&self) -> String {
        self.0.iter().map(|(k, c)| format!("{k}={}", c.as_str())).collect::<Vec<_>>().join(";")
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_codes_are_well_formed_concept_ids() {
        for code in ["871731000000106", "871711000000103", "410606002", "390893007"] {
            assert!(SnomedConceptId::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn a_mistyped_or_malformed_id_is_refused_with_why() {
        let err = SnomedConceptId::parse("871731000000107").unwrap_err().to_string();
        assert!(err.contains("check digit"), "{err}");
        assert!(SnomedConceptId::parse("12345").unwrap_err().to_string().contains("6 to 18 digits"));
        assert!(SnomedConceptId::parse("871731000000116").is_err(), "a description's partition, not a concept's");
        assert!(SnomedConceptId::parse("0871731000").is_err());
    }

    #[test]
    fn a_map_reads_pasted_columns_and_refuses_a_code_given_twice() {
        let map = SnomedNeedMap::parse("871731000000106=loneliness\n410606002\tmoney").unwrap();
        assert_eq!(map.need_of("871731000000106"), Some(NeedDomain::Loneliness));
        assert_eq!(map.need_of("410606002"), Some(NeedDomain::MoneyDebtBenefits));
        assert_eq!(map.need_of("390893007"), None);
        assert_eq!(SnomedNeedMap::parse(&map.to_text()).unwrap(), map);
        let problems = SnomedNeedMap::parse("410606002=money;410606002=housing;abc=food;390893007=astrology").unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn a_score_map_names_real_score_keys_and_well_formed_ids() {
        // 999900001001: a well-formed test identifier, not a concept.
        let map = SnomedScoreMap::parse("swemwbs_metric=999900001001").unwrap();
        assert_eq!(map.code_of("swemwbs_metric").map(SnomedConceptId::as_str), Some("999900001001"));
        assert_eq!(map.code_of("ons4_anxious"), None);
        assert_eq!(SnomedScoreMap::parse(&map.to_text()).unwrap(), map);
        let problems = SnomedScoreMap::parse("wellbeing=999900001001;swemwbs_metric=999900001002").unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
