//! The health-system tariff page over HTTP on SQLite and PostgreSQL: only service managers reach
//! it; it shows the verified defaults; a bad cost or a missing source writes nothing; a saved
//! tariff is used for that service only and audited.

use crate::support;

use linkwork_domain::evaluation::health_system::{ContactType, CostItem, Tariff};
use reqwest::StatusCode;
use support::*;

// Each test runs on SQLite and PostgreSQL, each time on a fresh world (`support::on_each_database`).

#[tokio::test]
async fn the_tariff_page_is_for_managers_checks_costs_and_is_used_for_their_service_only() {
    on_each_database(|w| async move { tariff(&w).await }).await;
}

#[tokio::test]
async fn a_price_index_is_saved_with_the_tariff_once_every_cost_says_its_financial_year() {
    on_each_database(|w| async move { price_index(&w).await }).await;
}

#[tokio::test]
async fn the_sroi_model_page_saves_a_checked_model_for_the_service() {
    on_each_database(|w| async move { sroi(&w).await }).await;
}

#[tokio::test]
async fn health_activity_upload_checks_the_file_and_imports_the_good_rows() {
    on_each_database(|w| async move { activity_upload(&w).await }).await;
}

/// Every field of the form, as the page fills it for the default figures.
fn default_fields() -> Vec<(String, String)> {
    let t = Tariff::default_figures();
    let mut out = Vec::new();
    for item in CostItem::all() {
        let code = item.code();
        let e = t.entry(item);
        out.push((
            format!("cost_{code}"),
            e.map(|e| format!("{:.2}", e.unit_cost()))
                .unwrap_or_default(),
        ));
        out.push((
            format!("source_{code}"),
            e.map(|e| e.source().to_owned()).unwrap_or_default(),
        ));
        out.push((
            format!("year_{code}"),
            e.map(|e| e.year().to_owned()).unwrap_or_default(),
        ));
    }
    out
}

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    fields.iter_mut().find(|(n, _)| n == name).unwrap().1 = value.to_owned();
}

async fn tariff(w: &World) {
    for email in ["lw@test.org", "commissioner@test.org", "partner@test.org"] {
        let b = Browser::login(&w.base, email).await;
        assert_eq!(
            b.get("/health/tariff").await.0,
            StatusCode::FORBIDDEN,
            "{email}"
        );
    }
    let m = Browser::login(&w.base, "manager@test.org").await;
    let (status, html) = m.get("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"href="/health/sroi""#)
            && html.contains("reports show no SROI until you save your own")
    );
    assert_eq!(
        Browser::login(&w.base, "lw@test.org")
            .await
            .get("/health")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, html) = m.get("/health/tariff").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Health-system tariff"));
    assert!(
        html.contains(r#"id="cost_gp_surgery" name="cost_gp_surgery" type="text" value="45.00""#),
        "defaults shown"
    );
    assert!(
        html.contains(r#"id="cost_bed_day" name="cost_bed_day" type="text" value="""#),
        "bed days uncosted"
    );

    // A negative cost and a cost without a source: both named, nothing saved.
    let mut fields = default_fields();
    set(&mut fields, "cost_gp_phone", "-3");
    set(&mut fields, "cost_bed_day", "345");
    set(&mut fields, "year_bed_day", "2025/26");
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (status, _, html) = m.post("/health/tariff", "/health/tariff", &pairs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("GP telephone consultation: enter the unit cost in pounds, 0 or more"));
    assert!(html.contains("Bed day (non-elective stay): enter where the unit cost comes from"));
    assert!(html.contains(r##"href="#source_bed_day""##));
    assert_eq!(
        w.store.health_tariff(&w.pcn).await.unwrap(),
        Tariff::default_figures()
    );

    set(&mut fields, "cost_gp_phone", "27.50");
    set(&mut fields, "source_bed_day", "Local finance team");
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (status, location, _) = m.post("/health/tariff", "/health/tariff", &pairs).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/health/tariff?notice=saved")
    );
    let saved = w.store.health_tariff(&w.pcn).await.unwrap();
    assert_eq!(
        saved
            .entry(CostItem::Contact(ContactType::GpPhone))
            .unwrap()
            .unit_cost_pence(),
        2_750
    );
    assert_eq!(
        saved.entry(CostItem::BedDay).unwrap().source(),
        "Local finance team"
    );
    assert_eq!(
        w.store.health_tariff(&w.other_pcn).await.unwrap(),
        Tariff::default_figures(),
        "another service keeps its own"
    );
    assert_eq!(
        w.store
            .count_audit_events("health_tariff.update")
            .await
            .unwrap(),
        1
    );
    let (_, html) = m.get("/health/tariff?notice=saved").await;
    assert!(html.contains("Tariff saved") && html.contains(r#"value="345.00""#));
}

async fn price_index(w: &World) {
    let m = Browser::login(&w.base, "manager@test.org").await;
    let (_, html) = m.get("/health/tariff").await;
    assert!(html.contains("Price index (optional)") && html.contains(r#"<textarea class="nhsuk-textarea" id="index_values" name="index_values""#));
    let mut fields = default_fields();
    fields.push(("index_source".into(), "PSSRU NHS cost inflation index".into()));
    fields.push(("index_values".into(), "2012/13\t100\n2013/14\t101.4\n2024/25\t137.2".into()));
    let post = |fields: Vec<(String, String)>| {
        let m = &m;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            m.post("/health/tariff", "/health/tariff", &pairs).await
        }
    };
    // The default PSSRU figures say "2013": the index cannot tell which financial year's prices.
    let (status, _, html) = post(fields.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("GP surgery consultation: with a price index, give the year of the cost&#39;s prices as a financial year, like 2012/13"));
    assert!(html.contains(r##"href="#year_gp_surgery""##));
    assert_eq!(w.store.health_tariff(&w.pcn).await.unwrap(), Tariff::default_figures(), "nothing saved");
    for code in ["gp_surgery", "gp_phone", "gp_home_visit", "practice_nurse"] {
        set(&mut fields, &format!("year_{code}"), "2012/13");
    }
    let (status, location, _) = post(fields).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/health/tariff?notice=saved"));
    let saved = w.store.health_tariff(&w.pcn).await.unwrap();
    let index = saved.price_index().expect("saved with the tariff");
    assert_eq!((index.source(), index.values_text().as_str()), ("PSSRU NHS cost inflation index", "2012/13=100;2013/14=101.4;2024/25=137.2"));
    let (_, html) = m.get("/health/tariff?notice=saved").await;
    assert!(html.contains("2012/13 = 100\n2013/14 = 101.4\n2024/25 = 137.2</textarea>"), "the page shows the saved index");
}

async fn sroi(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    assert_eq!(lw.get("/health/sroi").await.0, StatusCode::FORBIDDEN);
    let m = Browser::login(&w.base, "manager@test.org").await;
    let (status, html) = m.get("/health/sroi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("No SROI model yet")
            && html
                .contains(r#"id="input_value_0" name="input_value_0" type="text" value="40000""#),
        "the illustrative model until saved"
    );

    let mut fields: Vec<(String, String)> = vec![
        ("discount_rate".into(), "3.5".into()),
        ("input_label_0".into(), "Link workers".into()),
        ("input_kind_0".into(), "staff".into()),
        ("input_quantity_0".into(), "2".into()),
        ("input_value_0".into(), "50000".into()),
        ("input_source_0".into(), "Payroll 2026/27".into()),
        ("outcome_label_0".into(), "Wellbeing".into()),
        ("outcome_from_0".into(), "entered".into()),
        ("outcome_quantity_0".into(), "100".into()),
        ("outcome_proxy_0".into(), "2000".into()),
        ("outcome_proxy_source_0".into(), "".into()),
        ("outcome_deadweight_0".into(), "25".into()),
        ("outcome_displacement_0".into(), "0".into()),
        ("outcome_attribution_0".into(), "20".into()),
        ("outcome_duration_0".into(), "2".into()),
        ("outcome_drop_off_0".into(), "50".into()),
    ];
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (status, _, html) = m.post("/health/sroi", "/health/sroi", &pairs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Enter the source of outcome 1&#39;s financial proxy")
            || html.contains("Enter the source of outcome 1's financial proxy"),
        "{}",
        &html[..html.len().min(3000)]
    );
    assert_eq!(w.store.sroi_model(&w.pcn).await.unwrap(), None);

    fields[10].1 = "Service's own valuation, 2026".into();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (status, location, _) = m.post("/health/sroi", "/health/sroi", &pairs).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/health/sroi?notice=saved")
    );
    let saved: linkwork_domain::evaluation::sroi::SroiModel =
        serde_json::from_str(&w.store.sroi_model(&w.pcn).await.unwrap().unwrap()).unwrap();
    assert!(!saved.illustrative && saved.inputs.len() == 1 && saved.outcomes.len() == 1);
    assert_eq!(
        w.store
            .count_audit_events("sroi_model.update")
            .await
            .unwrap(),
        1
    );
    let (_, html) = m.get("/health/sroi?notice=saved").await;
    assert!(html.contains("SROI model saved") && !html.contains("Illustrative figures"));
}

async fn activity_upload(w: &World) {
    use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
    use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
    use linkwork_domain::{NhsNumber, Postcode, RequiredText};
    use reqwest::header::COOKIE;
    use reqwest::multipart::{Form, Part};
    let nhs = nhs_number(4242);
    let person = PersonDetails {
        nhs_number: NhsNumber::parse(&nhs).unwrap(),
        given_name: RequiredText::parse("g", "name", "Upload").unwrap(),
        family_name: RequiredText::parse("f", "name", "Example").unwrap(),
        date_of_birth: DateOfBirth::new(time::macros::date!(1950 - 05 - 01), today()).unwrap(),
        sex: Sex::Female,
        ethnicity: Ethnicity::NotStated,
        postcode: Postcode::parse("RV1 2AB").unwrap(),
    };
    let referral = linkwork_store::NewReferral {
        service_org_id: w.pcn.clone(),
        person,
        practice_id: None,
        source: ReferralSource::GpPractice,
        referrer_name: "Dr Example".into(),
        reason: ReferralReason::parse("reason", "reason", "Test").unwrap(),
        needs: vec![linkwork_domain::casework::need::NeedDomain::Loneliness],
        needs_to_confirm: false,
        referred_on: today(),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    };
    w.store
        .create_referrals(&linkwork_store::AuditActor::default(), &[referral])
        .await
        .unwrap();

    let lw = Browser::login(&w.base, "lw@test.org").await;
    assert_eq!(
        lw.get("/health/activity/import").await.0,
        StatusCode::FORBIDDEN
    );
    let m = Browser::login(&w.base, "manager@test.org").await;
    let send = |csv: String, options: &'static [&'static str]| {
        let m = &m;
        async move {
            let (_, html) = m.get("/health/activity/import").await;
            let mut form = Form::new().text("csrf_token", csrf_in(&html));
            for o in options {
                form = form.text(o.to_string(), "yes");
            }
            form = form.part(
                "file",
                Part::bytes(csv.into_bytes())
                    .file_name("activity.csv")
                    .mime_str("text/csv")
                    .unwrap(),
            );
            let r = m
                .http
                .post(format!("{}/health/activity/import", m.base))
                .header(COOKIE, &m.cookie)
                .multipart(form)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (status, html) = m.get("/health/activity/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Import health-system activity")
            && html.contains("enctype=\"multipart/form-data\"")
    );

    let bad = format!("nhs_number,contact_on,contact_type\n{nhs},2026-01-05,gp_visit\n{nhs},2026-01-06,gp_phone\n");
    let (status, html) = send(bad.clone(), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Nothing has been imported") && html.contains("is not a type of contact")
    );
    assert!(w.store.health_activity(&w.pcn).await.unwrap().is_empty());

    let other = nhs_number(4243);
    let good = format!("NHS No.,Date,Type\n{nhs},2026-01-05,gp_surgery\n{nhs},2026-01-06,gp_phone\n{other},2026-01-06,gp_phone\n");
    let (status, html) = send(good.clone(), &["dry_run"]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Checked: 2 contacts ready")
            && html.contains("1 row for people the service does not know left out (lines 4)"),
        "{html}"
    );
    assert!(w.store.health_activity(&w.pcn).await.unwrap().is_empty());
    let (status, html) = send(good.clone(), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2 contacts imported"));
    let (_, html) = send(good, &[]).await;
    assert!(
        html.contains("0 contacts imported") && html.contains("2 contacts were already recorded")
    );
    assert_eq!(w.store.health_activity(&w.pcn).await.unwrap().len(), 2);
    let (status, html) = send(bad, &["skip_bad_rows"]).await;
    assert_eq!(status, StatusCode::OK);
    // Its good row (the phone call of 6 January) is already recorded from the file above.
    assert!(
        html.contains("0 contacts imported")
            && html.contains("1 contact was already recorded")
            && html.contains("Rows skipped"),
        "{html}"
    );
}
