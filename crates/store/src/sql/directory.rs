use super::SqlStore;
use crate::*;
use crate::DirectoryStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::casework::need::NeedDomain;
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: String,
    org_id: String,
    org_name: String,
    name: String,
    description: String,
    status: String,
    address: Option<String>,
    postcode: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    url: Option<String>,
    eligibility_description: Option<String>,
    minimum_age: Option<i64>,
    maximum_age: Option<i64>,
    fees_description: Option<String>,
    oruk_id: Option<String>,
    #[sqlx(flatten)]
    profile: ServiceProfile,
}

const SERVICE_SELECT: &str = "SELECT s.id, s.org_id, o.name AS org_name, s.name, s.description, s.status, s.address, s.postcode, s.phone, s.email, \
     s.url, s.eligibility_description, s.minimum_age, s.maximum_age, s.fees_description, s.oruk_id, s.delivery, s.capacity_places, s.waiting_list, \
     s.capacity_note, s.funding_source, s.funding_ends_on, s.complex_needs, s.complex_needs_detail, s.accessibility_description, s.last_verified_on, \
     s.published, s.is_free FROM services s JOIN organisations o ON o.id = s.org_id";

impl SqlStore {
    async fn with_needs(&self, rows: Vec<ServiceRow>) -> Result<Vec<Service>> {
        let pairs: Vec<(String, String)> = sqlx::query_as("SELECT service_id, need FROM service_needs ORDER BY service_id, need").fetch_all(&mut *self.conn().await?).await?;
        let mut needs: HashMap<String, Vec<NeedDomain>> = HashMap::new();
        for (service_id, need) in pairs {
            needs.entry(service_id).or_default().push(NeedDomain::parse(&need).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
        Ok(rows
            .into_iter()
            .map(|r| Service {
                needs: needs.remove(&r.id).unwrap_or_default(),
                id: r.id,
                org_id: r.org_id,
                org_name: r.org_name,
                name: r.name,
                description: r.description,
                status: r.status,
                address: r.address,
                postcode: r.postcode,
                phone: r.phone,
                email: r.email,
                url: r.url,
                eligibility_description: r.eligibility_description,
                minimum_age: r.minimum_age,
                maximum_age: r.maximum_age,
                fees_description: r.fees_description,
                oruk_id: r.oruk_id,
                profile: r.profile,
            })
            .collect())
    }
}

#[async_trait]
impl DirectoryStore for SqlStore {
    async fn create_service(&self, service: &NewService) -> Result<String> {
        let id = new_id();
        let now = super::now();
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO services (id, org_id, name, description, status, address, postcode, phone, email, created_at, updated_at) VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, $9, $9)")
            .bind(&id)
            .bind(&service.org_id)
            .bind(&service.name)
            .bind(&service.description)
            .bind(&service.address)
            .bind(&service.postcode)
            .bind(&service.phone)
            .bind(&service.email)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        for need in &service.needs {
            sqlx::query("INSERT INTO service_needs (service_id, need) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(&id).bind(need.code()).execute(&mut **tx).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn services(&self) -> Result<Vec<Service>> {
        let rows = sqlx::query_as(&format!("{SERVICE_SELECT} ORDER BY s.name")).fetch_all(&mut *self.conn().await?).await?;
        self.with_needs(rows).await
    }

    async fn service(&self, id: &str) -> Result<Option<Service>> {
        let rows = sqlx::query_as(&format!("{SERVICE_SELECT} WHERE s.id = $1")).bind(id).fetch_all(&mut *self.conn().await?).await?;
        Ok(self.with_needs(rows).await?.pop())
    }
}
