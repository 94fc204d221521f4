-- Health-system activity (issue 5): contacts from GP-system and hospital extracts, one row per
-- contact, for the people the service knows; the tariff that costs them; the service's SROI model.

-- Natural key: person, date, type, source and occurrence (1 for the first identical row of a
-- file, 2 for the second, ...), so importing the same or an overlapping extract adds nothing twice.
CREATE TABLE health_activity (
    id TEXT PRIMARY KEY,
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    contact_on DATE NOT NULL,
    contact_type TEXT NOT NULL,               -- gp_surgery | gp_phone | ... (domain ContactType)
    bed_days BIGINT,                          -- on non_elective_admission rows only
    source TEXT NOT NULL,                     -- system or extract; '' when not given
    occurrence BIGINT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, contact_on, contact_type, source, occurrence)
);
CREATE INDEX health_activity_service ON health_activity (service_org_id, contact_on);

-- Unit cost per contact type (and per bed day, contact_type 'bed_day'), per service. A type with
-- no row is uncosted: Linkwork ships verified figures only and invents none.
CREATE TABLE health_tariffs (
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    contact_type TEXT NOT NULL,
    unit_cost_pence BIGINT NOT NULL,
    source TEXT NOT NULL,
    year TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service_org_id, contact_type)
);

-- A service's SROI inputs, outcomes, proxies and assumptions, as the domain's JSON document.
CREATE TABLE sroi_models (
    service_org_id TEXT PRIMARY KEY REFERENCES organisations (id),
    model TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
