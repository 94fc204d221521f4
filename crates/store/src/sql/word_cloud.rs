use super::SqlStore;
use crate::WordCloudStore;
use crate::Result;
use async_trait::async_trait;
use linkwork_domain::evaluation::word_cloud::Utterance;
use time::Date;

#[async_trait]
impl WordCloudStore for SqlStore {
    async fn what_matters_texts(
        &self,
        service_org_ids: &[String],
        practice_id: Option<&str>,
        from: Date,
        to: Date,
    ) -> Result<(Vec<Utterance>, Vec<String>)> {
        let mut utterances = Vec::new();
        let mut names = Vec::new();
        // One query per service keeps the SQL free of dialect-specific array binding; there are few services.
        for service in service_org_ids {
            let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
                "SELECT r.person_id, c.what_matters, r.practice_id FROM conversations c JOIN referrals r ON r.id = c.referral_id \
                 WHERE r.service_org_id = $1 AND c.held_on >= $2 AND c.held_on <= $3 ORDER BY c.id",
            )
            .bind(service)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            utterances.extend(
                rows.into_iter()
                    .filter(|(_, _, practice)| {
                        practice_id.is_none() || practice.as_deref() == practice_id
                    })
                    .map(|(person_key, text, _)| Utterance { person_key, text }),
            );
            let people: Vec<(String, String)> = sqlx::query_as(
                "SELECT given_name, family_name FROM people WHERE service_org_id = $1",
            )
            .bind(service)
            .fetch_all(&mut *self.conn().await?)
            .await?;
            for (given, family) in people {
                names.push(given);
                names.push(family);
            }
        }
        Ok((utterances, names))
    }
}
