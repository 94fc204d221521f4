//! The organisation tree: an ICB's practices are found through its PCNs in one query, on SQLite
//! and PostgreSQL.

use linkwork_domain::access::OrgKind;
use linkwork_store::testing::on_each_database;
use linkwork_store::*;

async fn org(store: &dyn Store, kind: OrgKind, name: &str, parent: Option<&str>) -> String {
    store.create_org(&NewOrg { kind, name: name.into(), ods_code: None, parent_id: parent.map(Into::into), list_size: None }).await.unwrap()
}

#[tokio::test]
async fn an_icbs_practices_are_those_of_its_pcns_by_pcn_then_name() {
    on_each_database(|store| async move {
        let icb = org(&*store, OrgKind::Icb, "North ICB", None).await;
        let other_icb = org(&*store, OrgKind::Icb, "South ICB", None).await;
        let river = org(&*store, OrgKind::Pcn, "River PCN", Some(&icb)).await;
        let abbey = org(&*store, OrgKind::Pcn, "Abbey PCN", Some(&icb)).await;
        let south = org(&*store, OrgKind::Pcn, "South PCN", Some(&other_icb)).await;
        org(&*store, OrgKind::Practice, "Weir Surgery", Some(&river)).await;
        org(&*store, OrgKind::Practice, "Bank Surgery", Some(&river)).await;
        org(&*store, OrgKind::Practice, "Cloister Surgery", Some(&abbey)).await;
        org(&*store, OrgKind::Practice, "Elsewhere Surgery", Some(&south)).await;
        let names: Vec<String> = store.grandchild_orgs(OrgKind::Practice, &icb).await.unwrap().into_iter().map(|o| o.name).collect();
        assert_eq!(names, ["Cloister Surgery", "Bank Surgery", "Weir Surgery"]);
    })
    .await;
}
