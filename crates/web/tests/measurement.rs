//! Issue 5's measurement over HTTP, on SQLite and PostgreSQL: the service's measurement schedule
//! (managers only, validated), the "Measures due" list (own caseload vs the team, other services
//! never), and self-completion on the link worker's device.

use crate::support;

use reqwest::header::COOKIE;
use reqwest::StatusCode;
use support::*;

fn days_ago(n: i64) -> time::Date {
    today() - time::Duration::days(n)
}

fn long(d: time::Date) -> String {
    linkwork_domain::format_date_long(d)
}

/// The rows of the "Measures due" table as (status, name, questionnaire, when, due).
fn due_rows(html: &str) -> Vec<Vec<String>> {
    let doc = scraper::Html::parse_document(html);
    let row = scraper::Selector::parse("tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    doc.select(&row).map(|r| r.select(&cell).take(5).map(cell_text).collect()).collect()
}

// Each test runs on SQLite and PostgreSQL, each time on a fresh world (`support::on_each_database`).

#[tokio::test]
async fn the_schedule_makes_measures_due_and_people_complete_them_on_the_device() {
    on_each_database(|w| async move { schedule_due_and_self_completion(&w).await }).await;
}

#[tokio::test]
async fn needs_are_resolved_or_not_at_discharge() {
    on_each_database(|w| async move { needs_at_discharge(&w).await }).await;
}

#[tokio::test]
async fn custom_questionnaires_are_defined_used_and_scored() {
    on_each_database(|w| async move { custom_questionnaires(&w).await }).await;
}

async fn schedule_due_and_self_completion(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let referred = days_ago(100);
    let first_contact = days_ago(95);
    let fields = [
        ("nhs_number", nhs_number(71)),
        ("given_name", "Mabel".into()),
        ("family_name", "Measureson".into()),
        ("date_of_birth", "1950-02-03".into()),
        ("sex", "2".into()),
        ("ethnicity", "A".into()),
        ("postcode", "M1 1AE".into()),
        ("mobile", "07700 900123".into()),
        ("practice_id", w.practice.clone()),
        ("referred_on", referred.to_string()),
        ("source", "gp_practice".into()),
        ("referrer_name", "Dr Lee".into()),
        ("consent", "yes".into()),
        ("reason", "Lonely since moving".into()),
        ("needs", "loneliness".into()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, _) = lw.post("/referrals/new", "/referrals/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let record = location.split('?').next().unwrap().to_owned();
    assert_eq!(lw.post(&record, &format!("{record}/accept"), &[]).await.0, StatusCode::SEE_OTHER);

    // Before the first contact nothing is due.
    let (status, html) = lw.get("/measures/due").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No measures are due") && html.contains("ONS4 and SWEMWBS at baseline, 3 and 6 months after referral and at discharge"), "{html}");

    let contact = format!("{record}/contacts/new");
    let (status, ..) = lw.post(&contact, &contact, &[("contact_on", &first_contact.to_string()), ("mode", "face_to_face"), ("minutes", "45"), ("accompanied", "no")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Default schedule, 100 days after referral: both baselines (due at first contact, overdue
    // 28 days later) are overdue; both 3-month follow-ups (due 89–92 days after referral, overdue
    // 28 days after that) are due; the 6-month ones are not listed yet (open at ~168 days).
    let (_, html) = lw.get("/measures/due").await;
    let rows = due_rows(&html);
    let summary: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str())).collect();
    assert_eq!(summary, [("Overdue", "ONS4", "Baseline"), ("Overdue", "SWEMWBS", "Baseline"), ("Due", "ONS4", "3-month follow-up"), ("Due", "SWEMWBS", "3-month follow-up")], "{rows:?}");
    assert_eq!(rows[0][1], "Mabel Measureson");
    // In the caseload's words (`linkwork_domain::casework::urgency`): overdue 28 days after the due day.
    assert_eq!(rows[0][4], format!("Overdue since {}", long(first_contact + time::Duration::days(28))));
    assert!(html.contains(&format!("{record}/measures/new?instrument=ons4")));
    assert!(!html.contains("Change the measurement schedule"), "only managers change it");

    // Recording the ONS4 baseline takes it off the list.
    let ons4 = format!("{record}/measures/new?instrument=ons4");
    let (status, ..) = lw.post(&ons4, &ons4, &[("timepoint", "baseline"), ("taken_on", &first_contact.to_string()), ("item_1", "4"), ("item_2", "5"), ("item_3", "4"), ("item_4", "7")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = lw.get("/measures/due").await;
    assert_eq!(due_rows(&html).len(), 3);
    assert!(!due_rows(&html).iter().any(|r| r[2] == "ONS4" && r[3] == "Baseline"));

    // The schedule: managers only, every problem shown, then saved.
    assert_eq!(lw.get("/measures/schedule").await.0, StatusCode::FORBIDDEN);
    assert_eq!(lw.post("/measures/due", "/measures/schedule", &[("instruments", "ons4"), ("months", "3")]).await.0, StatusCode::FORBIDDEN);
    let manager = Browser::login(&w.base, "manager@test.org").await;
    let (status, html) = manager.get("/measures/schedule").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"3, 6\""));
    let (status, _, html) = manager.post("/measures/schedule", "/measures/schedule", &[("months", "3, 3, 30")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Select at least one questionnaire") && html.contains("Follow-up months must be from 1 to 24 (not 30)"));
    let (status, _, html) = manager.post("/measures/schedule", "/measures/schedule", &[("instruments", "swemwbs"), ("months", "1 and 2")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("whole numbers from 1 to 24"));
    let (status, location, _) = manager.post("/measures/schedule", "/measures/schedule", &[("instruments", "swemwbs"), ("months", "12, 1")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/measures/schedule?notice=schedule"));
    let (_, html) = manager.get("/measures/schedule?notice=schedule").await;
    assert!(html.contains("Measurement schedule saved") && html.contains("value=\"1, 12\""));
    assert_eq!(w.store.count_audit_events("measurement_schedule.update").await.unwrap(), 1);

    // SWEMWBS only, at 1 and 12 months: the baseline and the 1-month follow-up (due ~69 days ago,
    // overdue; the 12-month window is far off, so it stays listed). The team view names the worker.
    let (_, html) = manager.get("/measures/due").await;
    let rows = due_rows(&html);
    let summary: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str())).collect();
    assert_eq!(summary, [("Overdue", "SWEMWBS", "Baseline"), ("Overdue", "SWEMWBS", "1-month follow-up")], "{rows:?}");
    assert!(html.contains("Measures due in the team") && html.contains("lw@test.org") && html.contains("Change the measurement schedule"));
    // Another service's link worker sees none of it.
    let other = Browser::login(&w.base, "lw.other@test.org").await;
    let (_, html) = other.get("/measures/due").await;
    assert!(html.contains("No measures are due") && !html.contains("Mabel"));
    // Partners and commissioners may not see the list.
    let partner = Browser::login(&w.base, "partner@test.org").await;
    assert_eq!(partner.get("/measures/due").await.0, StatusCode::FORBIDDEN);

    // Self-completion: the record links to it; the person's page shows only the questions and
    // their first name, with no menu and no way to the record.
    let (_, html) = lw.get(&record).await;
    assert!(html.contains(&format!("{record}/self-complete")));
    let (status, html) = lw.get(&format!("{record}/self-complete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Hand the device to the person") && html.contains("self-complete?instrument=swemwbs"));
    let page = format!("{record}/self-complete?instrument=swemwbs");
    let (status, html) = lw.get(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Mabel, please answer these questions"));
    for hidden in ["Measureson", "/caseload", "Sign out", &record, "1950", "M1 1AE", "href=\"/\""] {
        assert!(!html.replace(&page, "").contains(hidden), "{hidden} on the person's page");
    }
    // Incomplete: every unanswered question named, nothing saved.
    let (status, _, html) = lw.post(&page, &page, &[("item_1", "3"), ("item_2", "4"), ("item_4", "2"), ("item_5", "3"), ("item_6", "3")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Answer question 3:") && html.contains("Answer question 7:") && !html.contains("Answer question 1:"));
    assert!(html.contains("Mabel, please answer") && !html.contains("Measureson"));
    assert_eq!(w.store.count_audit_events("measure.create_self_completed").await.unwrap(), 0);
    // A form without the session's CSRF token is refused.
    let r = lw.http.post(format!("{}{page}", w.base)).header(COOKIE, &lw.cookie).form(&[("csrf_token", "wrong"), ("item_1", "3")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Other services and signed-out devices cannot use it.
    assert_eq!(other.get(&page).await.0, StatusCode::NOT_FOUND);
    let anonymous = Browser::new(&w.base);
    assert_eq!(anonymous.get(&page).await.0, StatusCode::SEE_OTHER);
    // Complete: saved as the SWEMWBS baseline (the first), audited, then "hand the device back".
    let answers: Vec<(&str, &str)> = vec![("item_1", "3"), ("item_2", "4"), ("item_3", "3"), ("item_4", "2"), ("item_5", "3"), ("item_6", "3"), ("item_7", "4")];
    let (status, location, _) = lw.post(&page, &page, &answers).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("{record}/self-complete/done").as_str()));
    let (_, html) = lw.get(&location).await;
    assert!(html.contains("Please hand the device back") && html.contains(&format!("href=\"{record}?notice=measure\"")) && !html.contains("Mabel"));
    assert_eq!(w.store.count_audit_events("measure.create_self_completed").await.unwrap(), 1);
    let (_, html) = lw.get(&record).await;
    assert!(html.contains("Baseline (first or second contact)"));
    let (_, html) = lw.get("/measures/due").await;
    let rows = due_rows(&html);
    assert_eq!(rows.iter().map(|r| r[3].as_str()).collect::<Vec<_>>(), ["1-month follow-up"], "{rows:?}");
}

/// The discharge form asks what happened with each need on the referral (optional per need), an
/// unknown answer writes nothing, and the answers are stored with the discharge.
async fn needs_at_discharge(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let fields = [
        ("nhs_number", nhs_number(72)),
        ("given_name", "Nell".into()),
        ("family_name", "Needham".into()),
        ("date_of_birth", "1960-02-03".into()),
        ("sex", "2".into()),
        ("ethnicity", "A".into()),
        ("postcode", "M1 1AE".into()),
        ("mobile", "07700 900123".into()),
        ("practice_id", w.practice.clone()),
        ("referred_on", days_ago(60).to_string()),
        ("source", "gp_practice".into()),
        ("referrer_name", "Dr Lee".into()),
        ("consent", "yes".into()),
        ("reason", "Debts and lonely".into()),
    ];
    let mut fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fields.push(("needs", "money"));
    fields.push(("needs", "loneliness"));
    let (_, location, _) = lw.post("/referrals/new", "/referrals/new", &fields).await;
    let record = location.split('?').next().unwrap().to_owned();
    let id = record.trim_start_matches("/referrals/").to_owned();
    assert_eq!(lw.post(&record, &format!("{record}/accept"), &[]).await.0, StatusCode::SEE_OTHER);
    let discharge = format!("{record}/discharge");
    let (_, html) = lw.get(&discharge).await;
    assert!(html.contains("What happened with each need") && html.contains("name=\"resolution_money\"") && html.contains("name=\"resolution_loneliness\""));
    assert!(!html.contains("resolution_housing"));
    // An answer that is not one of the choices: the form again, nothing written.
    let (status, _, html) = lw.post(&discharge, &discharge, &[("discharge_reason", "other"), ("resolution_money", "sorted")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Select what happened with &quot;Money, debt and benefits&quot;") || html.contains("Select what happened with &#34;Money, debt and benefits&#34;"), "{html}");
    assert!(w.store.need_resolutions(&id).await.unwrap().is_empty());
    // Money partly resolved; loneliness left blank (not recorded). An answer for a need the
    // referral does not have is ignored.
    let (status, location, _) = lw.post(&discharge, &discharge, &[("discharge_reason", "other"), ("resolution_money", "partly"), ("resolution_housing", "resolved"), ("confirm", "yes")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("{record}?notice=discharged").as_str()));
    use linkwork_domain::casework::need::NeedDomain;
    use linkwork_domain::evaluation::resolution::NeedResolution;
    assert_eq!(w.store.need_resolutions(&id).await.unwrap(), vec![(NeedDomain::MoneyDebtBenefits, NeedResolution::Partly)]);
    let (_, html) = lw.get(&record).await;
    assert!(html.contains("Discharged"));
    // The evaluation input carries it for the report.
    let input = w.store.evaluation_input("Test", &[w.pcn.clone()], today()).await.unwrap();
    let fact = input.sdoh.iter().find(|f| *f.referral_id == *id).unwrap();
    assert_eq!(fact.needs, vec![NeedDomain::Loneliness, NeedDomain::MoneyDebtBenefits]);
    assert_eq!(fact.recorded, vec![(NeedDomain::MoneyDebtBenefits, NeedResolution::Partly)]);
    assert_eq!(fact.discharged_on, today());
}

/// A manager defines a questionnaire (validated, every problem shown); link workers record it
/// against its own answers; the evaluation pairs it like the shipped ones.
async fn custom_questionnaires(w: &World) {
    let manager = Browser::login(&w.base, "manager@test.org").await;
    let lw = Browser::login(&w.base, "lw@test.org").await;
    assert_eq!(lw.get("/measures/instruments/new").await.0, StatusCode::FORBIDDEN);
    let new = "/measures/instruments/new";
    let (status, _, html) = manager.post(new, new, &[("name", "Confidence to manage my health"), ("version", "1"), ("licence", "Our own"), ("answers", "1: Not at all"), ("items", ""), ("scoring", "sum"), ("better", "higher"), ("threshold", "0")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Enter at least one question, one per line"), "{html}");
    let (status, _, html) = manager.post(new, new, &[("name", "Confidence to manage my health"), ("version", "1"), ("licence", "Our own"), ("answers", "1: Not at all"), ("items", "I can manage"), ("scoring", "sum"), ("better", "higher"), ("threshold", "1")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Question 1 needs at least two answers"));
    let fields = [
        ("name", "Confidence to manage my health"),
        ("version", "1"),
        ("licence", "Our own questionnaire, free to use"),
        ("answers", "1: Not at all; 2: A little; 3: Somewhat; 4: Very; 5: Completely"),
        ("items", "I know what to do when my health changes\nI can get the help I need\nI feel in control of my health"),
        ("scoring", "sum"),
        ("better", "higher"),
        ("threshold", "2"),
        ("concern_at", "6"),
    ];
    let (status, location, _) = manager.post(new, new, &fields).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/measures/instruments?notice=instrument"));
    let (_, html) = lw.get("/measures/instruments").await;
    assert!(html.contains("Confidence to manage my health") && !html.contains("Define a questionnaire"));
    let (id, instrument) = w.store.custom_instruments(&w.pcn).await.unwrap().remove(0);
    assert!(instrument.code().starts_with("custom_"));
    assert!(w.store.custom_instruments(&w.other_pcn).await.unwrap().is_empty());

    // A referral with a first contact; the link worker records the questionnaire twice.
    let fields = [
        ("nhs_number", nhs_number(73)),
        ("given_name", "Cora".into()),
        ("family_name", "Custom".into()),
        ("date_of_birth", "1970-02-03".into()),
        ("sex", "2".into()),
        ("ethnicity", "A".into()),
        ("postcode", "M1 1AE".into()),
        ("mobile", "07700 900123".into()),
        ("practice_id", w.practice.clone()),
        ("referred_on", days_ago(40).to_string()),
        ("source", "gp_practice".into()),
        ("referrer_name", "Dr Lee".into()),
        ("consent", "yes".into()),
        ("reason", "Managing diabetes".into()),
        ("needs", "long_term_condition".into()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, location, _) = lw.post("/referrals/new", "/referrals/new", &fields).await;
    let record = location.split('?').next().unwrap().to_owned();
    let referral_id = record.trim_start_matches("/referrals/").to_owned();
    lw.post(&record, &format!("{record}/accept"), &[]).await;
    let (_, html) = lw.get(&record).await;
    assert!(html.contains(&format!("{record}/custom-measures")));
    let (_, html) = lw.get(&format!("{record}/custom-measures")).await;
    let form = format!("{record}/custom-measures/new?instrument={}", instrument.code());
    assert!(html.contains(&form.replace('&', "&amp;")) || html.contains(&form));
    // Answers outside the definition, and a missing one, are named.
    let (status, _, html) = lw.post(&form, &form, &[("timepoint", "baseline"), ("taken_on", &days_ago(35).to_string()), ("item_1", "6"), ("item_3", "2")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Choose one of the answers to question 1") && html.contains("Answer question 2: I can get the help I need"));
    let (status, ..) = lw.post(&form, &form, &[("timepoint", "baseline"), ("taken_on", &days_ago(35).to_string()), ("item_1", "2"), ("item_2", "2"), ("item_3", "1")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, ..) = lw.post(&form, &form, &[("timepoint", "follow_up"), ("taken_on", &days_ago(1).to_string()), ("item_1", "4"), ("item_2", "3"), ("item_3", "4")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(w.store.count_audit_events("custom_measure.create").await.unwrap(), 2);
    let (_, html) = lw.get(&format!("{record}/custom-measures")).await;
    assert!(html.contains("Confidence to manage my health (total): 5") && html.contains("Confidence to manage my health (total): 11"));
    // Another service cannot use it, nor record against this referral.
    let other = Browser::login(&w.base, "lw.other@test.org").await;
    assert_eq!(other.get(&form).await.0, StatusCode::NOT_FOUND);

    // The evaluation pairs 5 → 11 (+6) for this person: one pair, so suppressed.
    let input = w.store.evaluation_input("Test", &[w.pcn.clone()], today()).await.unwrap();
    let mine: Vec<_> = input.custom_measures.iter().filter(|m| m.referral_id == referral_id).collect();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[1].answers, vec![4, 3, 4]);
    let period = linkwork_domain::evaluation::Period::new(days_ago(364), today()).unwrap();
    let report = linkwork_domain::evaluation::evaluate(&input, period, &Default::default());
    let o = report.custom_outcomes.iter().find(|o| o.instrument_code == instrument.code()).unwrap();
    assert!(o.n_paired.is_suppressed() && o.mean_change.is_suppressed());
    assert_eq!(o.threshold, 2.0);
    let _ = id;
}
