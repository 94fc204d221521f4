//! Reaching the person (issue 12), over HTTP on SQLite and PostgreSQL: contact details asked by
//! every referral form and shown where people are worked on; changed with history and audit;
//! carried over at triage; given to a partner only while the person agrees to share with it; the
//! public self-referral page's service information, urgent help and autocomplete; and the GP
//! practice form asking only what the PRSB standard makes mandatory.

use crate::support;

use linkwork_domain::person::contact_details::ContactMethod;
use linkwork_domain::person::identity::{DetailsSource, PersonField};
use linkwork_domain::casework::intake::PhoneNumber;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;

/// The link workers' "new referral" fields for a person, with `contact` (name, value) pairs.
fn referral_fields<'a>(nhs: &'a str, practice: &'a str, referred_on: &'a str, contact: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("nhs_number", nhs),
        ("given_name", "Rosa"),
        ("family_name", "Mendes"),
        ("date_of_birth", "1949-03-02"),
        ("sex", "2"),
        ("ethnicity", "C"),
        ("postcode", "LS6 1AA"),
        ("practice_id", practice),
        ("referred_on", referred_on),
        ("source", "gp_practice"),
        ("referrer_name", "Dr Lee"),
        ("consent", "yes"),
        ("reason", "Lonely since her husband died"),
        ("needs", "loneliness"),
    ];
    fields.extend_from_slice(contact);
    fields
}

const CONTACT: &[(&str, &str)] = &[
    ("mobile", "07700 900982"),
    ("email", "rosa@example.org"),
    ("address_line_1", "12 Mill Lane"),
    ("town", "Leeds"),
    ("preferred_contact", "text"),
    ("best_times", "Weekday mornings"),
    ("leave_message", "no"),
];

/// Records a referral through the link worker's form; returns its id.
async fn refer(w: &World, lw: &Browser, nhs: &str, contact: &[(&str, &str)]) -> String {
    let today = today().to_string();
    let (status, location, html) = lw.post("/referrals/new", "/referrals/new", &referral_fields(nhs, &w.practice, &today, contact)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    location.trim_start_matches("/referrals/").split('?').next().unwrap().to_owned()
}

async fn person_of(w: &World, referral_id: &str) -> String {
    w.store.referral_header(referral_id).await.unwrap().unwrap().person_id
}

#[tokio::test]
async fn the_link_workers_form_saves_contact_details_and_the_record_shows_them() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let id = refer(&w, &lw, &nhs_number(1), CONTACT).await;
        let held = w.store.contact_details(&person_of(&w, &id).await).await.unwrap();
        assert_eq!(held.mobile.as_ref().map(PhoneNumber::as_str), Some("07700900982"), "normalised");
        assert_eq!((held.preferred, held.leave_message), (Some(ContactMethod::Text), Some(false)));
        let (_, html) = lw.get(&format!("/referrals/{id}")).await;
        let top = &html[..html.find("Date of birth").expect("the summary list")];
        for shown in ["How to contact them", "Text message", "07700 900982", "rosa@example.org", "12 Mill Lane, Leeds, LS6 1AA", "Weekday mornings", "Do not leave a message"] {
            assert!(top.contains(shown), "{shown} near the top of the record");
        }
        assert!(top.contains(&format!("href=\"/referrals/{id}/contact-details\"")), "a link to change them");
    })
    .await;
}

#[tokio::test]
async fn a_referral_form_without_a_way_to_reach_the_person_is_refused() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let today = today().to_string();
        let (status, _, html) = lw.post("/referrals/new", "/referrals/new", &referral_fields(&nhs_number(2), &w.practice, &today, &[("best_times", "Mornings")])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Enter at least one way to contact the person"), "a clear message");
        assert!(html.contains("href=\"#mobile\""), "linked to the first contact field");
        // A preferred way the details do not allow is refused too.
        let (status, _, html) = lw.post("/referrals/new", "/referrals/new", &referral_fields(&nhs_number(2), &w.practice, &today, &[("landline", "0113 496 0000"), ("preferred_contact", "text")])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("To contact them by text message, enter a mobile number"));
        assert!(w.store.caseload(&w.pcn, None, false).await.unwrap().is_empty(), "nothing saved");
    })
    .await;
}

#[tokio::test]
async fn the_practice_form_saves_a_referral_without_the_optional_fields() {
    on_each_database(|w| async move {
        let practice = Browser::login(&w.base, "practice@test.org").await;
        let today = today().to_string();
        let nhs3 = nhs_number(3);
        let mut fields = referral_fields(&nhs3, &w.practice, &today, &[("landline", "0113 496 0000")]);
        fields.retain(|(k, _)| !matches!(*k, "sex" | "ethnicity"));
        let (status, location, html) = practice.post("/practice/referrals/new", "/practice/referrals/new", &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        assert!(location.starts_with("/practice/referrals"));
        let referral = w.store.referrals_from(&w.practice).await.unwrap()[0].referral_id.clone();
        let record = w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap();
        assert_eq!((record.person.sex.code(), record.person.ethnicity.code()), ("X", "Z"), "not known and not stated");
        assert_eq!(record.contact.landline.as_ref().map(PhoneNumber::as_str), Some("01134960000"));
        // The reports still run over it.
        let manager = Browser::login(&w.base, "manager@test.org").await;
        for page in ["/report", "/report.csv", "/dashboard"] {
            assert_eq!(manager.get(page).await.0, StatusCode::OK, "{page}");
        }
        // Without any way to reach the person the practice form is refused too.
        let nhs4 = nhs_number(4);
        let mut fields = referral_fields(&nhs4, &w.practice, &today, &[]);
        fields.retain(|(k, _)| !matches!(*k, "sex" | "ethnicity"));
        let (status, _, html) = practice.post("/practice/referrals/new", "/practice/referrals/new", &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Enter at least one way to contact the person"));
    })
    .await;
}

#[tokio::test]
async fn the_practice_form_offers_no_self_referral_source() {
    on_each_database(|w| async move {
        let practice = Browser::login(&w.base, "practice@test.org").await;
        let (_, html) = practice.get("/practice/referrals/new").await;
        assert!(html.contains("name=\"source\" type=\"radio\" value=\"gp_practice\""));
        assert!(!html.contains("value=\"self\""), "no self-referral source");
        assert!(html.contains("Sex (optional)") && html.contains("Ethnic group (optional)"));
        let today = today().to_string();
        let nhs5 = nhs_number(5);
        let mut fields = referral_fields(&nhs5, &w.practice, &today, CONTACT);
        fields.retain(|(k, _)| *k != "source");
        fields.push(("source", "self"));
        let (status, _, html) = practice.post("/practice/referrals/new", "/practice/referrals/new", &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Select who made the referral: the GP practice or another health professional"));
        // The link workers' form still records a self-referral made by phone.
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (_, html) = lw.get("/referrals/new").await;
        assert!(html.contains("value=\"self\""));
    })
    .await;
}

#[tokio::test]
async fn changing_contact_details_keeps_each_change_with_who_and_is_audited() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let id = refer(&w, &lw, &nhs_number(6), CONTACT).await;
        let person = person_of(&w, &id).await;
        let page = format!("/referrals/{id}/contact-details");
        let (status, html) = lw.get(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("value=\"07700 900982\"") && html.contains("value=\"LS6 1AA\""), "filled with what is held");
        assert!(w.store.audit_events(&person).await.unwrap().iter().any(|e| e.action == "person.read_contact"), "reading them is audited");
        let mut changed: Vec<(&str, &str)> = CONTACT.iter().copied().filter(|(k, _)| *k != "mobile").collect();
        changed.extend([("mobile", "07700 900123"), ("postcode", "LS7 3QB")]);
        let (status, location, _) = lw.post(&page, &page, &changed).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "post, then redirect");
        assert_eq!(location, format!("/referrals/{id}?notice=contact_details"));
        let changes = w.store.person_changes(&person).await.unwrap();
        let mobile = changes.iter().find(|c| c.field == PersonField::Mobile).expect("the mobile's change");
        assert_eq!((mobile.old_value.as_deref(), mobile.new_value.as_deref(), mobile.source), (Some("07700900982"), Some("07700900123"), DetailsSource::ContactUpdate));
        assert_eq!(mobile.by_name.as_deref(), Some("lw@test.org"));
        assert!(changes.iter().any(|c| c.field == PersonField::Postcode && c.new_value.as_deref() == Some("LS7 3QB")), "the address's postcode changes with it");
        assert!(w.store.audit_events(&person).await.unwrap().iter().any(|e| e.action == "person.contact_update"));
        // The record and the timeline show the new number, and the history says where it came from.
        let (_, html) = lw.get(&format!("/referrals/{id}")).await;
        assert!(html.contains("07700 900123") && !html.contains("07700 900982"));
        let (_, timeline) = lw.get(&format!("/people/{person}")).await;
        assert!(timeline.contains("How to contact them") && timeline.contains("07700 900123"));
        assert!(timeline.contains("Mobile phone") && timeline.contains("Contact details changed by a link worker"));
        // Bad input writes nothing.
        let (status, _, html) = lw.post(&page, &page, &[("mobile", "0113 496 0000"), ("postcode", "LS7 3QB")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("This is not a mobile number"));
        assert_eq!(w.store.contact_details(&person).await.unwrap().mobile.unwrap().as_str(), "07700900123");
        // Another service's link worker cannot read or change them.
        let other = Browser::login(&w.base, "lw.other@test.org").await;
        assert_eq!(other.get(&page).await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn contact_details_of_a_restricted_record_cannot_be_changed() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let id = refer(&w, &lw, &nhs_number(7), CONTACT).await;
        let person = person_of(&w, &id).await;
        w.store.restrict_person(&Default::default(), &person, "Asked us to stop").await.unwrap();
        let page = format!("/referrals/{id}/contact-details");
        let (status, ..) = lw.post(&page, &page, &[("mobile", "07700 900123"), ("postcode", "LS6 1AA")]).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(w.store.contact_details(&person).await.unwrap().mobile.unwrap().as_str(), "07700900982");
    })
    .await;
}

/// A public client with the self-referral form's cookie and CSRF token.
async fn self_refer(w: &World, fields: &[(&str, &str)]) -> reqwest::Response {
    let public = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = public.get(format!("{}/self-referral", w.base)).send().await.unwrap();
    let cookie = form.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = csrf_in(&form.text().await.unwrap());
    let mut all = vec![("csrf_token", csrf.as_str()), ("service_id", w.pcn.as_str())];
    all.extend_from_slice(fields);
    public.post(format!("{}/self-referral", w.base)).header(COOKIE, &cookie).form(&all).send().await.unwrap()
}

#[tokio::test]
async fn taking_on_a_self_referral_carries_its_phone_email_and_preferred_way() {
    on_each_database(|w| async move {
        let r = self_refer(
            &w,
            &[("given_name", "Sam"), ("family_name", "Self"), ("phone", "07700 900555"), ("email", "sam@example.org"), ("preferred_contact", "text"), ("best_times", "After 4pm"), ("leave_message", "yes"), ("reason", "Lonely"), ("consent", "yes")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let incoming = w.store.pending_incoming(&w.pcn).await.unwrap()[0].id.clone();
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let page = format!("/incoming/{incoming}");
        let (_, html) = lw.get(&page).await;
        // Triage shows them and fills the form with them, to confirm and take on.
        assert!(html.contains("07700 900555") && html.contains("Text message") && html.contains("After 4pm"));
        assert!(html.contains("id=\"mobile\" name=\"mobile\" type=\"tel\" value=\"07700 900555\""), "the form is filled with the phone");
        // The browser posts the form as it was filled in.
        let fields = [
            ("nhs_number", nhs_number(8)),
            ("given_name", "Sam".into()),
            ("family_name", "Self".into()),
            ("date_of_birth", "1950-01-01".into()),
            ("sex", "1".into()),
            ("ethnicity", "A".into()),
            ("postcode", "LS1 4AP".into()),
            ("practice_id", w.practice.clone()),
            ("referred_on", today().to_string()),
            ("referrer_name", "Self-referral".into()),
            ("reason", "Lonely".into()),
            ("needs", "loneliness".into()),
            ("mobile", "07700 900555".into()),
            ("landline", "".into()),
            ("email", "sam@example.org".into()),
            ("address_line_1", "".into()),
            ("preferred_contact", "text".into()),
            ("best_times", "After 4pm".into()),
            ("leave_message", "yes".into()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, location, html) = lw.post(&page, &format!("{page}/convert"), &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let referral = location.trim_start_matches("/referrals/").split('?').next().unwrap().to_owned();
        let held = w.store.contact_details(&person_of(&w, &referral).await).await.unwrap();
        assert_eq!(held.mobile.as_ref().map(PhoneNumber::as_str), Some("07700900555"));
        assert_eq!(held.email.as_ref().map(|e| e.as_str()), Some("sam@example.org"));
        assert_eq!((held.preferred, held.best_times.as_deref(), held.leave_message), (Some(ContactMethod::Text), Some("After 4pm"), Some(true)));
        let (_, record) = lw.get(&format!("/referrals/{referral}")).await;
        assert!(record.contains("07700 900555"), "the record shows the phone triage showed");
    })
    .await;
}

#[tokio::test]
async fn taking_on_a_partners_referral_through_the_api_keeps_its_contact_details() {
    on_each_database(|w| async move {
        let partner = Api::new(&w, &w.vcse, linkwork_domain::access::Role::VcsePartner).await;
        let (status, body) = partner
            .post("/api/incoming-referrals", json!({"service_id": w.pcn, "given_name": "Vic", "family_name": "Partner", "phone": "0113 496 0000", "preferred_contact": "phone_call", "leave_message": false, "reason": "Benefits", "consent": "yes"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = partner.post("/api/incoming-referrals", json!({"service_id": w.pcn, "given_name": "Vic", "family_name": "Partner", "phone": "0113 496 0000", "preferred_contact": "text", "reason": "Benefits", "consent": "yes"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a text needs a mobile");
        assert_eq!(body["fields"][0]["field"], "preferred_contact");
        let incoming = w.store.pending_incoming(&w.pcn).await.unwrap()[0].id.clone();
        let lw = Api::new(&w, &w.pcn, linkwork_domain::access::Role::LinkWorker).await;
        let mut fields = referral_json(&nhs_number(9), "Vic", "Partner", "1960-05-05", &w.practice);
        fields.as_object_mut().unwrap().retain(|k, _| !matches!(k.as_str(), "source" | "consent" | "lawful_basis"));
        let (status, created) = lw.post(&format!("/api/incoming-referrals/{incoming}/convert"), fields).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let person = person_of(&w, created["id"].as_str().unwrap()).await;
        let held = w.store.contact_details(&person).await.unwrap();
        assert_eq!(held.landline.as_ref().map(PhoneNumber::as_str), Some("01134960000"));
        assert_eq!((held.preferred, held.leave_message), (Some(ContactMethod::PhoneCall), Some(false)));
    })
    .await;
}

/// A referral with contact details, sent on to the world's partner with the person's consent;
/// returns (referral id, onward referral id).
async fn referred_on(w: &World, lw: &Browser, n: u32) -> (String, String) {
    let id = refer(w, lw, &nhs_number(n), CONTACT).await;
    let record = format!("/referrals/{id}");
    let (status, ..) = lw.post(&record, &format!("{record}/accept"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let onward_page = format!("{record}/onward/new");
    let (status, _, html) = lw.post(&onward_page, &onward_page, &[("service_id", w.service.as_str()), ("share_consent", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let onward = w.store.partner_referrals(&w.vcse).await.unwrap().into_iter().find(|o| o.onward.referral_id == id).unwrap().onward.id;
    (id, onward)
}

#[tokio::test]
async fn a_partner_sees_how_to_reach_the_person_who_agreed_to_share() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (_, onward) = referred_on(&w, &lw, 10).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (status, html) = partner.get(&format!("/partner/referrals/{onward}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("07700 900982") && html.contains("rosa@example.org") && html.contains("Text message"));
        assert!(!html.contains("12 Mill Lane"), "no address: they prefer a text, not a letter");
        let api = Api::new(&w, &w.vcse, linkwork_domain::access::Role::VcsePartner).await;
        let (status, body) = api.get("/api/partner/onward-referrals").await;
        assert_eq!(status, StatusCode::OK);
        let list: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list[0]["contact_details"]["mobile"], "07700900982");
        assert_eq!(list[0]["contact_details"]["preferred"], "text");
    })
    .await;
}

#[tokio::test]
async fn a_partner_never_gets_contact_details_once_sharing_is_withdrawn() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (id, onward) = referred_on(&w, &lw, 11).await;
        let page = format!("/referrals/{id}/contact-details");
        let (_, html) = lw.get(&page).await;
        assert!(html.contains("Stop sharing with Walk") && html.contains(&format!("name=\"org_id\" value=\"{}\"", w.vcse)), "who has them, and a way to stop");
        let (status, location, _) = lw.post(&page, &format!("/referrals/{id}/sharing/withdraw"), &[("org_id", w.vcse.as_str())]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, format!("{page}?notice=sharing_withdrawn"));
        let person = person_of(&w, &id).await;
        assert!(w.store.audit_events(&person).await.unwrap().iter().any(|e| e.action == "sharing_consent.withdraw"));
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (status, html) = partner.get(&format!("/partner/referrals/{onward}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Contact details not shared: contact the link worker"));
        let api = Api::new(&w, &w.vcse, linkwork_domain::access::Role::VcsePartner).await;
        let (_, body) = api.get("/api/partner/onward-referrals").await;
        for (page, text) in [("partner page", &html), ("partner list page", &partner.get("/partner/referrals").await.1), ("partner API", &body)] {
            for detail in ["07700 900982", "07700900982", "rosa@example.org", "Mill Lane", "Weekday mornings"] {
                assert!(!text.contains(detail), "{detail} on the {page} without consent");
            }
        }
        let list: Value = serde_json::from_str(&body).unwrap();
        assert!(list[0]["contact_details"].is_null());
        // The record no longer lists the organisation as agreed, and withdrawing twice is refused.
        let (_, record) = lw.get(&format!("/referrals/{id}")).await;
        assert!(!record.contains("Agreed to share with"));
        let (status, ..) = lw.post(&page, &format!("/referrals/{id}/sharing/withdraw"), &[("org_id", w.vcse.as_str())]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn the_self_referral_page_says_who_it_is_for_where_to_get_urgent_help_and_autocompletes() {
    on_each_database(|w| async move {
        let public = reqwest::Client::new();
        let html = public.get(format!("{}/self-referral", w.base)).send().await.unwrap().text().await.unwrap();
        let before_form = &html[..html.find("<form").unwrap()];
        for text in ["Test PCN social prescribing service", "Who it is for", "999", "NHS 111", "Samaritans", "116 123"] {
            assert!(before_form.contains(text), "{text} before the form");
        }
        for (field, token) in [("given_name", "given-name"), ("family_name", "family-name"), ("phone", "tel"), ("email", "email"), ("postcode", "postal-code"), ("date_of_birth-day", "bday-day")] {
            assert!(html.contains(&format!("id=\"{field}\" name=\"{field}\"")), "{field}");
            let input = &html[html.find(&format!("id=\"{field}\"")).unwrap()..];
            let input = &input[..input.find('>').unwrap()];
            assert!(input.contains(&format!("autocomplete=\"{token}\"")), "{field}: {input}");
        }
        // The confirmation says how to contact the service, quoting the reference.
        let contact = linkwork_domain::person::contact_details::ServiceContact::parse("0113 496 0999", "team@example.org", "Weekdays 9 to 5").unwrap();
        w.store.set_service_contact(&Default::default(), &w.pcn, &contact).await.unwrap();
        let sent = public.get(format!("{}/self-referral/sent?reference=LW-ABCD-EFGH", w.base)).send().await.unwrap().text().await.unwrap();
        assert!(sent.contains("call 0113 496 0999 (Weekdays 9 to 5) or email"), "{sent}");
        assert!(sent.contains("quote your reference LW-ABCD-EFGH") && sent.contains("116 123"));
        let form = public.get(format!("{}/self-referral", w.base)).send().await.unwrap().text().await.unwrap();
        assert!(form.contains("0113 496 0999"), "the form gives the service's number too");
    })
    .await;
}

#[tokio::test]
async fn the_partner_referral_form_autocompletes_too() {
    on_each_database(|w| async move {
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (_, html) = partner.get("/partner/refer").await;
        for token in ["given-name", "family-name", "tel", "email", "postal-code"] {
            assert!(html.contains(&format!("autocomplete=\"{token}\"")), "{token}");
        }
        // Staff typing someone else's details are not offered their own.
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (_, html) = lw.get("/referrals/new").await;
        assert!(html.contains("id=\"mobile\" name=\"mobile\" type=\"tel\" value=\"\" autocomplete=\"off\""));
    })
    .await;
}

#[tokio::test]
async fn the_api_accepts_contact_details_and_needs_none() {
    on_each_database(|w| async move {
        let api = Api::new(&w, &w.pcn, linkwork_domain::access::Role::LinkWorker).await;
        let mut body = referral_json(&nhs_number(12), "Ada", "Api", "1950-01-01", &w.practice);
        let (status, created) = api.post("/api/referrals", body.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "optional in the API: {created}");
        let object = body.as_object_mut().unwrap();
        object.insert("nhs_number".into(), json!(nhs_number(13)));
        for (k, v) in [("mobile", json!("+44 7700 900982")), ("email", json!("ada@example.org")), ("preferred_contact", json!("email")), ("leave_message", json!(true)), ("address_line_1", json!("1 High St"))] {
            object.insert(k.into(), v);
        }
        let (status, created) = api.post("/api/referrals", body.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (_, record) = api.get(&format!("/api/referrals/{}", created["id"].as_str().unwrap())).await;
        let record: Value = serde_json::from_str(&record).unwrap();
        assert_eq!(record["contact"]["mobile"], "07700900982");
        assert_eq!(record["contact"]["preferred"], "email");
        body["nhs_number"] = json!(nhs_number(14));
        body["mobile"] = json!("0113 496 0000");
        body["preferred_contact"] = json!("pigeon");
        let (status, problem) = api.post("/api/referrals", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = problem["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["mobile", "preferred_contact"]);
        let (_, doc) = api.get("/api/openapi.json").await;
        let doc: Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(doc["components"]["schemas"]["ReferralRequest"]["properties"]["preferred_contact"]["enum"], json!(["phone_call", "text", "email", "letter", "in_person"]));
    })
    .await;
}

#[tokio::test]
async fn a_fhir_referral_brings_the_patients_telecom_and_address() {
    on_each_database(|w| async move {
        let doc = include_str!("../../../docs/fhir.md");
        let section = doc.split("## Sending a referral").nth(1).unwrap();
        // The documented example is for a service at https://spl.example.nhs.uk: its needs are
        // coded in that deployment's code system, here this server's.
        let example = section.split("```json\n").nth(1).and_then(|rest| rest.split("```").next()).unwrap().replace("https://spl.example.nhs.uk", &w.base);
        let token = api_token(&w.store, &w.pcn, linkwork_domain::access::Role::LinkWorker).await;
        let r = reqwest::Client::new()
            .post(format!("{}/fhir/ServiceRequest", w.base))
            .bearer_auth(&token)
            .header(reqwest::header::CONTENT_TYPE, "application/fhir+json")
            .body(example)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.headers()[LOCATION].to_str().unwrap().rsplit('/').next().unwrap().to_owned();
        let held = w.store.contact_details(&person_of(&w, &id).await).await.unwrap();
        assert_eq!(held.mobile.as_ref().map(PhoneNumber::as_str), Some("07700900982"));
        assert_eq!(held.landline.as_ref().map(PhoneNumber::as_str), Some("01134960000"));
        assert_eq!(held.preferred, Some(ContactMethod::Text));
        assert_eq!(held.address.map(|a| a.one_line(None)).as_deref(), Some("12 Mill Lane, Leeds"));
    })
    .await;
}

#[tokio::test]
async fn a_later_referral_adds_to_contact_details_only_for_the_same_person() {
    on_each_database(|w| async move {
        let api = Api::new(&w, &w.pcn, linkwork_domain::access::Role::LinkWorker).await;
        let nhs = nhs_number(15);
        let mut first = referral_json(&nhs, "Ada", "Known", "1950-01-01", &w.practice);
        first["mobile"] = json!("07700 900001");
        let (_, created) = api.post("/api/referrals", first.clone()).await;
        let person = person_of(&w, created["id"].as_str().unwrap()).await;
        // The same person, with a new e-mail address: added, the mobile kept, the change kept.
        let mut again = first.clone();
        again.as_object_mut().unwrap().remove("mobile");
        again["email"] = json!("ada@example.org");
        again["confirm_duplicate"] = json!("yes");
        assert_eq!(api.post("/api/referrals", again).await.0, StatusCode::CREATED);
        let held = w.store.contact_details(&person).await.unwrap();
        assert_eq!((held.mobile.unwrap().as_str(), held.email.unwrap().as_str()), ("07700900001", "ada@example.org"));
        let change = w.store.person_changes(&person).await.unwrap().into_iter().find(|c| c.field == PersonField::Email).unwrap();
        assert_eq!((change.old_value, change.source), (None, DetailsSource::Api));
        // Someone else under the same NHS number (an identity conflict): nothing changes.
        let mut other = referral_json(&nhs, "Bob", "Other", "1960-06-06", &w.practice);
        other["mobile"] = json!("07700 900999");
        other["confirm_duplicate"] = json!("yes");
        assert_eq!(api.post("/api/referrals", other).await.0, StatusCode::CREATED);
        assert_eq!(w.store.contact_details(&person).await.unwrap().mobile.unwrap().as_str(), "07700900001");
    })
    .await;
}

#[tokio::test]
async fn subject_access_gives_the_person_how_we_reach_them() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let id = refer(&w, &lw, &nhs_number(17), CONTACT).await;
        let person = person_of(&w, &id).await;
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let (_, html) = manager.get(&format!("/people/{person}/subject-access")).await;
        assert!(html.contains("07700 900982") && html.contains("rosa@example.org") && html.contains("Text message"));
        let (_, json) = manager.get(&format!("/people/{person}/subject-access.json")).await;
        let json: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["contact_details"]["mobile"], "07700900982");
    })
    .await;
}

#[tokio::test]
async fn erasing_a_person_removes_how_to_reach_them() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let id = refer(&w, &lw, &nhs_number(16), CONTACT).await;
        let person = person_of(&w, &id).await;
        w.store.erase_person(&Default::default(), &person, linkwork_store::ErasureGround::Request, "Asked").await.unwrap();
        assert!(w.store.contact_details(&person).await.unwrap().is_empty());
        assert!(w.store.person_changes(&person).await.unwrap().is_empty());
    })
    .await;
}
