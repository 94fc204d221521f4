//! The access matrix: every route the server answers (from its own route table,
//! `linkwork_web::route_table()`), tried by every role and by nobody, with the ids of the role's
//! own organisation and of another, checked against the answer this table expects. A route
//! added without a row here fails the test. For reads that show people, the test also checks
//! that the request itself wrote an audit event naming the reader.
//!
//! Outcomes: `Ok` (the request passed the access check: 2xx, 3xx other than to the sign-in
//! page, 400, 409, 413, 415 or 422), `Forbidden` (403), `NotFound` (404, the same as for an id
//! that does not exist), `SignIn` (401, or a redirect to `/login`). Never a 5xx.

use crate::support;

use linkwork_domain::access::{OrgKind, Role};
use linkwork_store::{NewOrg, NewService, NewUser};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use support::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Ok,
    Forbidden,
    NotFound,
    SignIn,
}
use Outcome::*;

/// Who asks: nobody (no session or token), or someone in a role of the test's own organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Nobody,
    As(Role),
}

const ROLES: [Role; 6] = [Role::LinkWorker, Role::Manager, Role::PracticeStaff, Role::VcsePartner, Role::Commissioner, Role::Admin];
const CASEWORK: &[Role] = &[Role::LinkWorker, Role::Manager];
const MANAGER: &[Role] = &[Role::Manager];
const PARTNER: &[Role] = &[Role::VcsePartner];
const PRACTICE: &[Role] = &[Role::PracticeStaff];
const REFERRERS: &[Role] = &[Role::LinkWorker, Role::Manager, Role::PracticeStaff];
const AGGREGATES: &[Role] = &[Role::LinkWorker, Role::Manager, Role::Commissioner, Role::Admin];
const PARTNERSHIP: &[Role] = &[Role::Manager, Role::Commissioner, Role::Admin];
const ALL: &[Role] = &ROLES;

/// Who may use a route.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// These roles, whatever ids the path holds (the route has none, or they are not owned).
    Roles(&'static [Role]),
    /// These roles, for ids of their own organisation only (another's answer 404); other roles 403.
    Owned(&'static [Role]),
    /// `any` for every id, `own` for their own organisation's ids only; other roles 403.
    Mixed { any: &'static [Role], own: &'static [Role] },
    /// As `Owned(own)`, and `hidden` roles find nothing at these ids (404, never 403): the path
    /// also holds ids of things they own (a Task id is a referral's or an onward referral's).
    OwnedHidden { own: &'static [Role], hidden: &'static [Role] },
}

/// The expected rule of every route. A route missing here fails the test.
fn rule(method: &str, path: &str) -> Option<Rule> {
    use Rule::*;
    let public_asset = path.starts_with("/assets/") || path == "/favicon.ico" || path.starts_with("/oruk");
    if public_asset {
        return (method == "GET").then_some(Public);
    }
    Some(match (method, path) {
        ("GET", "/healthz" | "/login" | "/self-referral" | "/self-referral/sent" | "/api/openapi.json" | "/fhir/metadata" | "/fhir/CodeSystem/{id}" | "/fhir/ValueSet/{id}") | ("POST", "/login" | "/self-referral") => Public,
        ("POST", "/logout" | "/notifications/read") | ("GET", "/notifications" | "/") => Roles(ALL),

        // Accounts: single sign-on and password links are for anyone (the link's secret is the
        // key); your own account for everyone signed in; the administrators' pages for admins,
        // whichever organisation the account or token belongs to.
        ("GET", "/login/oidc" | "/login/oidc/callback") | ("GET" | "POST", "/account/password/{token}") => Public,
        ("GET", "/account") | ("POST", "/account/sign-out-everywhere") => Roles(ALL),
        (_, p) if p.starts_with("/admin/") => Roles(&[Role::Admin]),

        // Casework: the service's link workers and managers, their own people only.
        ("GET", "/today" | "/caseload" | "/triage" | "/people" | "/mdt" | "/mdt/new" | "/community" | "/community/new" | "/measures/due" | "/onward/attention" | "/referrals/import" | "/referrals/import/example.csv" | "/measures/instruments" | "/evidence" | "/evidence/new") => Roles(CASEWORK),
        ("POST", "/mdt/new" | "/community/new" | "/referrals/import" | "/evidence/new") => Roles(CASEWORK),
        ("GET", "/api/referrals" | "/api/caseload" | "/api/people" | "/api/mdt-meetings" | "/api/onward/attention" | "/api/gp-record") | ("POST", "/api/mdt-meetings") => Roles(CASEWORK),
        ("GET" | "POST", "/referrals/new" | "/practice/referrals/new") | ("POST", "/api/referrals" | "/fhir/ServiceRequest" | "/fhir" | "/fhir/$process-message") => Roles(REFERRERS),
        // A partner organisation's system searches its onward referrals' Tasks.
        ("GET", "/fhir/Task") => Roles(&[Role::LinkWorker, Role::Manager, Role::PracticeStaff, Role::VcsePartner]),
        // ... reads them by id (a referral's id is none of its onward Tasks) and moves them
        // (asked with the side's onward referral id).
        ("GET", "/fhir/Task/{id}") => OwnedHidden { own: REFERRERS, hidden: PARTNER },
        ("PUT", "/fhir/Task/{id}") => Owned(PARTNER),
        // Reassigning is the manager's; a link worker may only take an unassigned referral on
        // themselves (refused inside the use case, tested in daily_flow.rs).
        (_, p) if p.starts_with("/referrals/{id}") || p.starts_with("/incoming/{id}") => Owned(CASEWORK),
        ("GET" | "POST", "/people/{id}" | "/people/{id}/details") | ("PUT", "/api/people/{id}/details") | ("GET", "/api/people/{id}/timeline") => Owned(CASEWORK),
        (_, p) if p.starts_with("/fhir/ServiceRequest/{id}") || p.starts_with("/fhir/Task/{id}") => Owned(REFERRERS),
        (_, p) if p.starts_with("/api/referrals/{id}") || p.starts_with("/api/incoming-referrals/{id}") => Owned(CASEWORK),

        // People's rights and the audit trail: the service's manager.
        (_, p) if p.starts_with("/people/{id}/") || p.starts_with("/api/people/{id}/") => Owned(MANAGER),
        (_, "/audit" | "/audit.csv" | "/privacy/retention" | "/api/audit") => Roles(MANAGER),
        // Running the service: its manager.
        (_, "/team" | "/team/workforce" | "/stakeholders" | "/health" | "/health/tariff" | "/health/sroi" | "/health/activity/import" | "/measures/instruments/new") => Roles(MANAGER),
        (_, "/measures/schedule") => Roles(MANAGER),
        (_, "/stakeholders/{id}") => Owned(MANAGER),
        ("GET", "/evidence/{id}") => Owned(MANAGER),
        ("POST", "/evidence/{id}") => Owned(MANAGER),
        (_, "/wellbeing") => Roles(&[Role::LinkWorker]),

        // Ways in and following them.
        ("GET", "/practice/referrals") => Roles(PRACTICE),
        (_, "/partner/refer") | ("GET", "/partner/refer/sent") | ("POST", "/api/incoming-referrals") => Roles(PARTNER),
        ("GET", "/api/incoming-referrals") => Roles(&[Role::LinkWorker, Role::Manager, Role::VcsePartner]),

        // VCSE partners: the onward referrals sent to their own services.
        ("GET", "/partner/referrals" | "/partner/report" | "/partner/report.csv" | "/directory/mine" | "/api/partner/onward-referrals" | "/api/partner/report") => Roles(PARTNER),
        (_, "/partner/referrals/{id}" | "/api/partner/onward-referrals/{id}" | "/api/partner/onward-referrals/{id}/events") => Owned(PARTNER),
        // Undoing the partner's own last change (issue 12).
        ("POST", "/partner/referrals/{id}/undo" | "/api/partner/onward-referrals/{id}/undo") => Owned(PARTNER),

        // The directory: the casework team searches and reads it; a partner reads its own
        // services; managers edit any service, partners their own.
        ("GET", "/directory" | "/api/directory/services") => Roles(CASEWORK),
        ("GET", "/directory/{id}" | "/api/directory/services/{id}") => Mixed { any: CASEWORK, own: PARTNER },
        (_, "/directory/{id}/edit" | "/api/directory/services/{id}/profile") => Mixed { any: MANAGER, own: PARTNER },

        // Aggregates only.
        ("GET", "/dashboard" | "/report" | "/report.csv" | "/report.json" | "/report.html" | "/report.pdf" | "/api/report") => Roles(AGGREGATES),
        ("GET", "/reports/partners" | "/reports/partners/{org_id}" | "/reports/partners/{org_id}/report.csv" | "/reports/gaps" | "/reports/gaps.csv" | "/reports/network" | "/reports/network.csv") => Roles(PARTNERSHIP),
        ("GET", "/api/reports/partners/{org_id}" | "/api/reports/gaps" | "/api/reports/network") => Roles(PARTNERSHIP),
        _ => return None,
    })
}

/// Routes that show people: an allowed request must write an audit event by its reader.
fn shows_people(method: &str, path: &str) -> bool {
    method == "GET"
        && matches!(
            path,
            "/today" | "/caseload" | "/triage" | "/mdt" | "/mdt/new" | "/onward/attention" | "/practice/referrals" | "/partner/referrals" | "/partner/referrals/{id}"
                | "/referrals/{id}" | "/referrals/{id}/conversation" | "/referrals/{id}/contacts/new" | "/referrals/{id}/measures/new" | "/referrals/{id}/onward/new" | "/referrals/{id}/discharge"
                | "/referrals/{id}/attempts/new" | "/referrals/{id}/reopen" | "/referrals/{id}/contact-details" | "/incoming/{id}" | "/people/{id}" | "/people/{id}/details" | "/people/{id}/subject-access" | "/people/{id}/subject-access.json"
                | "/api/referrals" | "/api/referrals/{id}" | "/api/caseload" | "/api/incoming-referrals" | "/api/partner/onward-referrals" | "/api/people/{id}/timeline"
                | "/api/people/{id}/subject-access" | "/api/referrals/{id}/gp-record" | "/api/referrals/{id}/gp-message" | "/referrals/{id}/gp-letter" | "/referrals/{id}/gp-letter.pdf" | "/api/gp-record" | "/fhir/ServiceRequest/{id}" | "/fhir/Task/{id}" | "/api/mdt-meetings"
        )
}

/// Routes that end the caller's session(s): tried last, each after signing in afresh.
const SIGN_OUTS: [&str; 2] = ["/logout", "/account/sign-out-everywhere"];

/// What the expected outcome is for `who` on `route`, with ids of their own organisation or not.
fn expected(rule: Rule, who: Who, own: bool) -> Outcome {
    let Who::As(role) = who else {
        return if matches!(rule, Rule::Public) { Ok } else { SignIn };
    };
    // A public route has no access check: its answer depends on the request alone.
    match rule {
        Rule::Public => Ok,
        Rule::Roles(roles) => if roles.contains(&role) { Ok } else { Forbidden },
        Rule::Owned(roles) => match (roles.contains(&role), own) {
            (true, true) => Ok,
            (true, false) => NotFound,
            (false, _) => Forbidden,
        },
        Rule::OwnedHidden { own: owners, hidden } => match (owners.contains(&role), hidden.contains(&role), own) {
            (true, _, true) => Ok,
            (true, _, false) | (false, true, _) => NotFound,
            (false, false, _) => Forbidden,
        },
        Rule::Mixed { any, own: owners } => {
            if any.contains(&role) || (owners.contains(&role) && own) {
                Ok
            } else if owners.contains(&role) {
                NotFound
            } else {
                Forbidden
            }
        }
    }
}

/// The ids one organisation's side of the world holds.
#[derive(Debug, Clone)]
struct Side {
    referral: String,
    person: String,
    incoming: String,
    onward: String,
    service: String,
    stakeholder: String,
    evidence: String,
    goal: String,
    conflict: String,
    /// The referral that raised the conflict.
    conflict_referral: String,
    partner_org: String,
    /// The code of the service's own questionnaire.
    questionnaire: String,
    /// An account and an API token of the side that administrators' actions may change.
    account: String,
    api_token: String,
}

/// Makes one side's records: a practice's accepted referral with a goal, an onward referral to
/// `vcse`'s `service`, a VCSE partner's incoming referral, an identity conflict, a stakeholder
/// and a piece of evidence. `n` keeps NHS numbers apart.
async fn side(w: &World, pcn: &str, practice: &str, vcse: &str, service: &str, manager_id: &str, n: u32) -> Side {
    let lw = Api { http: reqwest::Client::new(), base: w.base.clone(), token: api_token(&w.store, pcn, Role::LinkWorker).await };
    let gp = Api { http: reqwest::Client::new(), base: w.base.clone(), token: api_token(&w.store, practice, Role::PracticeStaff).await };
    let partner = Api { http: reqwest::Client::new(), base: w.base.clone(), token: api_token(&w.store, vcse, Role::VcsePartner).await };
    let (status, created) = gp.post("/api/referrals", referral_json(&nhs_number(n), "Matrix", "Person", "1950-03-04", practice)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let referral = created["id"].as_str().unwrap().to_owned();
    assert_eq!(lw.post(&format!("/api/referrals/{referral}/accept"), json!({})).await.0, StatusCode::NO_CONTENT);
    let (status, body) = lw.post(&format!("/api/referrals/{referral}/conversations"), json!({"held_on": today().to_string(), "what_matters": "Getting out", "needs": ["loneliness"], "goal_0": "Join a walk"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = lw.post(&format!("/api/referrals/{referral}/onward-referrals"), json!({"service_id": service, "share_consent": "yes"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let onward = body["id"].as_str().unwrap().to_owned();
    let (status, body) = partner.post("/api/incoming-referrals", json!({"service_id": pcn, "given_name": "Incoming", "family_name": "Matrix", "phone": "0113 496 0000", "reason": "Isolated", "consent": "yes"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let incoming = w.store.pending_incoming(pcn).await.unwrap().into_iter().find(|i| i.given_name == "Incoming").unwrap().id;
    let mut again = referral_json(&nhs_number(n), "Someone", "Else", "1950-03-04", practice);
    again["confirm_duplicate"] = json!("yes");
    let (status, created) = lw.post("/api/referrals", again).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let conflict_referral = created["id"].as_str().unwrap().to_owned();
    let conflict = w.store.referral_identity_conflicts(&conflict_referral).await.unwrap()[0].id.clone();
    let questionnaire = format!("custom_matrix_{n}");
    let form = linkwork_domain::measurement::custom_instrument::CustomForm {
        name: "Matrix questionnaire",
        version: "1",
        licence: "Test",
        instructions: "Answer",
        answers: "1: No; 2: Yes",
        items: "I feel fine",
        scoring: "sum",
        better: "higher",
        threshold: "1",
        concern_at: "",
    };
    let instrument = linkwork_domain::measurement::custom_instrument::CustomInstrument::parse(&questionnaire, &form).unwrap();
    w.store.create_custom_instrument(&Default::default(), pcn, &instrument).await.unwrap();
    let record = w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap();
    let stakeholder = w
        .store
        .add_stakeholder(&linkwork_store::NewStakeholder { service_org_id: pcn.into(), kind: linkwork_domain::evaluation::stakeholders::scorecard::StakeholderKind::Commissioner, name: "ICB".into(), created_by: manager_id.into() })
        .await
        .unwrap();
    use linkwork_domain::evaluation::stakeholders::evidence::*;
    let evidence = w
        .store
        .add_evidence(
            &Default::default(),
            &linkwork_store::NewEvidence {
                service_org_id: pcn.into(),
                person_id: Some(record.person.id.clone()),
                kind: EvidenceKind::Quote,
                title: "A quote".into(),
                text: "It helped".into(),
                outcome_domains: vec![OutcomeDomain::Person],
                needs: vec![],
                stakeholders: vec![],
                consent_given_on: today(),
                consent_by: ConsentGivenBy::Person,
                consent_use: ConsentUse::InReports,
                recorded_by: manager_id.into(),
                recorded_on: today(),
            },
        )
        .await
        .unwrap();
    let account = w.store.create_user(&NewUser { email: format!("matrix.{n}@test.org"), display_name: "Matrix account".into(), password_hash: "x".into(), role: Role::LinkWorker, org_id: pcn.into() }).await.unwrap();
    let token = api_token(&w.store, pcn, Role::LinkWorker).await;
    let api_token = w.store.api_token(&linkwork_app::accounts::hash_api_token(&token)).await.unwrap().unwrap().id;
    Side { person: record.person.id.clone(), goal: record.goals[0].id.clone(), referral, incoming, onward, service: service.into(), stakeholder, evidence, conflict, conflict_referral, partner_org: vcse.into(), questionnaire, account, api_token }
}

/// The path with its parameters filled from one side.
fn fill(path: &str, s: &Side) -> String {
    let id = if path.contains("{conflict_id}") {
        &s.conflict_referral
    } else if path.starts_with("/incoming/") || path.starts_with("/api/incoming-referrals/") {
        &s.incoming
    } else if path.starts_with("/partner/referrals/") || path.starts_with("/api/partner/onward-referrals/") {
        &s.onward
    } else if path.starts_with("/people/") || path.starts_with("/api/people/") {
        &s.person
    } else if path.starts_with("/directory/") || path.starts_with("/api/directory/") {
        &s.service
    } else if path.starts_with("/stakeholders/") {
        &s.stakeholder
    } else if path.starts_with("/evidence/") {
        &s.evidence
    } else if path.starts_with("/admin/users/") {
        &s.account
    } else if path.starts_with("/admin/tokens/") {
        &s.api_token
    } else {
        &s.referral
    };
    // Linkwork's own code systems have fixed ids.
    let id = if path.starts_with("/fhir/CodeSystem/") || path.starts_with("/fhir/ValueSet/") { "need-domain" } else { id };
    let mut out = path.replace("{id}", id).replace("{goal_id}", &s.goal).replace("{conflict_id}", &s.conflict).replace("{org_id}", &s.partner_org).replace("{instrument}", "swemwbs");
    // Routes whose answer depends on a query: give one so the request reaches the access check.
    match path {
        "/fhir/Task" => out.push_str(&format!("?focus=ServiceRequest/{}", s.referral)),
        "/referrals/{id}/measures/new" | "/referrals/{id}/self-complete" | "/referrals/{id}/self-complete/done" => out.push_str("?instrument=swemwbs"),
        "/referrals/{id}/custom-measures/new" => out.push_str(&format!("?instrument={}", s.questionnaire)),
        _ => {}
    }
    out
}

/// A signed-in browser session (cookie and CSRF token) or an API token, for one role.
struct Credentials {
    cookie: String,
    csrf: String,
    token: String,
    /// The user id (sessions) and token id (API) that audit events name.
    user_id: String,
    token_id: String,
}

struct Matrix {
    w: World,
    http: reqwest::Client,
    own: Side,
    other: Side,
    creds: HashMap<Role, Credentials>,
}

impl Matrix {
    async fn build(w: World) -> Self {
        let store = w.store.clone();
        let hash = linkwork_app::accounts::hash_password(PASSWORD).unwrap();
        store.create_user(&NewUser { email: "admin@test.org".into(), display_name: "Admin".into(), password_hash: hash, role: Role::Admin, org_id: w.icb.clone() }).await.unwrap();
        // The other side: a practice in the other PCN, the other VCSE's service.
        let other_practice = store.create_org(&NewOrg { kind: OrgKind::Practice, name: "Other Surgery".into(), ods_code: Some("Z00002".into()), parent_id: Some(w.other_pcn.clone()), list_size: Some(5000) }).await.unwrap();
        let other_service = store
            .create_service(&NewService { org_id: w.other_vcse.clone(), name: "Other walks".into(), description: "Walks".into(), needs: vec![linkwork_domain::casework::need::NeedDomain::Loneliness], address: None, postcode: None, phone: None, email: None })
            .await
            .unwrap();
        let manager_id = store.user_credentials("manager@test.org").await.unwrap().unwrap().user.id;
        let other_manager = store.create_user(&NewUser { email: "manager.other@test.org".into(), display_name: "Other manager".into(), password_hash: "x".into(), role: Role::Manager, org_id: w.other_pcn.clone() }).await.unwrap();
        let own = side(&w, &w.pcn, &w.practice, &w.vcse, &w.service, &manager_id, 91).await;
        let other = side(&w, &w.other_pcn, &other_practice, &w.other_vcse, &other_service, &other_manager, 92).await;
        let mut creds = HashMap::new();
        for (role, email, org) in [
            (Role::LinkWorker, "lw@test.org", &w.pcn),
            (Role::Manager, "manager@test.org", &w.pcn),
            (Role::PracticeStaff, "practice@test.org", &w.practice),
            (Role::VcsePartner, "partner@test.org", &w.vcse),
            (Role::Commissioner, "commissioner@test.org", &w.icb),
            (Role::Admin, "admin@test.org", &w.icb),
        ] {
            let b = Browser::login(&w.base, email).await;
            let csrf = csrf_in(&b.get("/notifications").await.1);
            let token = api_token(&store, org, role).await;
            let token_id = store.api_token(&linkwork_app::accounts::hash_api_token(&token)).await.unwrap().unwrap().id;
            let user_id = store.user_credentials(email).await.unwrap().unwrap().user.id;
            creds.insert(role, Credentials { cookie: b.cookie.clone(), csrf, token, user_id, token_id });
        }
        Self { http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(), w, own, other, creds }
    }

    /// Sends one request as `who`; returns the outcome and the status seen.
    async fn ask(&self, method: &str, path: &str, url_path: &str, who: Who) -> (Outcome, StatusCode) {
        let url = format!("{}{url_path}", self.w.base);
        let api = path.starts_with("/api/") || path.starts_with("/fhir/") || path == "/fhir";
        let mut req = match method {
            "GET" => self.http.get(&url),
            "PUT" => self.http.put(&url),
            _ => self.http.post(&url),
        };
        let creds = match who {
            Who::As(role) => self.creds.get(&role),
            Who::Nobody => None,
        };
        if api {
            if let Some(c) = creds {
                req = req.bearer_auth(&c.token);
            }
            if method != "GET" {
                let content_type = if path.starts_with("/fhir") { "application/fhir+json" } else { "application/json" };
                req = req.header(CONTENT_TYPE, content_type).body("{}");
            }
        } else {
            if let Some(c) = creds {
                req = req.header(COOKIE, &c.cookie);
            }
            if method == "POST" {
                let csrf = creds.map(|c| c.csrf.clone()).unwrap_or_default();
                req = if path.ends_with("/import") {
                    req.multipart(reqwest::multipart::Form::new().text("csrf_token", csrf))
                } else {
                    req.form(&[("csrf_token", csrf.as_str())])
                };
            }
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let location = r.headers().get(LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
        assert!(!status.is_server_error(), "{method} {url_path} as {who:?}: {status} {}", r.text().await.unwrap_or_default());
        let outcome = match status {
            StatusCode::UNAUTHORIZED => SignIn,
            s if s.is_redirection() && location.starts_with("/login") => SignIn,
            StatusCode::FORBIDDEN => Forbidden,
            StatusCode::NOT_FOUND => NotFound,
            _ => Ok,
        };
        (outcome, status)
    }

    async fn audit_events_by(&self, who: Who) -> i64 {
        let Who::As(role) = who else { return 0 };
        let c = &self.creds[&role];
        count_events(&self.w.url, &c.user_id, &c.token_id).await
    }
}

async fn count_events(url: &str, user_id: &str, token_id: &str) -> i64 {
    use sqlx::Connection;
    let sql = "SELECT COUNT(*) FROM audit_events WHERE user_id = $1 OR token_id = $2";
    if url.starts_with("sqlite:") {
        sqlx::query_scalar(sql).bind(user_id).bind(token_id).fetch_one(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap()
    } else {
        sqlx::query_scalar(sql).bind(user_id).bind(token_id).fetch_one(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap()
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says() {
    on_each_database(|w| async move {
        let routes = linkwork_web::route_table();
        let missing: Vec<String> = routes.iter().filter(|r| rule(r.method, &r.path).is_none()).map(|r| format!("{} {}", r.method, r.path)).collect();
        assert!(missing.is_empty(), "routes without a row in the access table: {missing:#?}");
        let m = Matrix::build(w).await;
        let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut unaudited: Vec<String> = Vec::new();
        let mut checked = 0;
        let whos: Vec<Who> = std::iter::once(Who::Nobody).chain(ROLES.iter().map(|r| Who::As(*r))).collect();
        let mut seen = std::collections::HashSet::new();
        for route in &routes {
            if !seen.insert((route.method, route.path.clone())) {
                continue;
            }
            // Signing out ends the session: it is tried last, below.
            if SIGN_OUTS.contains(&route.path.as_str()) {
                continue;
            }
            let rule = rule(route.method, &route.path).unwrap();
            let has_ids = route.path.contains('{');
            for &who in &whos {
                for own in if has_ids { vec![true, false] } else { vec![true] } {
                    let side = if own { &m.own } else { &m.other };
                    // Moving a Task is a partner's, on its onward referral's Task.
                    let url_path = if route.method == "PUT" && route.path == "/fhir/Task/{id}" { format!("/fhir/Task/{}", side.onward) } else { fill(&route.path, side) };
                    let before = m.audit_events_by(who).await;
                    let (outcome, status) = m.ask(route.method, &route.path, &url_path, who).await;
                    checked += 1;
                    let want = expected(rule, who, own);
                    // A public route may refuse a form without its cookie, or not find an id; it never asks to sign in.
                    let agrees = outcome == want || (matches!(rule, Rule::Public) && outcome != SignIn);
                    if !agrees {
                        wrong.entry(format!("{} {}", route.method, route.path)).or_default().push(format!("{who:?} {}: expected {want:?}, got {outcome:?} ({status})", if own { "own" } else { "other" }));
                    }
                    if outcome == Ok && own && shows_people(route.method, &route.path) && m.audit_events_by(who).await <= before {
                        unaudited.push(format!("{} {} as {who:?}", route.method, route.path));
                    }
                }
            }
        }
        // Signing out, for every role (each signs in afresh first) and for nobody.
        for (&who, sign_out) in whos.iter().flat_map(|who| SIGN_OUTS.iter().map(move |s| (who, *s))) {
            let (outcome, _) = match who {
                Who::As(role) => {
                    let email = ["lw@test.org", "manager@test.org", "practice@test.org", "partner@test.org", "commissioner@test.org", "admin@test.org"][ROLES.iter().position(|r| *r == role).unwrap()];
                    let b = Browser::login(&m.w.base, email).await;
                    let csrf = csrf_in(&b.get("/notifications").await.1);
                    let r = m.http.post(format!("{}{sign_out}", m.w.base)).header(COOKIE, &b.cookie).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
                    (if r.status() == StatusCode::SEE_OTHER { Ok } else { Forbidden }, r.status())
                }
                Who::Nobody => m.ask("POST", sign_out, sign_out, who).await,
            };
            checked += 1;
            let want = expected(rule("POST", sign_out).unwrap(), who, true);
            if outcome != want {
                wrong.entry(format!("POST {sign_out}")).or_default().push(format!("{who:?}: expected {want:?}, got {outcome:?}"));
            }
        }
        eprintln!("access matrix: {} routes, {checked} requests", seen.len() + 1);
        assert!(wrong.is_empty(), "answers that differ from the access table:\n{wrong:#?}");
        assert!(unaudited.is_empty(), "reads that showed people without an audit event:\n{unaudited:#?}");
    })
    .await;
}
