//! Each person's health-system contacts as the evaluation reads them: gathered into one row of
//! `activity_facts` per person ([`rebuild`], kept current by `freshness`) and read a service at
//! a time, grouped by person (`health_system::PersonActivity`). A national extract has tens of
//! millions of contacts, a few per person: gathering them on every report cost the database a
//! lookup per contact, and handing them over a row each cost the driver more.

use super::packed;
use crate::{Result, StoreError};
use linkwork_domain::evaluation::health_system::{Contact, ContactType, PersonActivity};
use std::sync::LazyLock;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Rebuilds `activity_facts` for everyone (`all`), or for the people marked stale, in `tx`; the
/// caller holds the marks (see `freshness`) and clears them. Each person's contacts are packed as
/// `date type bed_days` items, comma-separated (`-` for no bed days).
pub(super) async fn rebuild(tx: &mut super::super::Conn, all: bool) -> Result<()> {
    let (delete, which) = if all {
        ("DELETE FROM activity_facts", "")
    } else {
        (
            "DELETE FROM activity_facts WHERE (service_org_id, person_id) IN (SELECT service_org_id, person_id FROM activity_facts_stale)",
            "WHERE (service_org_id, person_id) IN (SELECT service_org_id, person_id FROM activity_facts_stale)",
        )
    };
    sqlx::query(delete).execute(&mut *tx).await?;
    sqlx::query(&format!(
        "INSERT INTO activity_facts (service_org_id, person_id, contacts) \
         SELECT service_org_id, person_id, string_agg(CAST(contact_on AS TEXT) || ' ' || contact_type || ' ' || COALESCE(CAST(bed_days AS TEXT), '-'), ',' \
           ORDER BY contact_on, contact_type, source, occurrence) \
         FROM health_activity {which} GROUP BY service_org_id, person_id"
    ))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Between people, and between a person and their contacts, in [`SELECT`]'s rows.
const PERSON: char = '\u{1e}';
const CONTACTS: char = '\u{1f}';

/// A service's people with their packed contacts (see [`packed::select`]).
static SELECT: LazyLock<String> = LazyLock::new(|| packed::select(&format!("person_id || '{CONTACTS}' || contacts"), PERSON, "person_id", "activity_facts"));

/// A service's contacts, grouped by person, from `activity_facts`.
pub(super) async fn read(conn: &mut super::super::Conn, service_org_id: &str) -> Result<Vec<PersonActivity>> {
    let packed: Vec<String> = sqlx::query_scalar(SELECT.as_str()).bind(service_org_id).fetch_all(&mut *conn).await?;
    packed
        .iter()
        .flat_map(|row| row.split(PERSON))
        .map(|person| {
            let (person, contacts) = person.split_once(CONTACTS).ok_or_else(|| corrupt(format!("a person's packed health activity reads {person:?}")))?;
            // Sized exactly: a national extract has tens of millions of contacts.
            let mut unpacked = Vec::with_capacity(contacts.bytes().filter(|b| *b == b',').count() + 1);
            for contact in contacts.split(',') {
                unpacked.push(unpack_contact(contact)?);
            }
            let contacts = unpacked;
            Ok(PersonActivity { person: person.to_owned(), contacts })
        })
        .collect()
}

/// One `date type bed_days` item of a person's packed contacts.
pub(crate) fn unpack_contact(item: &str) -> Result<Contact> {
    let mut parts = item.split(' ');
    let (Some(on), Some(contact_type), Some(bed_days), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(corrupt(format!("a health activity row reads {item:?}")));
    };
    Ok(Contact {
        on: crate::iso_date::parse(on).ok_or_else(|| corrupt(format!("a health activity date reads {on:?}")))?,
        contact_type: ContactType::parse(contact_type).map_err(corrupt)?,
        bed_days: match bed_days {
            "-" => None,
            days => Some(days.parse::<u32>().map_err(corrupt)?),
        },
    })
}
