//! Demo reference data for the equity section: a postcode → LSOA → IMD lookup for every postcode
//! the demo can give a person (area `RV`, which does not exist), and each practice's registered
//! list make-up. Written through the store, so no official file is shipped. The areas have a
//! deprivation gradient (Canal Street's RV4/RV5 the most deprived, Parkview's RV6/RV7 the least),
//! and the lists are a little younger and more diverse than the people referred, as is typical,
//! so the demo report shows something a commissioner would discuss.

use crate::catalogue::PRACTICES;
use anyhow::Result;
use linkwork_domain::evaluation::equity::{AgeBand, EthnicGroup, Group, ImdDecile, ListCount, LsoaDeprivation, PostcodeLsoa};
use linkwork_domain::person::Sex;
use linkwork_domain::Postcode;
use linkwork_store::Store;
use std::collections::BTreeMap;

/// The typical IMD decile of each outward code RV1…RV9.
const AREA_DECILE: [i64; 9] = [4, 3, 6, 2, 2, 8, 9, 5, 7];
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// The decile of the demo LSOA for sector `RV{area} {sector}`: the area's, ±2 across sectors.
pub(crate) fn decile(area: usize, sector: usize) -> ImdDecile {
    ImdDecile::clamped(AREA_DECILE[area - 1] + (sector as i64 - 5) / 2)
}

pub(crate) fn lsoa(area: usize, sector: usize) -> String {
    format!("E0199{area}{sector:02}0")
}

pub(crate) async fn seed(store: &dyn Store, pcn: &str, practice_ids: &[String]) -> Result<()> {
    // Link workers' working time: one full time, then 0.8, 0.6 (caseload per WTE in the report).
    let who = linkwork_store::AuditActor { org_id: Some(pcn.to_owned()), ..Default::default() };
    let workers = store.users(pcn, Some(linkwork_domain::access::Role::LinkWorker)).await?;
    for (worker, wte) in workers.iter().zip([1.0, 0.8, 0.6, 1.0]) {
        store.set_worker_wte(&who, pcn, &worker.id, Some(wte)).await?;
    }

    let mut lsoas = Vec::new();
    let mut postcodes = Vec::new();
    for area in 1..=9 {
        for sector in 1..=9 {
            lsoas.push(LsoaDeprivation { lsoa: lsoa(area, sector), name: format!("Riverton {area}{sector:02}"), score: None, rank: None, decile: decile(area, sector) });
            for a in INWARD_LETTERS {
                for b in INWARD_LETTERS {
                    let postcode = Postcode::parse(&format!("RV{area} {sector}{}{}", *a as char, *b as char))?;
                    postcodes.push(PostcodeLsoa { postcode, lsoa: lsoa(area, sector), terminated: None });
                }
            }
        }
    }
    store.upsert_lsoa_deprivation(&lsoas).await?;
    for batch in postcodes.chunks(5_000) {
        store.upsert_postcode_lsoas(batch).await?;
    }

    // Adults only (the service takes referrals from 18): shares in thousandths.
    const AGES: [(AgeBand, u64); 8] = [
        (AgeBand::A18to24, 115),
        (AgeBand::A25to34, 175),
        (AgeBand::A35to44, 165),
        (AgeBand::A45to54, 160),
        (AgeBand::A55to64, 150),
        (AgeBand::A65to74, 120),
        (AgeBand::A75to84, 80),
        (AgeBand::A85Plus, 35),
    ];
    const SEXES: [(Sex, u64); 3] = [(Sex::Female, 503), (Sex::Male, 495), (Sex::NotKnown, 2)];
    const ETHNIC: [(EthnicGroup, u64); 6] = [(EthnicGroup::White, 770), (EthnicGroup::Asian, 120), (EthnicGroup::Black, 45), (EthnicGroup::Mixed, 30), (EthnicGroup::Other, 20), (EthnicGroup::NotStated, 15)];
    let mut rows = Vec::new();
    for (def, practice_id) in PRACTICES.iter().zip(practice_ids) {
        let adults = def.list_size.max(0) as u64 * 80 / 100;
        let mut add = |group: Group, thousandths: u64| rows.push(ListCount { practice_id: practice_id.clone(), group, people: adults * thousandths / 1000 });
        for (a, t) in AGES {
            add(Group::Age(a), t);
        }
        for (s, t) in SEXES {
            add(Group::Sex(s), t);
        }
        for (e, t) in ETHNIC {
            add(Group::Ethnicity(e), t);
        }
        // IMD: the practice's own areas' sectors, equally populated, with 10% of the list in the
        // most deprived sectors nearby (the people least often referred).
        let mut quintiles: BTreeMap<u8, u64> = BTreeMap::new();
        let areas: Vec<usize> = def.outward.iter().filter_map(|o| o.trim_start_matches("RV").parse().ok()).collect();
        let sectors = (areas.len() * 9) as u64;
        for area in &areas {
            for sector in 1..=9 {
                *quintiles.entry(decile(*area, sector).quintile().get()).or_default() += adults * 9 / 10 / sectors.max(1);
            }
        }
        *quintiles.entry(1).or_default() += adults / 10;
        for q in linkwork_domain::evaluation::equity::ImdQuintile::ALL {
            if let Some(people) = quintiles.get(&q.get()) {
                rows.push(ListCount { practice_id: practice_id.clone(), group: Group::Imd(q), people: *people });
            }
        }
    }
    store.set_list_profile(&rows).await?;
    Ok(())
}
