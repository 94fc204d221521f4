//! Health-system activity, the tariff and the SROI model on SQLite and PostgreSQL: idempotent
//! writes by natural key, one transaction, audit events, a service's tariff defaults.

use linkwork_domain::access::OrgKind;
use linkwork_domain::evaluation::health_system::{ContactType, CostItem, Tariff, TariffEntry};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use time::macros::date;

fn referral(pcn: &str, nhs: &str) -> NewReferral {
    NewReferral {
        service_org_id: pcn.to_owned(),
        person: PersonDetails {
            nhs_number: NhsNumber::parse(nhs).unwrap(),
            given_name: RequiredText::parse("g", "name", "Activity").unwrap(),
            family_name: RequiredText::parse("f", "name", "Example").unwrap(),
            date_of_birth: DateOfBirth::new(date!(1950 - 05 - 01), date!(2026 - 12 - 01)).unwrap(),
            sex: Sex::Female,
            ethnicity: Ethnicity::NotStated,
            postcode: Postcode::parse("RV1 2AB").unwrap(),
        },
        practice_id: None,
        source: ReferralSource::GpPractice,
        referrer_name: "Dr Example".into(),
        reason: ReferralReason::parse("reason", "reason", "Imported").unwrap(),
        needs: vec![NeedDomain::Loneliness],
        referred_on: date!(2026 - 03 - 02),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    }
}

fn contact(person: &str, on: time::Date, t: ContactType, occurrence: u32) -> NewHealthActivity {
    NewHealthActivity {
        person_id: person.to_owned(),
        contact_on: on,
        contact_type: t,
        bed_days: None,
        source: "EMIS".into(),
        occurrence,
    }
}

#[tokio::test]
async fn activity_tariff_and_sroi_model_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        story(&url)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        eprintln!("{backend}: health activity store passed");
    }
}

async fn story(url: &str) -> Result<()> {
    let store = migrated(url).await?;
    let pcn = store
        .create_org(&NewOrg {
            kind: OrgKind::Pcn,
            name: "Activity PCN".into(),
            ods_code: Some("U00077".into()),
            parent_id: None,
            list_size: None,
        })
        .await?;
    let other = store
        .create_org(&NewOrg {
            kind: OrgKind::Pcn,
            name: "Other PCN".into(),
            ods_code: Some("U00078".into()),
            parent_id: None,
            list_size: None,
        })
        .await?;
    let who = AuditActor {
        org_id: Some(pcn.clone()),
        ..AuditActor::default()
    };
    store
        .create_referrals(
            &who,
            &[referral(&pcn, "9990000980"), referral(&pcn, "9990001960")],
        )
        .await?;
    store
        .create_referrals(&AuditActor::default(), &[referral(&other, "9990002940")])
        .await?;

    let mut people = store.service_people_by_nhs(&pcn).await?;
    people.sort();
    assert_eq!(
        people.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        vec!["9990000980", "9990001960"],
        "only this service's people"
    );
    let (ada, bo) = (people[0].1.clone(), people[1].1.clone());
    let foreign = store.service_people_by_nhs(&other).await?.remove(0).1;

    let mut admission = contact(
        &bo,
        date!(2026 - 04 - 10),
        ContactType::NonElectiveAdmission,
        1,
    );
    admission.bed_days = Some(4);
    let batch = vec![
        contact(&ada, date!(2026 - 01 - 05), ContactType::GpSurgery, 1),
        contact(&ada, date!(2026 - 01 - 05), ContactType::GpSurgery, 2),
        contact(&ada, date!(2026 - 05 - 05), ContactType::GpPhone, 1),
        admission,
    ];
    assert_eq!(
        store.add_health_activity(&who, &pcn, &batch).await?,
        ActivityWrite {
            added: 4,
            already_recorded: 0
        }
    );
    assert_eq!(
        store.count_audit_events("health_activity.import").await?,
        2,
        "one event per person"
    );
    assert!(store
        .audit_events(&ada)
        .await?
        .iter()
        .any(|e| e.action == "health_activity.import"));

    // Importing again (plus one new contact) writes only the new one.
    let mut again = batch.clone();
    again.push(contact(
        &ada,
        date!(2026 - 01 - 05),
        ContactType::GpSurgery,
        3,
    ));
    assert_eq!(
        store.add_health_activity(&who, &pcn, &again).await?,
        ActivityWrite {
            added: 1,
            already_recorded: 4
        }
    );
    assert_eq!(store.count_audit_events("health_activity.import").await?, 3);

    // A person of another service is never written under this one.
    assert_eq!(
        store
            .add_health_activity(
                &who,
                &pcn,
                &[contact(
                    &foreign,
                    date!(2026 - 01 - 05),
                    ContactType::GpPhone,
                    1
                )]
            )
            .await?
            .added,
        0
    );

    let facts = store.health_activity(&pcn).await?;
    assert_eq!(facts.len(), 5);
    assert_eq!(facts[0].contact_on, date!(2026 - 01 - 05));
    let stay = facts
        .iter()
        .find(|f| f.contact_type == ContactType::NonElectiveAdmission)
        .unwrap();
    assert_eq!(
        (stay.person.as_str(), stay.bed_days),
        (bo.as_str(), Some(4))
    );
    assert!(store.health_activity(&other).await?.is_empty());

    // Tariff: the verified defaults until saved; a saved tariff replaces it whole, even empty.
    assert_eq!(store.health_tariff(&pcn).await?, Tariff::default_figures());
    let mut tariff = Tariff::default_figures();
    tariff
        .set(TariffEntry::new(CostItem::BedDay, 34_500, "Local finance team", "2025/26").unwrap());
    tariff.set(
        TariffEntry::new(
            CostItem::Contact(ContactType::GpSurgery),
            4_950,
            "PSSRU 2024",
            "2024",
        )
        .unwrap(),
    );
    store.set_health_tariff(&who, &pcn, &tariff).await?;
    assert_eq!(store.health_tariff(&pcn).await?, tariff);
    assert_eq!(
        store.health_tariff(&other).await?,
        Tariff::default_figures(),
        "per service"
    );
    store
        .set_health_tariff(&who, &pcn, &Tariff::default())
        .await?;
    assert_eq!(
        store.health_tariff(&pcn).await?,
        Tariff::default(),
        "an all-uncosted tariff stays uncosted"
    );
    assert_eq!(store.count_audit_events("health_tariff.update").await?, 2);

    // SROI model document. Never saved: the report gets no model (not Linkwork's illustrative
    // one); a scope of several services gets none either.
    use linkwork_domain::evaluation::sroi::{SroiModel, SroiSetting};
    assert_eq!(store.sroi_model(&pcn).await?, None);
    let to = time::macros::date!(2026 - 12 - 31);
    let one = [pcn.clone()];
    assert_eq!(store.evaluation_input("PCN", &one, to).await?.sroi, SroiSetting::NotEntered);
    let two = [pcn.clone(), "another-service".to_owned()];
    assert_eq!(store.evaluation_input("ICB", &two, to).await?.sroi, SroiSetting::SeveralServices);
    let illustrative = SroiModel::illustrative();
    store.set_sroi_model(&who, &pcn, &serde_json::to_string(&illustrative).unwrap()).await?;
    assert_eq!(store.evaluation_input("PCN", &one, to).await?.sroi, SroiSetting::Saved(illustrative));
    assert_eq!(store.evaluation_input("ICB", &two, to).await?.sroi, SroiSetting::SeveralServices);
    store.set_sroi_model(&who, &pcn, "{\"a\":1}").await?;
    store.set_sroi_model(&who, &pcn, "{\"a\":2}").await?;
    assert_eq!(store.sroi_model(&pcn).await?.as_deref(), Some("{\"a\":2}"));
    Ok(())
}
