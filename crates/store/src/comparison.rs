//! The comparison population (shared/product/evaluation.md, "A comparison group"): registered
//! patients of a service's practices who were not referred, pseudonymised by the GP system (a keyed
//! hash, no NHS number, no name), with their GP and hospital contacts. The evaluation's matched
//! comparison (`linkwork_domain::evaluation::comparison`) reads them through
//! [`ComparisonStore::comparison_population`]. They come in through a bundle's
//! `comparison_people.csv` and `comparison_activity.csv` (docs/bundle.md) or
//! [`ComparisonStore::add_comparison_population`].

use crate::{AuditActor, Result};
use async_trait::async_trait;
use linkwork_domain::evaluation::comparison::ComparisonPerson;
use linkwork_domain::evaluation::equity::AgeBand;
use linkwork_domain::evaluation::health_system::ContactType;
use linkwork_domain::person::Sex;
use time::Date;

/// One person of a comparison extract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComparisonPerson {
    /// The extract's keyed hash (opaque, unique within the service).
    pub person_key: String,
    /// Their registered practice (an organisation id).
    pub practice_id: String,
    pub age: AgeBand,
    pub sex: Sex,
    /// The English 2011 LSOA they live in, when the extract gives it (their IMD decile is looked up
    /// from it when read).
    pub lsoa: Option<String>,
}

/// One contact of a person of a comparison extract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComparisonContact {
    pub person_key: String,
    pub contact_on: Date,
    pub contact_type: ContactType,
    /// Days in hospital, on non-elective admissions only.
    pub bed_days: Option<u32>,
    /// 1 for the first identical row of the extract, 2 for the second, ...
    pub occurrence: u32,
}

/// What [`ComparisonStore::add_comparison_population`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComparisonWrite {
    /// People written for the first time.
    pub people_added: usize,
    /// People already stored (their practice, age band, sex and LSOA updated to the extract's).
    pub people_updated: usize,
    /// Contacts written.
    pub contacts_added: usize,
    /// Contacts whose natural key (person, date, type, occurrence) was already stored.
    pub contacts_already_recorded: usize,
}

/// The comparison population of some services, as the evaluation reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComparisonPopulation {
    /// Every person, in byte order of their key (the same on both databases), each with their
    /// contacts oldest first; IMD quintile from their LSOA's decile (none when the LSOA is not
    /// given or not in the IMD lookup).
    pub people: Vec<ComparisonPerson>,
    /// The first and last contact date of all of them (None: no contacts), the extract's coverage
    /// when nothing better is known.
    pub contact_range: Option<(Date, Date)>,
}

#[async_trait]
pub trait ComparisonStore: Send + Sync {
    /// Writes a service's comparison people and their contacts in one transaction, idempotently:
    /// a person already stored is updated, a contact already stored (same natural key) is counted,
    /// not written again. Every person's practice must be a practice of the service
    /// (`StoreError::Rejected` otherwise), and every contact's person in `people` or already
    /// stored (the foreign key refuses others); either way nothing is written. One audit event
    /// (`comparison_population.import`, on the service) per call.
    async fn add_comparison_population(&self, who: &AuditActor, service_org_id: &str, people: &[NewComparisonPerson], contacts: &[NewComparisonContact]) -> Result<ComparisonWrite>;

    /// The comparison population of these services: their people in byte order of their key, each
    /// with their contacts oldest first, and the first and last contact date.
    async fn comparison_population(&self, service_org_ids: &[String]) -> Result<ComparisonPopulation>;
}
