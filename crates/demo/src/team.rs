//! The demo's team activity beyond the referrals themselves: incoming self and VCSE referrals
//! waiting for triage, contact attempts on new referrals, and monthly MDT meetings. Written after
//! the referrals, through the store, deterministically from its own seeded generator.

use anyhow::Result;
use linkwork_domain::access::OrgKind;
use linkwork_domain::person::contact_details::ContactMethod;
use linkwork_domain::casework::intake::{IncomingSource, PhoneNumber};
use linkwork_domain::casework::mdt::AttendeeRole;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::referral::ReferralStatus;
use linkwork_domain::casework::triage::{AttemptMode, AttemptOutcome};
use linkwork_domain::directory::community::ActivityKind;
use linkwork_store::{AuditActor, NewAttempt, NewCommunityActivity, NewIncoming, NewMdtMeeting, Store};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use time::{Date, Duration};

const WAITING: &[(&str, &str, &str, NeedDomain)] = &[
    ("Joan", "Pickering", "I've felt very alone since my sister moved away and I'd like to meet people", NeedDomain::Loneliness),
    ("Kwame", "Asante", "I'm behind on my rent and worried about losing the flat", NeedDomain::Housing),
    ("Lily", "Chen", "I care for my dad and I'm exhausted, I need some support for me", NeedDomain::CarerSupport),
    ("Declan", "Murphy", "I want to get more active but don't know where to start", NeedDomain::PhysicalActivity),
    ("Farah", "Siddiqui", "Money is really tight and I'm skipping meals", NeedDomain::FoodInsecurity),
    ("George", "Whitaker", "I'd like help using the computer to see my grandchildren", NeedDomain::DigitalInclusion),
];

pub(crate) async fn seed(store: &dyn Store, seed: u64, today: Date, pcn: &str, partner_orgs: &[String], worker_ids: &[String]) -> Result<()> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5EED_7EA4);
    // Incoming referrals from the last fortnight: most self-referrals, some from partners.
    for (i, (given, family, reason, need)) in WAITING.iter().enumerate() {
        let from_partner = i % 3 == 2 && !partner_orgs.is_empty();
        let by_org = from_partner.then(|| partner_orgs[i % partner_orgs.len()].clone());
        let who = AuditActor { org_id: by_org.clone(), ..Default::default() };
        let incoming = NewIncoming {
            service_org_id: pcn.to_owned(),
            source: if from_partner { IncomingSource::Vcse } else { IncomingSource::SelfReferral },
            referred_by_org_id: by_org,
            referred_by_user_id: None,
            given_name: (*given).to_owned(),
            family_name: (*family).to_owned(),
            date_of_birth: None,
            postcode: None,
            phone: PhoneNumber::parse(&format!("07700 900{:03}", rng.gen_range(0..1000))).ok(),
            email: None,
            reason: (*reason).to_owned(),
            needs: vec![*need],
            preferred_contact: Some(if i % 2 == 0 { ContactMethod::PhoneCall } else { ContactMethod::Text }),
            best_times: (i % 3 == 0).then(|| "Mornings".to_owned()),
            leave_message: Some(i % 4 != 1),
        };
        let reference = format!("LW-DEMO-{:04}", 1000 + i);
        store.create_incoming(&who, &incoming, &reference).await?;
    }

    // Attempts to reach people whose referral has waited over a week.
    let caseload = store.caseload(pcn, None, true).await?;
    for entry in caseload.iter().filter(|e| e.status == ReferralStatus::Received && (today - e.referred_on).whole_days() > 7) {
        let worker = worker_ids.choose(&mut rng).cloned();
        let who = AuditActor { user_id: worker, org_id: Some(pcn.to_owned()), ..Default::default() };
        for n in 0..rng.gen_range(1..=3) {
            let attempted_on = (entry.referred_on + Duration::days(3 + 3 * n)).min(today);
            let outcome = *[AttemptOutcome::NoAnswer, AttemptOutcome::LeftMessage, AttemptOutcome::WrongNumber].choose(&mut rng).unwrap_or(&AttemptOutcome::NoAnswer);
            let mode = if n == 2 { AttemptMode::Letter } else { AttemptMode::Phone };
            store.add_attempt(&who, &entry.referral_id, &NewAttempt { attempted_on, mode, outcome, notes: None }).await?;
        }
    }

    // A monthly MDT meeting for the last six months, discussing a few people open at the time.
    let practices = store.orgs(OrgKind::Practice, Some(pcn)).await?;
    let open: Vec<_> = caseload.iter().filter(|e| e.status == ReferralStatus::Accepted).collect();
    for month in 0..6 {
        let held_on = today - Duration::days(30 * month + 5);
        let mut discussed: Vec<String> = open.iter().filter(|e| e.referred_on < held_on).map(|e| e.referral_id.clone()).collect();
        discussed.shuffle(&mut rng);
        discussed.truncate(rng.gen_range(2..=4));
        if discussed.is_empty() {
            continue;
        }
        let who = AuditActor { user_id: worker_ids.first().cloned(), org_id: Some(pcn.to_owned()), ..Default::default() };
        let practice_id = practices.get(month as usize % practices.len().max(1)).map(|p| p.id.clone());
        let meeting = NewMdtMeeting {
            service_org_id: pcn.to_owned(),
            practice_id,
            held_on,
            attendees: vec![AttendeeRole::Gp, AttendeeRole::LinkWorker, AttendeeRole::PracticeNurse, AttendeeRole::SocialWorker],
            notes: Some("Complex cases reviewed; actions agreed with each lead".into()),
            referral_ids: discussed,
        };
        store.create_mdt(&who, &meeting).await?;
    }

    // Community work: each link worker gets out to meet local groups a few times a month.
    const PLACES: &[(&str, Option<&str>)] = &[
        ("St Mark's lunch club", Some("A Thursday lunch club with transport for people who can't drive")),
        ("Riverside library", None),
        ("Mosque women's group", Some("A weekly sewing circle open to all women")),
        ("Allotment society open day", Some("Two shared plots for beginners")),
        ("Job Centre Plus partnership meeting", None),
        ("Carers' forum", None),
        ("Community centre coffee morning", Some("A new dementia-friendly coffee morning")),
    ];
    for worker in worker_ids {
        for _ in 0..rng.gen_range(4..=8) {
            let (place, asset) = PLACES[rng.gen_range(0..PLACES.len())];
            let kind = *[ActivityKind::Visit, ActivityKind::Meeting, ActivityKind::Event, ActivityKind::Networking, ActivityKind::AssetMapping].choose(&mut rng).unwrap_or(&ActivityKind::Visit);
            store
                .add_community_activity(&NewCommunityActivity {
                    service_org_id: pcn.to_owned(),
                    worker_id: worker.clone(),
                    activity_on: today - Duration::days(rng.gen_range(1..90)),
                    kind,
                    organisation_name: place.to_owned(),
                    org_id: None,
                    minutes: rng.gen_range(4..=16) * 15,
                    assets_found: asset.map(str::to_owned),
                    notes: None,
                })
                .await?;
        }
    }
    Ok(())
}
