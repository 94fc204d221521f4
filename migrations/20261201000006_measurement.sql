-- Measurement (issue 5): each service's schedule of outcome measures, measures a person completed
-- themselves, what happened to each need at discharge, and instruments a service defines itself.

-- One schedule per service (PCN); a service without a row uses the default (ONS4 + SWEMWBS at
-- baseline, discharge, 3 and 6 months).
CREATE TABLE measurement_schedules (
    service_org_id TEXT PRIMARY KEY REFERENCES organisations (id),
    instruments TEXT NOT NULL,                -- instrument codes, comma-separated, in the order shown
    follow_up_months TEXT NOT NULL,           -- months after referral, comma-separated ascending ('' = none)
    updated_by TEXT REFERENCES users (id),
    updated_at TIMESTAMPTZ NOT NULL
);

-- Set when the person filled the questionnaire in themselves on the link worker's device.
ALTER TABLE measures ADD COLUMN self_completed BOOLEAN NOT NULL DEFAULT FALSE;

-- At discharge, for each need identified on the referral: resolved | partly | not_resolved | not_worked_on.
CREATE TABLE need_resolutions (
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    need TEXT NOT NULL,
    resolution TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (referral_id, need)
);

-- Instruments a service defines without code changes (items, answers, scoring, threshold), as a
-- JSON document checked by the domain's CustomInstrument on the way in and out.
CREATE TABLE custom_instruments (
    id TEXT PRIMARY KEY,
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL UNIQUE,                -- stored with each measure in measures.instrument
    definition TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX custom_instruments_service ON custom_instruments (service_org_id);

-- Answers to a service's own questionnaires, kept apart from `measures` (whose instrument codes
-- are the shipped ones) so every reader of `measures` keeps working unchanged.
CREATE TABLE custom_measures (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    instrument_id TEXT NOT NULL REFERENCES custom_instruments (id),
    instrument_version TEXT NOT NULL,
    timepoint TEXT NOT NULL,                  -- baseline | follow_up | discharge
    taken_on DATE NOT NULL,
    answers TEXT NOT NULL,                    -- JSON array of answer values, in question order
    self_completed BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX custom_measures_referral ON custom_measures (referral_id);
