//! The demo database the bundle tests move around: 150 referrals, and the settings the demo
//! leaves at their defaults (a tariff with a price index, the service's own SROI model, referral-rate targets for
//! this financial year and the last), so an export covers every file of a bundle.

use linkwork_domain::evaluation::workforce::{financial_year, YearTarget};

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

pub async fn seeded(url: &str) {
    let store = linkwork_store::testing::migrated(url).await.unwrap();
    linkwork_demo::seed(&*store, &linkwork_demo::DemoOptions { seed: 11, today: today(), referrals: 150 }).await.unwrap();
    let pcn = store.find_org("U12345").await.unwrap().unwrap().id;
    let who = linkwork_store::AuditActor { user_id: None, token_id: None, org_id: Some(pcn.clone()) };
    // The default figures dated by financial year, with a price index (test values), so the
    // costs are uplifted and `health_price_indices.csv` has a row.
    use linkwork_domain::evaluation::health_system::{Tariff, TariffEntry};
    let dated = Tariff::default_figures().entries().iter().map(|e| TariffEntry::new(e.item(), e.unit_cost_pence(), e.source(), "2013/14").unwrap()).collect();
    let index = linkwork_domain::evaluation::price_index::PriceIndex::parse("Test index (not a published series)", "2013/14=100;2020/21=121.5").unwrap();
    store.set_health_tariff(&who, &pcn, &Tariff::new(dated).with_price_index(Some(index))).await.unwrap();
    let mut model = linkwork_domain::evaluation::sroi::SroiModel::illustrative();
    model.illustrative = false;
    model.discount_rate = 0.03;
    store.set_sroi_model(&who, &pcn, &serde_json::to_string(&model).unwrap()).await.unwrap();
    let year = financial_year(today());
    for (y, low, high) in [(year, 0.8, 1.2), (year - 1, 0.7, 1.1)] {
        store.set_referral_target(&pcn, &YearTarget::new(y, low, high).unwrap()).await.unwrap();
    }
}
