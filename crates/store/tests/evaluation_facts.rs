//! What the evaluation reads about each referral, each test on SQLite and PostgreSQL. Every
//! referral comes once with its needs, resolutions, onward referrals and measures packed by the
//! database; these tests check that each section of the report still gets the facts, and only the
//! facts, it read for itself before: each with its own date filter, a need recorded twice once.

use linkwork_domain::access::OrgKind;
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::plan::WhatMatters;
use linkwork_domain::casework::referral::{DischargeReason, ReferralStatus};
use linkwork_domain::evaluation::EvaluationInput;
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument, Timepoint};
use linkwork_store::testing;
use linkwork_store::*;
use std::sync::Arc;
use time::macros::date;
use time::Date;

/// A PCN with one referral (1 March 2026, for loneliness and bereavement) that went its whole way:
/// accepted, a conversation that found loneliness again and inactivity, contacts on 5 March and 20
/// May, SWEMWBS at baseline (5 March) and follow-up (5 June), onward referrals to Walk Club's
/// walks on 6 March and 10 May, discharged on 5 June.
struct World {
    store: Arc<dyn Store>,
    pcn: String,
    referral: String,
}

async fn world(store: Arc<dyn Store>) -> World {
    let testing::PcnWorld { store, pcn, who } = testing::pcn_world(store).await;
    let vcse = store.create_org(&NewOrg { kind: OrgKind::Vcse, name: "Walk Club, Leeds & District".into(), ods_code: None, parent_id: None, list_size: None }).await.unwrap();
    let service = store
        .create_service(&NewService { org_id: vcse, name: "Tuesday walks".into(), description: "Gentle walks".into(), needs: vec![NeedDomain::PhysicalActivity], address: None, postcode: None, phone: None, email: None })
        .await
        .unwrap();
    let new = NewReferral { needs: vec![NeedDomain::Loneliness, NeedDomain::Bereavement], referred_on: date!(2026 - 03 - 01), ..testing::referral(&pcn, "9434765919") };
    let referral = store.create_referral(&who, &new).await.unwrap();
    store.change_referral(&who, &referral, ReferralStatus::Received, &ReferralChange::Accept { on: date!(2026 - 03 - 02), worker_id: None }).await.unwrap();
    let conversation = NewConversation { held_on: date!(2026 - 03 - 05), what_matters: WhatMatters::parse("w", "w", "Getting out").unwrap(), needs: vec![NeedDomain::Loneliness, NeedDomain::PhysicalActivity], goals: vec![] };
    store.record_conversation(&who, &referral, &conversation).await.unwrap();
    for on in [date!(2026 - 03 - 05), date!(2026 - 05 - 20)] {
        store.add_contact(&who, &referral, &NewContact { contact_on: on, mode: ContactMode::FaceToFace, minutes: Minutes::new(30).unwrap(), accompanied: false, notes: None }).await.unwrap();
    }
    for (timepoint, on) in [(Timepoint::Baseline, date!(2026 - 03 - 05)), (Timepoint::FollowUp, date!(2026 - 06 - 05))] {
        let answers = AnswerSet::parse(Instrument::Swemwbs, &["2", "3", "2", "3", "3", "2", "3"]).unwrap();
        store.add_measure(&who, &referral, &NewMeasure { timepoint, taken_on: on, answers }).await.unwrap();
    }
    for on in [date!(2026 - 03 - 06), date!(2026 - 05 - 10)] {
        store.create_onward(&who, &referral, &service, on, None).await.unwrap();
    }
    let discharge = ReferralChange::Discharge { on: date!(2026 - 06 - 05), reason: DischargeReason::GoalsMet, summary: None };
    store.change_referral(&who, &referral, ReferralStatus::Accepted, &discharge).await.unwrap();
    World { store, pcn, referral }
}

async fn facts(w: &World, to: Date) -> EvaluationInput {
    w.store.evaluation_input("Test PCN", std::slice::from_ref(&w.pcn), to).await.unwrap()
}

#[tokio::test]
async fn a_need_recorded_at_referral_and_again_in_conversation_counts_once() {
    testing::on_each_world(world, |w| async move {
        let input = facts(&w, date!(2026 - 12 - 31)).await;
        let mut needs: Vec<NeedDomain> = input.what_works.needs.iter().map(|(r, n)| {
            assert_eq!(&**r, w.referral.as_str());
            *n
        }).collect();
        needs.sort();
        let expected = {
            let mut all = vec![NeedDomain::Loneliness, NeedDomain::Bereavement, NeedDomain::PhysicalActivity];
            all.sort();
            all
        };
        assert_eq!(needs, expected, "what works");
        assert_eq!(input.sdoh.len(), 1);
        assert_eq!(input.sdoh[0].needs, expected, "needs resolved");
    })
    .await;
}

#[tokio::test]
async fn facts_dated_after_the_periods_end_are_left_out() {
    testing::on_each_world(world, |w| async move {
        let input = facts(&w, date!(2026 - 04 - 30)).await;
        assert_eq!(input.measures.len(), 1, "the follow-up on 5 June is after the period");
        assert_eq!(input.measures[0].timepoint, Timepoint::Baseline);
        assert_eq!(input.onward.iter().map(|o| o.sent_on).collect::<Vec<_>>(), vec![date!(2026 - 03 - 06)]);
        assert_eq!(input.what_works.onward.len(), 1);
        assert_eq!(input.what_works.contacts, vec![(w.referral.as_str().into(), 1)]);
        assert_eq!(input.workforce.cases.len(), 1);
        assert_eq!((input.workforce.cases[0].contacts, input.workforce.cases[0].discharged_on), (1, None), "discharged after the period");
        assert!(input.sdoh.is_empty(), "not discharged within the period");
    })
    .await;
}

#[tokio::test]
async fn every_section_counts_the_referral_made_within_the_period() {
    testing::on_each_world(world, |w| async move {
        let input = facts(&w, date!(2026 - 12 - 31)).await;
        assert_eq!(input.referrals.len(), 1);
        assert_eq!(input.referrals[0].first_contact_on, Some(date!(2026 - 03 - 05)));
        assert_eq!(input.equity.referrals.len(), 1);
        assert_eq!(input.health.referrals.len(), 1);
        assert_eq!(input.workforce.cases[0].contacts, 2);
        assert_eq!(input.measures.len(), 2);
        let before = facts(&w, date!(2026 - 02 - 28)).await;
        assert!(before.referrals.is_empty() && before.equity.referrals.is_empty() && before.health.referrals.is_empty() && before.what_works.needs.is_empty());
    })
    .await;
}

#[tokio::test]
async fn each_onward_referral_is_named_by_its_partner_and_activity_types() {
    testing::on_each_world(world, |w| async move {
        let input = facts(&w, date!(2026 - 12 - 31)).await;
        assert_eq!(input.onward.len(), 2);
        assert!(input.onward.iter().all(|o| &*o.partner_name == "Walk Club, Leeds & District"));
        let used = &input.what_works.onward[0];
        assert_eq!(&*used.partner, "Walk Club, Leeds & District");
        assert_eq!(&*used.activities, [NeedDomain::PhysicalActivity.label().to_owned()]);
    })
    .await;
}
