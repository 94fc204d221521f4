//! Equity reference data on SQLite and PostgreSQL: NSPL and IMD upserts are idempotent, a
//! postcode finds its decile, list profiles replace by practice and dimension, and the
//! evaluation's input carries each referred person's groups.

use linkwork_domain::access::OrgKind;
use linkwork_domain::evaluation::equity::*;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use time::macros::date;

fn referral(pcn: &str, practice_id: &str, nhs: &str, postcode: &str, born: time::Date, ethnicity: Ethnicity) -> NewReferral {
    NewReferral {
        service_org_id: pcn.to_owned(),
        person: PersonDetails {
            nhs_number: NhsNumber::parse(nhs).unwrap(),
            given_name: RequiredText::parse("g", "name", "Equity").unwrap(),
            family_name: RequiredText::parse("f", "name", "Example").unwrap(),
            date_of_birth: DateOfBirth::new(born, date!(2026 - 12 - 01)).unwrap(),
            sex: Sex::Female,
            ethnicity,
            postcode: Postcode::parse(postcode).unwrap(),
        },
        practice_id: Some(practice_id.to_owned()),
        source: ReferralSource::GpPractice,
        referrer_name: "Dr Example".into(),
        reason: ReferralReason::parse("reason", "reason", "Lonely").unwrap(),
        needs: vec![NeedDomain::Loneliness],
        referred_on: date!(2026 - 06 - 01),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    }
}

fn lookup(postcode: &str, lsoa: &str) -> PostcodeLsoa {
    PostcodeLsoa { postcode: Postcode::parse(postcode).unwrap(), lsoa: lsoa.into(), terminated: None }
}

fn imd(lsoa: &str, decile: i64) -> LsoaDeprivation {
    LsoaDeprivation { lsoa: lsoa.into(), name: format!("{lsoa} name"), score: Some(40.5), rank: Some(100), decile: ImdDecile::new(decile).unwrap() }
}

#[tokio::test]
async fn equity_reference_data_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        story(&url).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        eprintln!("{backend}: equity reference data");
    }
}

async fn story(url: &str) -> Result<()> {
    let store = migrated(url).await?;
    let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Equity PCN".into(), ods_code: Some("U00010".into()), parent_id: None, list_size: None }).await?;
    let practice = store.create_org(&NewOrg { kind: OrgKind::Practice, name: "Equity Surgery".into(), ods_code: Some("X00010".into()), parent_id: Some(pcn.clone()), list_size: Some(1000) }).await?;

    // A batch with the same postcode twice keeps the last; importing again updates, never duplicates.
    assert_eq!(store.upsert_postcode_lsoas(&[lookup("RV1 2AB", "E01000001"), lookup("RV1 2AD", "E01000002"), lookup("RV1 2AD", "E01000003")]).await?, 2);
    assert_eq!(store.upsert_lsoa_deprivation(&[imd("E01000001", 2), imd("E01000003", 9)]).await?, 2);
    assert_eq!(store.imd_decile(&Postcode::parse("rv12ab").unwrap()).await?, ImdDecile::new(2));
    assert_eq!(store.imd_decile(&Postcode::parse("RV1 2AD").unwrap()).await?, ImdDecile::new(9));
    assert_eq!(store.imd_decile(&Postcode::parse("RV9 9ZZ").unwrap()).await?, None);
    store.upsert_postcode_lsoas(&[lookup("RV1 2AB", "E01000003")]).await?;
    store.upsert_lsoa_deprivation(&[imd("E01000003", 10)]).await?;
    assert_eq!(store.imd_decile(&Postcode::parse("RV1 2AB").unwrap()).await?, ImdDecile::new(10));
    let mut deciles = store.lsoa_deciles().await?;
    deciles.sort();
    assert_eq!(deciles, vec![("E01000001".to_owned(), ImdDecile::new(2).unwrap()), ("E01000003".to_owned(), ImdDecile::new(10).unwrap())]);

    // List profile: a second import of a dimension replaces it; other dimensions stay.
    let count = |group, people| ListCount { practice_id: practice.clone(), group, people };
    store.set_list_profile(&[count(Group::Sex(Sex::Male), 480), count(Group::Sex(Sex::Female), 520), count(Group::Imd(ImdDecile::new(1).unwrap().quintile()), 300)]).await?;
    store.set_list_profile(&[count(Group::Imd(ImdDecile::new(10).unwrap().quintile()), 1000)]).await?;
    let profile = store.list_profile(&practice).await?;
    assert_eq!(profile.iter().map(|c| (c.group.code(), c.people)).collect::<Vec<_>>(), vec![("q5".to_owned(), 1000), ("1".to_owned(), 480), ("2".to_owned(), 520)]);

    // The evaluation input: each referral's groups (age at referral, ethnic group, IMD via postcode).
    let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };
    store
        .create_referrals(
            &who,
            &[
                referral(&pcn, &practice, "9990000980", "RV1 2AB", date!(1992 - 06 - 02), Ethnicity::AsianBangladeshi),
                referral(&pcn, &practice, "9990001960", "RV9 9ZZ", date!(1941 - 01 - 01), Ethnicity::NotKnown),
            ],
        )
        .await?;
    let input = store.evaluation_input("Equity PCN", std::slice::from_ref(&pcn), date!(2027 - 03 - 31)).await?;
    assert_eq!(input.equity.list.len(), 3);
    let mut groups: Vec<(AgeBand, EthnicGroup, Option<u8>)> = input.equity.referrals.iter().map(|g| (g.age, g.ethnicity, g.imd.map(|q| q.get()))).collect();
    groups.sort();
    assert_eq!(groups, vec![(AgeBand::A25to34, EthnicGroup::Asian, Some(5)), (AgeBand::A85Plus, EthnicGroup::NotStated, None)]);

    // Workforce: WTE only for the service's own link workers, audited; targets per year.
    let worker = store
        .create_user(&NewUser { email: "lw@equity.test".into(), display_name: "Link Worker".into(), password_hash: "x".into(), role: linkwork_domain::access::Role::LinkWorker, org_id: pcn.clone() })
        .await?;
    let manager = store.create_user(&NewUser { email: "m@equity.test".into(), display_name: "Manager".into(), password_hash: "x".into(), role: linkwork_domain::access::Role::Manager, org_id: pcn.clone() }).await?;
    store.set_worker_wte(&who, &pcn, &worker, Some(0.6)).await?;
    assert!(matches!(store.set_worker_wte(&who, &pcn, &manager, Some(1.0)).await, Err(StoreError::NotFound)));
    assert!(matches!(store.set_worker_wte(&who, "other-pcn", &worker, Some(1.0)).await, Err(StoreError::NotFound)));
    assert_eq!(store.worker_wtes(&pcn).await?, vec![(worker.clone(), Some(0.6))]);
    assert_eq!(store.count_audit_events("user.wte").await?, 1);
    let target = linkwork_domain::evaluation::workforce::YearTarget::new(2026, 1.0, 1.5).unwrap();
    store.set_referral_target(&pcn, &linkwork_domain::evaluation::workforce::YearTarget::new(2026, 0.5, 0.9).unwrap()).await?;
    store.set_referral_target(&pcn, &target).await?;
    assert_eq!(store.referral_targets(&pcn).await?, vec![target]);
    let input = store.evaluation_input("Equity PCN", std::slice::from_ref(&pcn), date!(2027 - 03 - 31)).await?;
    assert_eq!(input.workforce.services, 1);
    assert_eq!(input.workforce.workers.len(), 1);
    assert_eq!(input.workforce.workers[0].wte, Some(0.6));
    assert_eq!(input.workforce.targets, vec![target]);
    assert!(input.workforce.cases.is_empty(), "no referral has been accepted");
    // What works: each referral's needs (once each), no contacts or onward referrals yet.
    assert_eq!(input.what_works.needs.len(), 2);
    assert!(input.what_works.needs.iter().all(|(_, n)| *n == NeedDomain::Loneliness));
    assert!(input.what_works.onward.is_empty() && input.what_works.contacts.is_empty());
    Ok(())
}
