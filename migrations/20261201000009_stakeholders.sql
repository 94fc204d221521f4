-- Issue 5 (evaluation), stakeholder slice: link workers' own wellbeing check-ins, stakeholder
-- evaluation plans (stakeholders, success statements mapped to report figures) and consented,
-- anonymised qualitative evidence.

-- A link worker's check-in about themselves. Only its author reads it one by one; reports use
-- team-level figures over at least 8 people.
CREATE TABLE staff_check_ins (
    id TEXT PRIMARY KEY,
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    worker_id TEXT NOT NULL REFERENCES users (id),
    checked_in_on DATE NOT NULL,
    swemwbs_answers TEXT NOT NULL,            -- JSON array of the 7 answers, 1-5
    job_satisfaction BIGINT NOT NULL,         -- 1-5
    caseload_pressure BIGINT NOT NULL,        -- 1-5 (4-5 = high)
    supervision BOOLEAN NOT NULL,             -- supervision received since the previous check-in
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_check_ins_service ON staff_check_ins (service_org_id, checked_in_on);
CREATE INDEX staff_check_ins_worker ON staff_check_ins (worker_id, checked_in_on);

-- A service's stakeholder evaluation plan: stakeholder groups and what success means to them.
CREATE TABLE stakeholders (
    id TEXT PRIMARY KEY,
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,                       -- people | gps | clinical_director | commissioner | vcse | link_workers | other
    name TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX stakeholders_service ON stakeholders (service_org_id);

CREATE TABLE success_statements (
    id TEXT PRIMARY KEY,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders (id),
    statement TEXT NOT NULL,
    indicator TEXT NOT NULL,                  -- a report figure id, or 'qualitative'
    comparison TEXT,                          -- at_least | at_most (NULL when qualitative)
    target DOUBLE PRECISION,                  -- NULL when qualitative
    applies_from DATE NOT NULL,
    applies_to DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX success_statements_stakeholder ON success_statements (stakeholder_id);

-- Qualitative evidence with its consent. `text` is as entered (may identify the person);
-- `approved_text` is the anonymised text a manager approved, the only text reports show.
CREATE TABLE evidence_items (
    id TEXT PRIMARY KEY,
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT REFERENCES people (id),    -- whose identifiers to remove; never published
    kind TEXT NOT NULL,                       -- quote | case_study | interview | focus_group
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    outcome_domains TEXT NOT NULL,            -- comma-separated codes: person, community, health_system
    needs TEXT NOT NULL,                      -- comma-separated need codes (may be empty)
    stakeholders TEXT NOT NULL,               -- comma-separated stakeholder kind codes (may be empty)
    consent_given_on DATE NOT NULL,
    consent_by TEXT NOT NULL,                 -- person | representative | participants
    consent_use TEXT NOT NULL,                -- in_reports | internal
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_on DATE NOT NULL,
    approved_text TEXT,
    approved_by TEXT REFERENCES users (id),
    approved_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX evidence_items_service ON evidence_items (service_org_id, recorded_on);
