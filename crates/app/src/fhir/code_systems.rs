//! Linkwork's own code systems: need domains, questionnaire scores, why a referral was declined
//! or closed, and where an onward referral stands, for which no SNOMED CT code is confirmed. Each has a canonical URL under the deployment's public address,
//! `{base}/fhir/CodeSystem/{id}`, where the server also serves it (with a ValueSet of all its
//! codes at `{base}/fhir/ValueSet/{id}`), so a receiving system can look up any code Linkwork
//! sends. No placeholder domain appears in anything Linkwork sends.

use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::referral::{DeclineReason, DischargeReason};
use linkwork_domain::measurement::instruments::Instrument;
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnCodeSystem {
    /// The codes of `NeedDomain` (`loneliness`, `money`, …): a referral's needs.
    NeedDomain,
    /// The stable score keys of the shipped questionnaires (`swemwbs_metric`, …).
    Score,
    /// Why the service did not take a referral on (`DeclineReason`).
    DeclineReason,
    /// Why a referral was closed (`DischargeReason`).
    DischargeReason,
    /// Where an onward referral to a community service stands (`OnwardStatus`): a Task's
    /// `businessStatus`, finer than FHIR's Task status (started and attended are both in progress).
    OnwardStatus,
    /// Why a community service could not take an onward referral (`OnwardDeclineReason`).
    OnwardDeclineReason,
}

impl OwnCodeSystem {
    pub const ALL: [OwnCodeSystem; 6] =
        [OwnCodeSystem::NeedDomain, OwnCodeSystem::Score, OwnCodeSystem::DeclineReason, OwnCodeSystem::DischargeReason, OwnCodeSystem::OnwardStatus, OwnCodeSystem::OnwardDeclineReason];

    /// The id in its URL.
    pub fn id(self) -> &'static str {
        match self {
            OwnCodeSystem::NeedDomain => "need-domain",
            OwnCodeSystem::Score => "score",
            OwnCodeSystem::DeclineReason => "decline-reason",
            OwnCodeSystem::DischargeReason => "discharge-reason",
            OwnCodeSystem::OnwardStatus => "onward-status",
            OwnCodeSystem::OnwardDeclineReason => "onward-decline-reason",
        }
    }

    pub fn find(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The canonical URL: `system` in every coding of it.
    pub fn url(self, base: &str) -> String {
        format!("{}/fhir/CodeSystem/{}", base.trim_end_matches('/'), self.id())
    }

    fn value_set_url(self, base: &str) -> String {
        format!("{}/fhir/ValueSet/{}", base.trim_end_matches('/'), self.id())
    }

    /// A computer-friendly name (FHIR's `name`).
    fn name(self) -> &'static str {
        match self {
            OwnCodeSystem::NeedDomain => "LinkworkNeedDomain",
            OwnCodeSystem::Score => "LinkworkScore",
            OwnCodeSystem::DeclineReason => "LinkworkDeclineReason",
            OwnCodeSystem::DischargeReason => "LinkworkDischargeReason",
            OwnCodeSystem::OnwardStatus => "LinkworkOnwardStatus",
            OwnCodeSystem::OnwardDeclineReason => "LinkworkOnwardDeclineReason",
        }
    }

    fn title(self) -> &'static str {
        match self {
            OwnCodeSystem::NeedDomain => "Social prescribing need domains",
            OwnCodeSystem::Score => "Questionnaire scores",
            OwnCodeSystem::DeclineReason => "Reasons a referral was not taken on",
            OwnCodeSystem::DischargeReason => "Reasons a referral was closed",
            OwnCodeSystem::OnwardStatus => "Onward referral statuses",
            OwnCodeSystem::OnwardDeclineReason => "Reasons a community service declined an onward referral",
        }
    }

    fn description(self) -> &'static str {
        match self {
            OwnCodeSystem::NeedDomain => "What a person's non-medical needs are about, as a social prescribing link worker records them (Linkwork's need domains). Sent as ServiceRequest.reasonCode.",
            OwnCodeSystem::Score => "The scores of the wellbeing and loneliness questionnaires Linkwork records (ONS4, SWEMWBS, UCLA-3, …), one code per score. Sent as Observation.code; no SNOMED CT code for these scores is confirmed.",
            OwnCodeSystem::DeclineReason => "Why a social prescribing service did not take a referral on. Sent as Task.statusReason beside SNOMED CT 871711000000103 where the person declined (the only confirmed code).",
            OwnCodeSystem::DischargeReason => "Why a social prescribing referral was closed. Sent in the outputs of a completed Task.",
            OwnCodeSystem::OnwardStatus => "Where a link worker's onward referral to a community service stands, as the service reports it. Sent as the onward referral Task's businessStatus; a partner system sets it to say a person attended.",
            OwnCodeSystem::OnwardDeclineReason => "Why a community service could not take an onward referral. Sent and read as a rejected onward referral Task's statusReason.",
        }
    }

    /// Every code with its display and definition.
    pub fn concepts(self) -> Vec<(&'static str, String, String)> {
        match self {
            OwnCodeSystem::NeedDomain => NeedDomain::ALL.iter().map(|n| (n.code(), n.label().to_owned(), format!("A need about: {}", n.label().to_lowercase()))).collect(),
            OwnCodeSystem::Score => Instrument::ALL
                .iter()
                .flat_map(|i| i.scores().iter().map(move |s| (s.key, s.label.to_owned(), format!("{} ({}): {}", i.label(), i.version(), s.label))))
                .collect(),
            OwnCodeSystem::DeclineReason => DeclineReason::ALL.iter().map(|r| (r.code(), r.label().to_owned(), format!("Not taken on: {}", r.label().to_lowercase()))).collect(),
            OwnCodeSystem::DischargeReason => DischargeReason::ALL.iter().map(|r| (r.code(), r.label().to_owned(), format!("Closed: {}", r.label().to_lowercase()))).collect(),
            OwnCodeSystem::OnwardStatus => OnwardStatus::ALL.iter().map(|s| (s.code(), s.label().to_owned(), format!("The onward referral: {}", s.label().to_lowercase()))).collect(),
            OwnCodeSystem::OnwardDeclineReason => OnwardDeclineReason::ALL.iter().map(|r| (r.code(), r.label().to_owned(), format!("Declined by the service: {}", r.label().to_lowercase()))).collect(),
        }
    }

    /// The `CodeSystem` resource, complete.
    pub fn code_system(self, base: &str) -> Value {
        let concepts = self.concepts();
        json!({
            "resourceType": "CodeSystem",
            "id": self.id(),
            "url": self.url(base),
            "name": self.name(),
            "title": self.title(),
            "status": "active",
            "experimental": false,
            "publisher": "Linkwork",
            "description": self.description(),
            "caseSensitive": true,
            "valueSet": self.value_set_url(base),
            "content": "complete",
            "count": concepts.len(),
            "concept": concepts.into_iter().map(|(code, display, definition)| json!({ "code": code, "display": display, "definition": definition })).collect::<Vec<_>>(),
        })
    }

    /// The `ValueSet` of every code of the system.
    pub fn value_set(self, base: &str) -> Value {
        json!({
            "resourceType": "ValueSet",
            "id": self.id(),
            "url": self.value_set_url(base),
            "name": self.name(),
            "title": self.title(),
            "status": "active",
            "experimental": false,
            "publisher": "Linkwork",
            "description": format!("Every code of {}.", self.url(base)),
            "compose": { "include": [{ "system": self.url(base) }] },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_system_lives_under_the_deployments_address_and_lists_every_code() {
        let base = "https://spl.example.nhs.uk/";
        assert_eq!(OwnCodeSystem::NeedDomain.url(base), "https://spl.example.nhs.uk/fhir/CodeSystem/need-domain");
        let cs = OwnCodeSystem::NeedDomain.code_system(base);
        assert_eq!(cs["concept"].as_array().unwrap().len(), NeedDomain::ALL.len());
        assert_eq!(cs["count"], NeedDomain::ALL.len());
        assert!(cs["concept"].as_array().unwrap().iter().any(|c| c["code"] == "loneliness"));
        let scores = OwnCodeSystem::Score.code_system(base);
        assert!(scores["concept"].as_array().unwrap().iter().any(|c| c["code"] == "swemwbs_metric"));
        assert_eq!(OwnCodeSystem::Score.value_set(base)["compose"]["include"][0]["system"], "https://spl.example.nhs.uk/fhir/CodeSystem/score");
        assert_eq!(OwnCodeSystem::find("score"), Some(OwnCodeSystem::Score));
        assert_eq!(OwnCodeSystem::find("other"), None);
        let onward = OwnCodeSystem::OnwardStatus.code_system(base);
        assert!(onward["concept"].as_array().unwrap().iter().any(|c| c["code"] == "attended"));
        let ids: std::collections::BTreeSet<&str> = OwnCodeSystem::ALL.iter().map(|s| s.id()).collect();
        assert_eq!(ids.len(), OwnCodeSystem::ALL.len(), "every system has its own URL");
    }
}
