-- Health-system activity is keyed by its natural key alone (issue 14). Its surrogate `id` was
-- never read: with its own index it was a third of the table's size (at 100,000 referrals, 1.07 M
-- contacts, 150 MB of 450 MB). The service index now groups a service's contacts by person, the
-- order the evaluation reads them in (it read them by date, then sorted them by person).
CREATE TABLE health_activity_keyed (
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    contact_on DATE NOT NULL,
    contact_type TEXT NOT NULL,               -- gp_surgery | gp_phone | ... (domain ContactType)
    bed_days BIGINT,                          -- on non_elective_admission rows only
    source TEXT NOT NULL,                     -- system or extract; '' when not given
    occurrence BIGINT NOT NULL,               -- 1 for the first identical row of a file, 2 for the second, ...
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, contact_on, contact_type, source, occurrence)
);
INSERT INTO health_activity_keyed (service_org_id, person_id, contact_on, contact_type, bed_days, source, occurrence, imported_at)
    SELECT service_org_id, person_id, contact_on, contact_type, bed_days, source, occurrence, imported_at FROM health_activity;
DROP TABLE health_activity;
ALTER TABLE health_activity_keyed RENAME TO health_activity;
CREATE INDEX health_activity_service ON health_activity (service_org_id, person_id);
