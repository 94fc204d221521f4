-- Casework in full: every way in, triage, the team's day (issue 3).

-- The organisation that made a referral through Linkwork (a GP practice or VCSE organisation),
-- so its staff can follow the status of what they referred without reading the record.
ALTER TABLE referrals ADD COLUMN referred_by_org_id TEXT REFERENCES organisations (id);
-- Set when a referral arrives for a person who already has an open one; cleared by a merge.
ALTER TABLE referrals ADD COLUMN duplicate_of TEXT REFERENCES referrals (id);

-- Self-referrals and VCSE referrals arrive without an NHS number: they wait here for triage.
CREATE TABLE incoming_referrals (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,           -- shown to the person who referred
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    source TEXT NOT NULL,                     -- self | vcse
    referred_by_org_id TEXT REFERENCES organisations (id),
    referred_by_user_id TEXT REFERENCES users (id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth DATE,
    postcode TEXT,
    phone TEXT,
    email TEXT,
    reason TEXT NOT NULL,
    needs TEXT NOT NULL,                      -- need-domain codes, comma-separated, as submitted
    status TEXT NOT NULL,                     -- pending | converted | declined
    referral_id TEXT REFERENCES referrals (id),
    decline_reason TEXT,
    received_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX incoming_service_status ON incoming_referrals (service_org_id, status);
CREATE INDEX incoming_referrer ON incoming_referrals (referred_by_org_id);

CREATE TABLE contact_attempts (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    attempted_on DATE NOT NULL,
    mode TEXT NOT NULL,
    outcome TEXT NOT NULL,
    notes TEXT,
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX contact_attempts_referral ON contact_attempts (referral_id);

CREATE TABLE mdt_meetings (
    id TEXT PRIMARY KEY,
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    practice_id TEXT REFERENCES organisations (id),   -- NULL: a PCN-wide meeting
    held_on DATE NOT NULL,
    attendee_roles TEXT NOT NULL,             -- attendee-role codes, comma-separated
    notes TEXT,
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mdt_meetings_service ON mdt_meetings (service_org_id, held_on);

CREATE TABLE mdt_discussions (
    meeting_id TEXT NOT NULL REFERENCES mdt_meetings (id),
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    PRIMARY KEY (meeting_id, referral_id)
);
CREATE INDEX mdt_discussions_referral ON mdt_discussions (referral_id);
