-- The comparison population (shared/product/evaluation.md, "A comparison group"): registered
-- patients of a service's practices who were NOT referred, from a pseudonymised GP-system extract,
-- with their GP and hospital contacts. The evaluation matches each referred person with similar
-- people from here (practice, age band, sex, IMD quintile, prior use) and compares their change in
-- use (difference-in-differences), so regression to the mean is not counted as the service's effect.
--
-- Nothing here identifies anyone: `person_key` is the extract's keyed hash (opaque; no NHS number,
-- no name, no date of birth, no postcode). The rows are not people of the service (`people`), so
-- they are never in a caseload, a subject access request or an erasure.

-- One row per person of the extract. Natural key: the service and the extract's key, so importing
-- the same or a newer extract updates the same person rather than adding them again.
CREATE TABLE comparison_people (
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    person_key TEXT NOT NULL,                 -- the extract's keyed hash (opaque)
    practice_id TEXT NOT NULL REFERENCES organisations (id),
    age_band TEXT NOT NULL,                   -- 0-17 | 18-24 | ... | 85+ (domain AgeBand)
    sex TEXT NOT NULL,                        -- NHS sex code 1 | 2 | 9 | X (domain Sex)
    lsoa TEXT,                                -- English 2011 LSOA; its IMD decile from lsoa_imd
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service_org_id, person_key)
);

-- One row per contact, as health_activity. Natural key: person, date, type and occurrence (1 for
-- the first identical row of an extract, 2 for the second, ...), so importing the same or an
-- overlapping extract adds nothing twice. The key's order is the order the evaluation reads a
-- service's contacts in (grouped by person, by date), so it needs no other index.
CREATE TABLE comparison_activity (
    service_org_id TEXT NOT NULL,
    person_key TEXT NOT NULL,
    contact_on DATE NOT NULL,
    contact_type TEXT NOT NULL,               -- gp_surgery | gp_phone | ... (domain ContactType)
    bed_days BIGINT,                          -- on non_elective_admission rows only
    occurrence BIGINT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service_org_id, person_key, contact_on, contact_type, occurrence),
    FOREIGN KEY (service_org_id, person_key) REFERENCES comparison_people (service_org_id, person_key)
);
