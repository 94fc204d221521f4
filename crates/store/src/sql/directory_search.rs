//! What the link workers' directory search needs beyond a service's own row: where its
//! locations are and on which days it runs.

use super::SqlStore;
use crate::ServiceWhereWhen;
use crate::Result;
use linkwork_domain::directory::Coordinates;
use std::collections::BTreeMap;

impl SqlStore {
    pub(super) async fn where_when(&self) -> Result<Vec<ServiceWhereWhen>> {
        let points: Vec<(String, f64, f64)> = sqlx::query_as(
            "SELECT sal.service_id, l.latitude, l.longitude FROM service_at_locations sal JOIN locations l ON l.id = sal.location_id \
             WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL ORDER BY sal.service_id, l.id",
        )
        .fetch_all(&mut *self.conn().await?)
        .await?;
        let days: Vec<(String, String)> = sqlx::query_as("SELECT service_id, byday FROM schedules WHERE byday IS NOT NULL ORDER BY service_id, id").fetch_all(&mut *self.conn().await?).await?;
        let mut all: BTreeMap<String, ServiceWhereWhen> = BTreeMap::new();
        for (id, lat, lon) in points {
            if let Some(c) = Coordinates::new(lat, lon) {
                all.entry(id.clone()).or_insert_with(|| ServiceWhereWhen { service_id: id, ..Default::default() }).places.push(c);
            }
        }
        for (id, byday) in days {
            let item = all.entry(id.clone()).or_insert_with(|| ServiceWhereWhen { service_id: id, ..Default::default() });
            for day in byday.split(',').map(|d| d.trim().to_ascii_uppercase()).filter(|d| !d.is_empty()) {
                if !item.days.contains(&day) {
                    item.days.push(day);
                }
            }
        }
        Ok(all.into_values().collect())
    }
}
