//! Who may do what. Every route in the web shell asks these functions; keeping the rules here, pure,
//! means they are tested once and read in one place.
//!
//! The rules (shared/product/domain.md): link workers and managers work on the people of their own
//! service (a primary care network); VCSE partners see only the onward referrals sent to their own
//! organisation's services, never a person's full record; commissioners and analysts see aggregates
//! only, with small numbers suppressed; GP practice staff refer people in and see the status of
//! their own practice's referrals, never the record; administrators manage accounts and the directory but not
//! people's records.

use crate::text::coded_enum;

coded_enum! {
    Role, field = "role", prompt = "Select a role: link_worker, manager, practice_staff, vcse_partner, commissioner or admin" {
        LinkWorker = "link_worker", "Link worker";
        PracticeStaff = "practice_staff", "GP practice staff";
        Manager = "manager", "Service manager";
        VcsePartner = "vcse_partner", "VCSE partner";
        Commissioner = "commissioner", "Commissioner or analyst";
        Admin = "admin", "Administrator";
    }
}

coded_enum! {
    /// Kinds of organisation. A PCN is the unit a social prescribing service runs for.
    OrgKind, field = "kind", prompt = "Select an organisation type: icb, pcn, practice or vcse" {
        Icb = "icb", "Integrated care board";
        Pcn = "pcn", "Primary care network";
        Practice = "practice", "GP practice";
        Vcse = "vcse", "Voluntary, community or social enterprise organisation";
    }
}

impl Role {
    /// The kind of organisation an account with this role belongs to.
    pub fn home_org_kind(self) -> Option<OrgKind> {
        match self {
            Role::LinkWorker | Role::Manager => Some(OrgKind::Pcn),
            Role::PracticeStaff => Some(OrgKind::Practice),
            Role::VcsePartner => Some(OrgKind::Vcse),
            Role::Commissioner => Some(OrgKind::Icb),
            Role::Admin => None,
        }
    }

    /// Record and read casework (people, referrals, plans, contacts, measures).
    pub fn does_casework(self) -> bool {
        matches!(self, Role::LinkWorker | Role::Manager)
    }

    /// See aggregate figures (dashboard, evaluation report).
    pub fn sees_aggregates(self) -> bool {
        matches!(self, Role::Manager | Role::Commissioner | Role::LinkWorker | Role::Admin)
    }

    /// Refer people into the service and follow the status of what they referred, without
    /// reading records (GP practice staff and VCSE partners).
    pub fn refers_in(self) -> bool {
        matches!(self, Role::PracticeStaff | Role::VcsePartner)
    }

    /// Answer onward referrals on behalf of a VCSE organisation.
    pub fn answers_onward_referrals(self) -> bool {
        self == Role::VcsePartner
    }

    /// Read whole referral records of some people (the casework team, and GP practice staff for
    /// the people their practice referred). A role without this gets 403 for every referral id,
    /// known or not, so ids cannot be probed.
    pub fn reads_referral_records(self) -> bool {
        self.does_casework() || self == Role::PracticeStaff
    }
}

/// Someone acting: a signed-in person or an API token, always of one organisation and one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub org_id: String,
    pub role: Role,
}

impl Actor {
    /// May this actor read or change the casework of a person held by `service_org_id`?
    pub fn may_access_casework(&self, service_org_id: &str) -> bool {
        self.role.does_casework() && self.org_id == service_org_id
    }

    /// May this actor follow a referral's status (FHIR `Task`, the referrer's list)? Its own
    /// service's casework staff, or the organisation that referred it in.
    pub fn may_follow_referral(&self, service_org_id: &str, referred_by_org_id: Option<&str>) -> bool {
        self.may_access_casework(service_org_id) || (self.role.refers_in() && referred_by_org_id == Some(self.org_id.as_str()))
    }

    /// May this actor read the referral's record: the person's identity and demographics, the
    /// plan's outcome and the discharge summary (FHIR `ServiceRequest`/`Task`, the GP record)?
    /// Its own service's casework staff, or the GP practice that referred the person (their GP,
    /// who is sent the outcome). Never a VCSE partner, even for a person it referred in: a
    /// partner follows only the status of its own incoming referrals.
    pub fn may_read_referral(&self, service_org_id: &str, referred_by_org_id: Option<&str>) -> bool {
        self.may_access_casework(service_org_id) || (self.role == Role::PracticeStaff && referred_by_org_id == Some(self.org_id.as_str()))
    }

    /// May this actor answer an onward referral sent to a service run by `provider_org_id`?
    pub fn may_answer_onward(&self, provider_org_id: &str) -> bool {
        self.role.answers_onward_referrals() && self.org_id == provider_org_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, org: &str) -> Actor {
        Actor { org_id: org.into(), role }
    }

    #[test]
    fn casework_only_for_own_service() {
        assert!(actor(Role::LinkWorker, "pcn1").may_access_casework("pcn1"));
        assert!(!actor(Role::LinkWorker, "pcn1").may_access_casework("pcn2"));
        assert!(!actor(Role::VcsePartner, "pcn1").may_access_casework("pcn1"));
        assert!(!actor(Role::Commissioner, "pcn1").may_access_casework("pcn1"));
        assert!(!actor(Role::Admin, "pcn1").may_access_casework("pcn1"));
    }

    #[test]
    fn referrers_follow_only_what_they_referred() {
        let practice = actor(Role::PracticeStaff, "gp1");
        assert!(practice.may_follow_referral("pcn1", Some("gp1")));
        assert!(!practice.may_follow_referral("pcn1", Some("gp2")));
        assert!(!practice.may_follow_referral("pcn1", None));
        assert!(!practice.may_access_casework("pcn1"));
        assert!(actor(Role::LinkWorker, "pcn1").may_follow_referral("pcn1", None));
        assert!(!actor(Role::Commissioner, "icb").may_follow_referral("pcn1", Some("icb")));
    }

    #[test]
    fn a_vcse_partner_never_reads_a_record_it_referred() {
        let partner = actor(Role::VcsePartner, "v1");
        assert!(partner.may_follow_referral("pcn1", Some("v1")), "it follows the status of its own referral");
        assert!(!partner.may_read_referral("pcn1", Some("v1")));
        assert!(!Role::VcsePartner.reads_referral_records());
    }

    #[test]
    fn practices_read_only_records_they_referred() {
        let practice = actor(Role::PracticeStaff, "gp1");
        assert!(practice.may_read_referral("pcn1", Some("gp1")));
        assert!(!practice.may_read_referral("pcn1", Some("gp2")));
        assert!(!practice.may_read_referral("pcn1", None));
        assert!(actor(Role::Manager, "pcn1").may_read_referral("pcn1", None));
        assert!(!actor(Role::Manager, "pcn2").may_read_referral("pcn1", None));
        assert!(!actor(Role::Commissioner, "icb").may_read_referral("icb", Some("icb")));
    }

    #[test]
    fn onward_answers_only_for_own_organisation() {
        assert!(actor(Role::VcsePartner, "v1").may_answer_onward("v1"));
        assert!(!actor(Role::VcsePartner, "v1").may_answer_onward("v2"));
        assert!(!actor(Role::LinkWorker, "v1").may_answer_onward("v1"));
    }
}
