//! The bundle's layout as data: every file, every column, its type, allowed values and an example.
//! One description drives the validator ([`super::read`]), the exporter's headers, the storage
//! mapping and `docs/bundle.md` (a test renders [`markdown`] and compares), so they cannot drift.

use crate::contact::ContactMode;
use crate::directory::ServiceStatus;
use crate::instruments::{Instrument, Timepoint};
use crate::need::NeedDomain;
use crate::onward::{OnwardDeclineReason, OnwardStatus};
use crate::person::{Ethnicity, Sex};
use crate::plan::GoalStatus;
use crate::referral::{DeclineReason, DischargeReason, ReferralSource, ReferralStatus};
use crate::access::{OrgKind, Role};

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
            col("lsoa", Kind::Text(9), false, "The 2011 LSOA of their postcode, written on export where the postcode lookup is loaded (read for information only).", "E01011365"),
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
        description: "Outcome questionnaires, with every item's answer. Answers use the questionnaire's own scale (ONS4 0–10, SWEMWBS 1–5, ...).",
        required: false,
        columns: &[
            col("measure_ref", Kind::Key, true, "The measure's reference in this bundle.", "m-1"),
            col("referral_ref", Kind::Ref("referrals.csv"), true, "The referral.", "r-1"),
            col("instrument", Kind::Code(codes!(Instrument)), true, "The questionnaire.", "swemwbs"),
            col("timepoint", Kind::Code(codes!(Timepoint)), true, "When in the journey it was taken.", "baseline"),
            col("taken_on", Kind::Date, true, "The day it was taken.", "2025-04-09"),
            col("answers", Kind::Answers, true, "The item answers, in item order.", "3;3;2;3;4;3;2"),
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
