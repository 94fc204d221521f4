//! The bundle's layout as data: every file, every column, its type, allowed values and an example.
//! One description drives the validator, the exporter's headers, the storage
//! mapping and `docs/bundle.md` (a test renders [`markdown`] and compares), so they cannot drift.

use crate::access::{OrgKind, Role};
use crate::casework::contact::ContactMode;
use crate::casework::need::NeedDomain;
use crate::casework::plan::GoalStatus;
use crate::casework::referral::{DeclineReason, DischargeReason, ReferralSource, ReferralStatus};
use crate::directory::ServiceStatus;
use crate::evaluation::equity::{AgeBand, Dimension};
use crate::evaluation::health_system::{ContactType, CostItem};
use crate::evaluation::resolution::NeedResolution;
use crate::evaluation::stakeholders::evidence::{ConsentGivenBy, ConsentUse, EvidenceKind, OutcomeDomain};
use crate::evaluation::stakeholders::scorecard::{Comparison, StakeholderKind};
use crate::measurement::instruments::{Instrument, Timepoint};
use crate::onward::{OnwardDeclineReason, OnwardStatus};
use crate::person::{Ethnicity, Sex};

/// What a column holds, and so how it is checked.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// The row's own reference: unique in its file, any text up to 100 characters.
    Key,
    /// A reference to the key of a row in another file (or this one).
    Ref(&'static str),
    /// Free text up to this many characters.
    Text(usize),
    /// `YYYY-MM-DD`, not after today (something that happened).
    Date,
    /// `YYYY-MM-DD`, any day (something planned, like a review).
    PlannedDate,
    /// A whole number in this range.
    Int(i64, i64),
    /// A decimal number in this range.
    Decimal(f64, f64),
    /// `true` or `false` (also `yes`/`no`, `1`/`0`).
    Bool,
    /// One of a fixed list of codes.
    Code(fn() -> Vec<&'static str>),
    /// Several codes from a fixed list, separated by `;`.
    Codes(fn() -> Vec<&'static str>),
    /// A 10-digit NHS number with a valid check digit (spaces allowed).
    NhsNumber,
    /// A full UK postcode.
    Postcode,
    /// The answers to a questionnaire's items in order, separated by `;` (checked against the
    /// row's `instrument`).
    Answers,
    /// A questionnaire's scores in the order it defines them, separated by `;` (checked against
    /// the row's `instrument`), for history that kept no item answers.
    Scores,
}

/// The database type a column is stored as (so a missing value can be bound with its type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    Text,
    Int,
    Float,
    Bool,
    Date,
}

impl Kind {
    pub fn sql_type(self) -> SqlType {
        match self {
            Kind::Date | Kind::PlannedDate => SqlType::Date,
            Kind::Int(..) => SqlType::Int,
            Kind::Decimal(..) => SqlType::Float,
            Kind::Bool => SqlType::Bool,
            _ => SqlType::Text,
        }
    }

    /// The type and allowed values in words, for the documentation and for error messages.
    pub fn describe(self) -> String {
        match self {
            Kind::Key => "text, unique in this file (up to 100 characters)".into(),
            Kind::Ref(file) => format!("reference to a row of `{file}`"),
            Kind::Text(max) => format!("text (up to {max} characters)"),
            Kind::Date => "date, `YYYY-MM-DD`, not in the future".into(),
            Kind::PlannedDate => "date, `YYYY-MM-DD`".into(),
            Kind::Int(lo, hi) => format!("whole number, {lo} to {hi}"),
            Kind::Decimal(lo, hi) => format!("number, {lo} to {hi}"),
            Kind::Bool => "`true` or `false`".into(),
            Kind::Code(codes) => format!("one of: {}", quoted(&codes())),
            Kind::Codes(codes) => format!("codes separated by `;`, each one of: {}", quoted(&codes())),
            Kind::NhsNumber => "NHS number, 10 digits with a valid check digit".into(),
            Kind::Postcode => "full UK postcode".into(),
            Kind::Answers => "item answers in order, separated by `;`, each in the questionnaire's range".into(),
            Kind::Scores => {
                let each: Vec<String> = crate::measurement::instruments::Instrument::ALL
                    .iter()
                    .map(|i| format!("`{}`: {}", i.code(), i.scores().iter().map(|s| format!("{} ({}–{})", s.label, s.min, s.max)).collect::<Vec<_>>().join("; ")))
                    .collect();
                format!("score values in the questionnaire's order, separated by `;`, each in its range. {}", each.join(". "))
            }
        }
    }
}

fn quoted(codes: &[&str]) -> String {
    codes.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
}

/// One column of a file.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub description: &'static str,
    pub example: &'static str,
}

/// One file of the bundle.
#[derive(Debug, Clone, Copy)]
pub struct FileSpec {
    pub name: &'static str,
    pub description: &'static str,
    /// Whether the bundle must contain this file (others may be left out when a service has no such data).
    pub required: bool,
    pub columns: &'static [ColumnSpec],
}

impl FileSpec {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The header row, in the documented order.
    pub fn header(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }
}

/// Every file, in the order they are imported (a file only refers to files before it, or itself).
pub fn files() -> &'static [FileSpec] {
    FILES
}

/// The file named `name`, e.g. `people.csv`.
pub fn file(name: &str) -> Option<&'static FileSpec> {
    FILES.iter().find(|f| f.name == name)
}

macro_rules! codes {
    ($ty:ty) => {{
        fn codes() -> Vec<&'static str> {
            <$ty>::ALL.iter().map(|c| c.code()).collect()
        }
        codes
    }};
}

const fn col(name: &'static str, kind: Kind, required: bool, description: &'static str, example: &'static str) -> ColumnSpec {
    ColumnSpec { name, kind, required, description, example }
}

fn cost_items() -> Vec<&'static str> {
    CostItem::all().into_iter().map(CostItem::code).collect()
}

fn identified_at() -> Vec<&'static str> {
    vec!["referral", "conversation"]
}

const FILES: &[FileSpec] = &[
    FileSpec {
        name: "organisations.csv",
        description: "The ICB, the social prescribing services (PCNs), their GP practices with list sizes, and the VCSE organisations people are referred on to. An organisation with an ODS code that is already in the database is the same organisation.",
        required: true,
        columns: &[
            col("org_ref", Kind::Key, true, "The organisation's reference in this bundle.", "pcn-1"),
            col("kind", Kind::Code(codes!(OrgKind)), true, "What kind of organisation it is.", "pcn"),
            col("name", Kind::Text(200), true, "Its name.", "Riverside Central PCN"),
            col("ods_code", Kind::Text(12), false, "Its ODS code (ICBs, PCNs and practices).", "U12345"),
            col("parent_ref", Kind::Ref("organisations.csv"), false, "The organisation it belongs to: a practice's PCN, a PCN's ICB. Parents come before their children in the file.", "icb-1"),
            col("list_size", Kind::Int(0, 2_000_000), false, "A practice's registered list size.", "9800"),
        ],
    },
    FileSpec {
        name: "staff.csv",
        description: "Link workers and other staff named in the records. Imported staff cannot sign in until an administrator sets them a password.",
        required: false,
        columns: &[
            col("staff_ref", Kind::Key, true, "The person's reference in this bundle.", "lw-1"),
            col("org_ref", Kind::Ref("organisations.csv"), true, "The organisation they work for.", "pcn-1"),
            col("name", Kind::Text(200), true, "Their name as shown in Linkwork.", "Sam Okafor"),
            col("email", Kind::Text(254), true, "Their work e-mail address (their sign-in name).", "sam.okafor@nhs.net"),
            col("role", Kind::Code(codes!(Role)), true, "Their role in Linkwork.", "link_worker"),
            col("wte", Kind::Decimal(0.0, 1.5), false, "Whole-time equivalent, for caseload per WTE.", "0.8"),
        ],
    },
    FileSpec {
        name: "services.csv",
        description: "Community services people were referred on to (the directory's services).",
        required: false,
        columns: &[
            col("service_ref", Kind::Key, true, "The service's reference in this bundle.", "svc-walk"),
            col("org_ref", Kind::Ref("organisations.csv"), true, "The VCSE organisation that runs it.", "vcse-1"),
            col("name", Kind::Text(200), true, "The service's name.", "Riverside Walking Group"),
            col("description", Kind::Text(4000), false, "What it offers.", "Weekly led walks for all abilities"),
            col("status", Kind::Code(codes!(ServiceStatus)), false, "Whether it is running (default active).", "active"),
            col("postcode", Kind::Postcode, false, "Where it meets.", "LS1 4AP"),
            col("needs", Kind::Codes(codes!(NeedDomain)), false, "The needs it can meet.", "loneliness;physical_activity"),
        ],
    },
    FileSpec {
        name: "people.csv",
        description: "The people referred. In a pseudonymised bundle the NHS number is a keyed hash, the names and postcode are empty, the date of birth is the first of July of the birth year, and only `lsoa`/`imd_decile` say where they live.",
        required: true,
        columns: &[
            col("person_ref", Kind::Key, true, "The person's reference in this bundle.", "p-1"),
            col("service_ref", Kind::Ref("organisations.csv"), true, "The social prescribing service (PCN) whose record this is.", "pcn-1"),
            col("nhs_number", Kind::NhsNumber, true, "Their NHS number.", "943 476 5919"),
            col("given_name", Kind::Text(100), false, "Given name (required unless pseudonymised).", "Ann"),
            col("family_name", Kind::Text(100), false, "Family name (required unless pseudonymised).", "Smith"),
            col("date_of_birth", Kind::Date, true, "Date of birth.", "1952-03-14"),
            col("sex", Kind::Code(codes!(Sex)), true, "Sex as recorded (NHS data dictionary codes).", "2"),
            col("ethnicity", Kind::Code(codes!(Ethnicity)), true, "Ethnic category (NHS data dictionary codes; Z not stated).", "A"),
            col("postcode", Kind::Postcode, false, "Home postcode (required unless pseudonymised).", "LS1 4AP"),
            col("practice_ref", Kind::Ref("organisations.csv"), false, "Their GP practice.", "prac-1"),
            col("lsoa", Kind::Text(9), false, "The 2011 LSOA of their postcode, written on export where the postcode lookup is loaded. Read on import only for people without a postcode (a pseudonymised bundle), so equity by deprivation survives pseudonymisation.", "E01011365"),
            col("imd_decile", Kind::Int(1, 10), false, "That LSOA's IMD 2019 decile, 1 = most deprived (as `lsoa`).", "3"),
        ],
    },
    FileSpec {
        name: "referrals.csv",
        description: "Each referral to the service, with its lifecycle dates and reasons. Dates must be in order: referred, then accepted or declined, then discharged.",
        required: true,
        columns: &[
            col("referral_ref", Kind::Key, true, "The referral's reference in this bundle.", "r-1"),
            col("person_ref", Kind::Ref("people.csv"), true, "Who was referred.", "p-1"),
            col("practice_ref", Kind::Ref("organisations.csv"), false, "The referring or registered practice.", "prac-1"),
            col("source", Kind::Code(codes!(ReferralSource)), true, "Who referred.", "gp_practice"),
            col("referrer_name", Kind::Text(200), false, "The referrer's name or team.", "Dr A Patel"),
            col("reason", Kind::Text(4000), false, "Why they were referred, in the referrer's words.", "Recently bereaved, isolated"),
            col("referred_on", Kind::Date, true, "The day the referral was received.", "2025-04-02"),
            col("status", Kind::Code(codes!(ReferralStatus)), true, "Where it is now.", "discharged"),
            col("worker_ref", Kind::Ref("staff.csv"), false, "The link worker assigned.", "lw-1"),
            col("accepted_on", Kind::Date, false, "When it was accepted (required when accepted or discharged).", "2025-04-05"),
            col("declined_on", Kind::Date, false, "When it was declined (required when declined).", ""),
            col("decline_reason", Kind::Code(codes!(DeclineReason)), false, "Why it was declined.", ""),
            col("discharged_on", Kind::Date, false, "When the person was discharged (required when discharged).", "2025-08-20"),
            col("discharge_reason", Kind::Code(codes!(DischargeReason)), false, "Why they were discharged.", "goals_met"),
            col("discharge_summary", Kind::Text(4000), false, "The discharge summary.", "Walking weekly, debts in hand"),
        ],
    },
    FileSpec {
        name: "referral_needs.csv",
        description: "The need domains identified for each referral, at referral or in the \"what matters to you\" conversation.",
        required: false,
        columns: &[
            col("referral_ref", Kind::Ref("referrals.csv"), true, "The referral.", "r-1"),
            col("need", Kind::Code(codes!(NeedDomain)), true, "The need domain.", "loneliness"),
            col("identified_at", Kind::Code(identified_at), true, "When it was identified.", "referral"),
        ],
    },
    FileSpec {
        name: "conversations.csv",
        description: "\"What matters to you\" conversations.",
        required: false,
        columns: &[
            col("conversation_ref", Kind::Key, true, "The conversation's reference in this bundle.", "c-1"),
            col("referral_ref", Kind::Ref("referrals.csv"), true, "The referral.", "r-1"),
            col("held_on", Kind::Date, true, "When it was held.", "2025-04-09"),
            col("what_matters", Kind::Text(4000), true, "What matters to the person, in their words.", "Getting out of the house again"),
            col("worker_ref", Kind::Ref("staff.csv"), false, "Who held it.", "lw-1"),
        ],
    },
    FileSpec {
        name: "goals.csv",
        description: "Goals of each person's plan.",
        required: false,
        columns: &[
            col("goal_ref", Kind::Key, true, "The goal's reference in this bundle.", "g-1"),
            col("referral_ref", Kind::Ref("referrals.csv"), true, "The referral.", "r-1"),
            col("description", Kind::Text(1000), true, "The goal in the person's words.", "Join a walking group"),
            col("status", Kind::Code(codes!(GoalStatus)), true, "Where it is now.", "achieved"),
            col("agreed_on", Kind::Date, true, "When it was agreed.", "2025-04-09"),
            col("review_on", Kind::PlannedDate, false, "When it is to be reviewed.", "2025-05-09"),
        ],
    },
    FileSpec {
        name: "contacts.csv",
        description: "Contacts between the link worker and the person.",
        required: false,
        columns: &[
            col("contact_ref", Kind::Key, true, "The contact's reference in this bundle.", "k-1"),
            col("referral_ref", Kind::Ref("referrals.csv"), true, "The referral.", "r-1"),
            col("contact_on", Kind::Date, true, "When.", "2025-04-09"),
            col("mode", Kind::Code(codes!(ContactMode)), true, "How.", "face_to_face"),
            col("minutes", Kind::Int(0, 600), true, "How long, in minutes.", "45"),
            col("accompanied", Kind::Bool, true, "Whether the link worker went along with the person.", "false"),
            col("worker_ref", Kind::Ref("staff.csv"), false, "Who.", "lw-1"),
            col("notes", Kind::Text(4000), false, "Notes.", "Met at the library"),
        ],
    },
    FileSpec {
        name: "measures.csv",
        description: "Outcome questionnaires, with every item's answer (`answers`) or, for history from a system that kept only totals, every score (`scores`): exactly one of the two. Answers use the questionnaire's own scale (ONS4 0–10, SWEMWBS 1–5, ...).",
        required: false,
        columns: &[
            col("measure_ref", Kind::Key, true, "The measure's reference in this bundle.", "m-1"),
            col("referral_ref", Kind::Ref("referrals.csv"), true, "The referral.", "r-1"),
            col("instrument", Kind::Code(codes!(Instrument)), true, "The questionnaire.", "swemwbs"),
            col("timepoint", Kind::Code(codes!(Timepoint)), true, "When in the journey it was taken.", "baseline"),
            col("taken_on", Kind::Date, true, "The day it was taken.", "2025-04-09"),
            col("answers", Kind::Answers, false, "The item answers, in item order (leave empty when only `scores` are known).", "3;3;2;3;4;3;2"),
            col("scores", Kind::Scores, false, "Only when the item answers are not known: the questionnaire's scores as Linkwork defines them (SWEMWBS: the metric score after the conversion table, not the raw total).", ""),
        ],
    },
    FileSpec {
        name: "onward_referrals.csv",
        description: "Onward referrals to community services; their lifecycle is in onward_events.csv.",
        required: false,
        columns: &[
            col("onward_ref", Kind::Key, true, "The onward referral's reference in this bundle.", "o-1"),
            col("referral_ref", Kind::Ref("referrals.csv"), true, "The referral it is part of.", "r-1"),
            col("service_ref", Kind::Ref("services.csv"), true, "The service referred to.", "svc-walk"),
            col("sent_on", Kind::Date, true, "When it was sent.", "2025-04-12"),
            col("status", Kind::Code(codes!(OnwardStatus)), true, "Where it is now.", "completed"),
            col("decline_reason", Kind::Code(codes!(OnwardDeclineReason)), false, "Why the service declined.", ""),
            col("note", Kind::Text(2000), false, "The note sent with it.", "Prefers mornings"),
        ],
    },
    FileSpec {
        name: "onward_events.csv",
        description: "Each status change of an onward referral, oldest first (the first is to `sent`).",
        required: false,
        columns: &[
            col("onward_ref", Kind::Ref("onward_referrals.csv"), true, "The onward referral.", "o-1"),
            col("from_status", Kind::Code(codes!(OnwardStatus)), false, "The status it moved from (empty for the first, `sent`).", "sent"),
            col("to_status", Kind::Code(codes!(OnwardStatus)), true, "The status it moved to.", "accepted"),
            col("happened_on", Kind::Date, true, "When.", "2025-04-14"),
            col("reason", Kind::Code(codes!(OnwardDeclineReason)), false, "The decline reason, with `declined`.", ""),
        ],
    },
    FileSpec {
        name: "need_resolutions.csv",
        description: "What happened with each need of a discharged referral (the social determinants outcome).",
        required: false,
        columns: &[
            col("referral_ref", Kind::Ref("referrals.csv"), true, "The referral.", "r-1"),
            col("need", Kind::Code(codes!(NeedDomain)), true, "The need domain.", "loneliness"),
            col("resolution", Kind::Code(codes!(NeedResolution)), true, "What happened with it by discharge.", "resolved"),
        ],
    },
    FileSpec {
        name: "custom_instruments.csv",
        description: "Questionnaires a service defined itself (items, answers, scoring, threshold). The definition is the JSON document Linkwork stores; it is checked as when a manager saves it. Rows keep their order.",
        required: false,
        columns: &[
            col("instrument_ref", Kind::Key, true, "The questionnaire's reference in this bundle.", "ci-1"),
            col("service_ref", Kind::Ref("organisations.csv"), true, "The service (PCN) that defined it.", "pcn-1"),
            col("code", Kind::Text(40), true, "Its code, unique in the database (stored with each answer set).", "riverside_confidence"),
            col("definition", Kind::Text(100_000), true, "The definition as JSON (as written by `linkwork export bundle`).", "{\"name\":\"Confidence\",...}"),
        ],
    },
    FileSpec {
        name: "custom_measures.csv",
        description: "Answers to a service's own questionnaires, checked against the questionnaire's definition.",
        required: false,
        columns: &[
            col("measure_ref", Kind::Key, true, "The answer set's reference in this bundle.", "cm-1"),
            col("referral_ref", Kind::Ref("referrals.csv"), true, "The referral.", "r-1"),
            col("instrument_ref", Kind::Ref("custom_instruments.csv"), true, "The questionnaire.", "ci-1"),
            col("timepoint", Kind::Code(codes!(Timepoint)), true, "When in the journey it was taken.", "baseline"),
            col("taken_on", Kind::Date, true, "The day it was taken.", "2025-04-09"),
            col("answers", Kind::Text(2000), true, "The item answers in item order, separated by `;`, each one the questionnaire allows.", "2;3;1"),
        ],
    },
    FileSpec {
        name: "health_activity.csv",
        description: "Health-system contacts of the people referred (from GP-system and hospital extracts), one row per contact. `occurrence` numbers identical rows (1 for the first, 2 for the second …) so a contact is never counted twice.",
        required: false,
        columns: &[
            col("person_ref", Kind::Ref("people.csv"), true, "Whose contact it was.", "p-1"),
            col("contact_on", Kind::Date, true, "When.", "2025-01-14"),
            col("contact_type", Kind::Code(codes!(ContactType)), true, "What kind of contact.", "gp_surgery"),
            col("bed_days", Kind::Int(0, 3650), false, "Days in hospital (non-elective admissions only).", ""),
            col("source", Kind::Text(100), false, "The system or extract it came from.", "EMIS extract 2025-06"),
            col("occurrence", Kind::Int(1, 1_000_000), true, "1 for the first identical row, 2 for the second, ...", "1"),
        ],
    },
    FileSpec {
        name: "comparison_people.csv",
        description: "The comparison group: registered patients of the service's practices who were not referred, from a pseudonymised GP-system extract, so the evaluation can compare the change in health-system use of people referred with that of similar people who were not (regression to the mean). No identifier is in it: no NHS number, name, date of birth or postcode, only the extract's keyed hash, an age band, sex and the area.",
        required: false,
        columns: &[
            col("person_key", Kind::Key, true, "The GP system's keyed hash of the person (opaque; never an NHS number). Kept as it is, so the same person in a later extract is the same row.", "7f3a9c0e5b21d4e8"),
            col("service_ref", Kind::Ref("organisations.csv"), true, "The social prescribing service (PCN) whose comparison group this is.", "pcn-1"),
            col("practice_ref", Kind::Ref("organisations.csv"), true, "Their GP practice (one of the service's).", "prac-1"),
            col("age_band", Kind::Code(codes!(AgeBand)), true, "Their age band.", "45-54"),
            col("sex", Kind::Code(codes!(Sex)), true, "Sex as recorded (NHS data dictionary codes).", "2"),
            col("lsoa", Kind::Text(9), false, "The English 2011 LSOA they live in; their IMD decile is looked up from it.", "E01011365"),
            col("imd_decile", Kind::Int(1, 10), false, "That LSOA's IMD 2019 decile, 1 = most deprived: written on export where the deprivation lookup is loaded; on import it fills the lookup for an LSOA not yet in it, so matching on deprivation survives a move.", "3"),
        ],
    },
    FileSpec {
        name: "comparison_activity.csv",
        description: "Health-system contacts of the comparison group (from the same GP-system and hospital extracts as `health_activity.csv`), one row per contact. `occurrence` numbers identical rows (1 for the first, 2 for the second …) so a contact is never counted twice.",
        required: false,
        columns: &[
            col("person_ref", Kind::Ref("comparison_people.csv"), true, "Whose contact it was (their `person_key`).", "7f3a9c0e5b21d4e8"),
            col("contact_on", Kind::Date, true, "When.", "2025-01-14"),
            col("contact_type", Kind::Code(codes!(ContactType)), true, "What kind of contact.", "gp_surgery"),
            col("bed_days", Kind::Int(0, 3650), false, "Days in hospital (non-elective admissions only).", ""),
            col("occurrence", Kind::Int(1, 1_000_000), true, "1 for the first identical row, 2 for the second, ...", "1"),
        ],
    },
    FileSpec {
        name: "staff_check_ins.csv",
        description: "Link workers' own wellbeing check-ins (reported only for teams of at least 8 people).",
        required: false,
        columns: &[
            col("check_in_ref", Kind::Key, true, "The check-in's reference in this bundle.", "w-1"),
            col("staff_ref", Kind::Ref("staff.csv"), true, "Whose check-in it is (their service is their organisation).", "lw-1"),
            col("checked_in_on", Kind::Date, true, "When.", "2025-06-30"),
            col("swemwbs", Kind::Text(40), true, "Their SWEMWBS answers, 7 items of 1 to 5, separated by `;`.", "4;3;4;4;3;4;4"),
            col("job_satisfaction", Kind::Int(1, 5), true, "Job satisfaction, 1 (very low) to 5 (very high).", "4"),
            col("caseload_pressure", Kind::Int(1, 5), true, "Caseload pressure, 1 (very low) to 5 (very high).", "3"),
            col("supervision", Kind::Bool, true, "Whether they had supervision since the previous check-in.", "true"),
        ],
    },
    FileSpec {
        name: "list_profiles.csv",
        description: "The make-up of each practice's registered list (the expected shares for equity of access).",
        required: false,
        columns: &[
            col("practice_ref", Kind::Ref("organisations.csv"), true, "The practice.", "prac-1"),
            col("dimension", Kind::Code(codes!(Dimension)), true, "What the group is of.", "age_band"),
            col("group", Kind::Text(20), true, "The group: an age band (`18-24` … `85+`), an NHS sex code, `white`/`mixed`/`asian`/`black`/`other`/`not_stated`, or an IMD quintile `q1` … `q5`.", "25-34"),
            col("people", Kind::Int(0, 2_000_000), true, "How many registered people are in it.", "1320"),
        ],
    },
    FileSpec {
        name: "referral_targets.csv",
        description: "Each service's referral-rate target band per financial year, as percentages of its list a year.",
        required: false,
        columns: &[
            col("service_ref", Kind::Ref("organisations.csv"), true, "The service (PCN).", "pcn-1"),
            col("year", Kind::Int(2000, 2100), true, "The financial year, as the year it starts (2025 for 2025/26).", "2025"),
            col("low_pct", Kind::Decimal(0.0, 100.0), true, "The lower end of the band.", "0.8"),
            col("high_pct", Kind::Decimal(0.0, 100.0), true, "The upper end of the band (above low_pct).", "1.2"),
        ],
    },
    FileSpec {
        name: "health_tariffs.csv",
        description: "The unit costs a service uses for health-system activity. A service with rows here uses only these (a type without a row is not costed); a service with none uses Linkwork's default figures.",
        required: false,
        columns: &[
            col("service_ref", Kind::Ref("organisations.csv"), true, "The service (PCN).", "pcn-1"),
            col("contact_type", Kind::Code(cost_items), true, "What is priced: a contact type, or `bed_day`.", "gp_surgery"),
            col("unit_cost_pence", Kind::Int(0, 100_000_000), true, "The cost of one, in pence.", "4200"),
            col("source", Kind::Text(500), true, "Where the figure comes from.", "PSSRU Unit Costs 2024"),
            col("year", Kind::Text(20), true, "The year the figure is for.", "2024/25"),
        ],
    },
    FileSpec {
        name: "health_price_indices.csv",
        description: "A service's price index, which brings every unit cost of its tariff to the prices of each report's year. A service without a row keeps each unit cost at its own year's prices.",
        required: false,
        columns: &[
            col("service_ref", Kind::Ref("organisations.csv"), true, "The service (PCN).", "pcn-1"),
            col("source", Kind::Text(500), true, "Where the index values come from.", "PSSRU Unit Costs of Health and Social Care 2024, NHS cost inflation index"),
            col("index_values", Kind::Text(4000), true, "Each financial year and its index value, `;`-separated, as `year=value` (any base: only ratios matter).", "2013/14=100;2024/25=137.2"),
        ],
    },
    FileSpec {
        name: "sroi_models.csv",
        description: "A service's social return on investment model (inputs, outcomes, proxies, assumptions) as the JSON document Linkwork stores.",
        required: false,
        columns: &[
            col("service_ref", Kind::Ref("organisations.csv"), true, "The service (PCN).", "pcn-1"),
            col("model", Kind::Text(200_000), true, "The model as JSON (as written by `linkwork export bundle`).", "{\"inputs\":[...],...}"),
        ],
    },
    FileSpec {
        name: "measurement_schedules.csv",
        description: "Which questionnaires a service asks, and when (months after referral) it follows up.",
        required: false,
        columns: &[
            col("service_ref", Kind::Ref("organisations.csv"), true, "The service (PCN).", "pcn-1"),
            col("instruments", Kind::Codes(codes!(Instrument)), true, "The questionnaires, in the order shown.", "ons4;swemwbs"),
            col("follow_up_months", Kind::Text(100), false, "Months after referral to follow up, ascending, separated by `;` (empty for none).", "3;6"),
        ],
    },
    FileSpec {
        name: "stakeholders.csv",
        description: "A service's stakeholder evaluation plan: the groups it answers to.",
        required: false,
        columns: &[
            col("stakeholder_ref", Kind::Key, true, "The stakeholder's reference in this bundle.", "sh-1"),
            col("service_ref", Kind::Ref("organisations.csv"), true, "The service (PCN).", "pcn-1"),
            col("kind", Kind::Code(codes!(StakeholderKind)), true, "What kind of stakeholder.", "gps"),
            col("name", Kind::Text(200), true, "The group's name.", "Riverside Central GP practices"),
            col("created_by", Kind::Ref("staff.csv"), true, "Who added it.", "mgr-1"),
        ],
    },
    FileSpec {
        name: "success_statements.csv",
        description: "What success means to each stakeholder, mapped to a report figure and target (or to qualitative evidence). Rows keep their order.",
        required: false,
        columns: &[
            col("statement_ref", Kind::Key, true, "The statement's reference in this bundle.", "ss-1"),
            col("stakeholder_ref", Kind::Ref("stakeholders.csv"), true, "The stakeholder.", "sh-1"),
            col("statement", Kind::Text(1000), true, "The statement in the stakeholder's words.", "Our patients are seen quickly once we refer"),
            col("indicator", Kind::Text(200), true, "The report figure id that measures it, or `qualitative`.", "waiting.median_days"),
            col("comparison", Kind::Code(codes!(Comparison)), false, "Which side of the target is success (empty when qualitative).", "at_most"),
            col("target", Kind::Decimal(-1e12, 1e12), false, "The target (empty when qualitative).", "14"),
            col("applies_from", Kind::PlannedDate, true, "First day it applies.", "2025-04-01"),
            col("applies_to", Kind::PlannedDate, true, "Last day it applies.", "2026-03-31"),
        ],
    },
    FileSpec {
        name: "evidence.csv",
        description: "Qualitative evidence (quotes, case studies, interviews, focus groups) with its consent. Only `approved_text`, anonymised and approved by a manager, is ever shown in reports; `text` is as entered and is removed from pseudonymised bundles.",
        required: false,
        columns: &[
            col("evidence_ref", Kind::Key, true, "The item's reference in this bundle.", "e-1"),
            col("service_ref", Kind::Ref("organisations.csv"), true, "The service (PCN).", "pcn-1"),
            col("person_ref", Kind::Ref("people.csv"), false, "Whose words or story it is (never published).", "p-1"),
            col("kind", Kind::Code(codes!(EvidenceKind)), true, "What kind of evidence.", "quote"),
            col("title", Kind::Text(200), true, "A short title, as shown in reports.", "Getting out again"),
            col("text", Kind::Text(20_000), true, "The text as entered.", "I hadn't left the house since..."),
            col("outcome_domains", Kind::Codes(codes!(OutcomeDomain)), true, "Where the difference shows.", "person;community"),
            col("needs", Kind::Codes(codes!(NeedDomain)), false, "The needs it is about.", "loneliness"),
            col("stakeholders", Kind::Codes(codes!(StakeholderKind)), false, "The stakeholders it speaks to.", "people;gps"),
            col("consent_given_on", Kind::Date, true, "When consent was given.", "2025-07-01"),
            col("consent_by", Kind::Code(codes!(ConsentGivenBy)), true, "Who gave consent.", "person"),
            col("consent_use", Kind::Code(codes!(ConsentUse)), true, "What it may be used for.", "in_reports"),
            col("recorded_by", Kind::Ref("staff.csv"), true, "Who recorded it.", "lw-1"),
            col("recorded_on", Kind::Date, true, "When it was recorded.", "2025-07-01"),
            col("approved_text", Kind::Text(20_000), false, "The anonymised text a manager approved for reports (empty until approved).", "I hadn't left the house since..."),
            col("approved_by", Kind::Ref("staff.csv"), false, "The manager who approved it.", "mgr-1"),
        ],
    },
];

/// `docs/bundle.md`'s reference part: every file and column.
pub fn markdown() -> String {
    let mut out = String::new();
    for f in FILES {
        out.push_str(&format!("### `{}`{}\n\n{}\n\n", f.name, if f.required { " (required)" } else { "" }, f.description));
        out.push_str("| column | required | type and allowed values | meaning | example |\n|---|---|---|---|---|\n");
        for c in f.columns {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                c.name,
                if c.required { "yes" } else { "no" },
                c.kind.describe(),
                c.description,
                if c.example.is_empty() { String::new() } else { format!("`{}`", c.example) }
            ));
        }
        out.push('\n');
    }
    out
}
