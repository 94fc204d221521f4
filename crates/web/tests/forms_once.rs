//! Every form is saved once (issue 12): the same page's form sent twice — a double click, reloading
//! "Referral sent", the back button and send — saves one record and leads to the same page; a form
//! that came back with errors can be corrected and sent with the same key. On SQLite and PostgreSQL.

use crate::support;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use support::*;

/// The value of the hidden input `name` on a page.
fn hidden(html: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("input[name={name}]")).unwrap();
    doc.select(&sel).next().unwrap_or_else(|| panic!("a {name} field")).value().attr("value").unwrap().to_owned()
}

/// A page's form, ready to be sent (possibly several times) with its CSRF token and one-time key.
struct Form {
    action: String,
    cookie: String,
    fields: Vec<(String, String)>,
}

impl Form {
    async fn open(b: &Browser, page: &str, action: &str) -> Self {
        let r = b.http.get(format!("{}{page}", b.base)).header(COOKIE, &b.cookie).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{page}");
        // A visitor who is not signed in gets their form's cookie with the page.
        let cookie = match r.headers().get(SET_COOKIE) {
            Some(c) if b.cookie.is_empty() => c.to_str().unwrap().split(';').next().unwrap().to_owned(),
            _ => b.cookie.clone(),
        };
        let html = r.text().await.unwrap();
        let key = hidden(&html, "form_key");
        assert!(key.len() >= 20, "every form has a one-time key: {key}");
        Self { action: action.into(), cookie, fields: vec![("csrf_token".into(), csrf_in(&html)), ("form_key".into(), key)] }
    }

    async fn send(&self, b: &Browser, extra: &[(&str, &str)]) -> (StatusCode, String, String) {
        let mut all = self.fields.clone();
        all.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        let r = b.http.post(format!("{}{}", b.base, self.action)).header(COOKIE, &self.cookie).form(&all).send().await.unwrap();
        let location = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
        (r.status(), location, r.text().await.unwrap())
    }
}

fn self_referral(w: &World) -> Vec<(&'static str, String)> {
    vec![
        ("service_id", w.pcn.clone()),
        ("given_name", "Sam".into()),
        ("family_name", "Twice".into()),
        ("phone", "07700 900982".into()),
        ("reason", "I feel lonely since I retired".into()),
        ("needs", "loneliness".into()),
        ("consent", "yes".into()),
    ]
}

fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn a_self_referral_sent_twice_is_saved_once_and_both_lead_to_the_same_confirmation() {
    on_each_database(|w| async move {
        let public = Browser::new(&w.base);
        let form = Form::open(&public, "/self-referral", "/self-referral").await;
        let fields = self_referral(&w);
        let first = form.send(&public, &borrowed(&fields)).await;
        let second = form.send(&public, &borrowed(&fields)).await;
        assert_eq!(first.0, StatusCode::SEE_OTHER);
        assert_eq!(second.0, StatusCode::SEE_OTHER, "the second send is answered with the first's result");
        assert_eq!(first.1, second.1, "both lead to the same reference");
        assert_eq!(w.store.pending_incoming(&w.pcn).await.unwrap().len(), 1, "one referral saved");
    })
    .await;
}

#[tokio::test]
async fn a_partner_referral_sent_twice_is_saved_once() {
    on_each_database(|w| async move {
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let form = Form::open(&partner, "/partner/refer", "/partner/refer").await;
        let fields = [("service_id", w.pcn.as_str()), ("given_name", "Vic"), ("family_name", "Twice"), ("email", "vic@example.org"), ("reason", "Needs help with benefits"), ("needs", "money"), ("consent", "yes")];
        let first = form.send(&partner, &fields).await;
        let second = form.send(&partner, &fields).await;
        assert_eq!((first.0, second.0), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
        assert!(first.1.starts_with("/partner/refer/sent?reference=LW-"), "{}", first.1);
        assert_eq!(first.1, second.1);
        let (_, list) = partner.get("/partner/referrals").await;
        assert_eq!(list.matches("Vic Twice").count(), 1, "one referral in the partner's list: {list}");
    })
    .await;
}

#[tokio::test]
async fn a_contact_sent_twice_is_logged_once() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let referred_on = today().to_string();
        let (status, location, html) = lw
            .post(
                "/referrals/new",
                "/referrals/new",
                &[
                    ("nhs_number", nhs_number(71).as_str()),
                    ("given_name", "Cy"),
                    ("family_name", "Once"),
                    ("date_of_birth", "1970-04-01"),
                    ("sex", "2"),
                    ("ethnicity", "A"),
                    ("postcode", "LS1 4AP"),
                    ("mobile", "07700 900123"),
                    ("mobile", "07700 900123"),
                    ("practice_id", w.practice.as_str()),
                    ("referred_on", referred_on.as_str()),
                    ("source", "gp_practice"),
                    ("referrer_name", "Dr Patel"),
                    ("reason", "Lonely"),
                    ("needs", "loneliness"),
                    ("consent", "yes"),
                    ("lawful_basis", "direct_care"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let record = location.split('?').next().unwrap().to_owned();
        lw.post(&record, &format!("{record}/accept"), &[]).await;
        let page = format!("{record}/contacts/new");
        let form = Form::open(&lw, &page, &page).await;
        let fields = [("contact_on", referred_on.as_str()), ("mode", "phone"), ("minutes", "25"), ("accompanied", "no"), ("notes", "Talked about the walking group")];
        let first = form.send(&lw, &fields).await;
        let second = form.send(&lw, &fields).await;
        assert_eq!((first.0, second.0), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
        assert_eq!(first.1, second.1);
        let (_, html) = lw.get(&record).await;
        assert_eq!(html.matches("Talked about the walking group").count(), 1, "one contact on the record");
    })
    .await;
}

#[tokio::test]
async fn a_form_that_came_back_with_errors_can_be_corrected_and_sent_with_the_same_key() {
    on_each_database(|w| async move {
        let public = Browser::new(&w.base);
        let form = Form::open(&public, "/self-referral", "/self-referral").await;
        let mut fields = self_referral(&w);
        fields.retain(|(k, _)| *k != "reason");
        let (status, _, html) = form.send(&public, &borrowed(&fields)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert_eq!(w.store.pending_incoming(&w.pcn).await.unwrap().len(), 0);
        let (status, location, _) = form.send(&public, &borrowed(&self_referral(&w))).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "the corrected form is saved");
        assert!(location.starts_with("/self-referral/sent?reference=LW-"), "{location}");
        assert_eq!(w.store.pending_incoming(&w.pcn).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn each_page_gives_its_form_a_new_key() {
    on_each_database(|w| async move {
        let public = Browser::new(&w.base);
        let a = hidden(&public.get("/self-referral").await.1, "form_key");
        let b = hidden(&public.get("/self-referral").await.1, "form_key");
        assert_ne!(a, b, "two visits to a form are two forms");
    })
    .await;
}
