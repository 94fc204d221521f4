-- Linkwork's schema. One set of migrations for SQLite and PostgreSQL: only portable DDL is used
-- (TEXT ids holding UUIDv7, BIGINT, BOOLEAN, DATE, TIMESTAMPTZ; SQLite maps these to its affinities).
-- Coded values are stored as their stable codes (see linkwork-domain).

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                       -- icb | pcn | practice | vcse
    name TEXT NOT NULL,
    ods_code TEXT UNIQUE,
    parent_id TEXT REFERENCES organisations (id),
    list_size BIGINT,                         -- registered list, for practices
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX organisations_parent ON organisations (parent_id, kind);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,               -- stored lower-cased
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,              -- argon2id PHC string
    role TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,              -- SHA-256 of the cookie value; the value itself is never stored
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,          -- SHA-256 of the bearer token
    org_id TEXT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,
    label TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    nhs_number TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    sex TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    postcode TEXT NOT NULL,
    practice_id TEXT REFERENCES organisations (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (service_org_id, nhs_number)
);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    practice_id TEXT REFERENCES organisations (id),
    source TEXT NOT NULL,
    referrer_name TEXT NOT NULL,
    reason TEXT NOT NULL,
    referred_on DATE NOT NULL,
    status TEXT NOT NULL,                     -- received | accepted | declined | discharged
    assigned_worker_id TEXT REFERENCES users (id),
    accepted_on DATE,
    declined_on DATE,
    decline_reason TEXT,
    discharged_on DATE,
    discharge_reason TEXT,
    discharge_summary TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX referrals_service_status ON referrals (service_org_id, status);
CREATE INDEX referrals_service_referred ON referrals (service_org_id, referred_on);
CREATE INDEX referrals_person ON referrals (person_id);

CREATE TABLE referral_needs (
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    need TEXT NOT NULL,
    identified_at TEXT NOT NULL,              -- referral | conversation
    PRIMARY KEY (referral_id, need, identified_at)
);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    held_on DATE NOT NULL,
    what_matters TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX conversations_referral ON conversations (referral_id);

CREATE TABLE goals (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    conversation_id TEXT REFERENCES conversations (id),
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    review_on DATE,
    agreed_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX goals_referral ON goals (referral_id);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    contact_on DATE NOT NULL,
    mode TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    accompanied BOOLEAN NOT NULL,
    notes TEXT,
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX contacts_referral ON contacts (referral_id, contact_on);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,                     -- active | inactive (Open Referral UK service.status)
    address TEXT,
    postcode TEXT,
    phone TEXT,
    email TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE service_needs (
    service_id TEXT NOT NULL REFERENCES services (id),
    need TEXT NOT NULL,
    PRIMARY KEY (service_id, need)
);

CREATE TABLE onward_referrals (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    status TEXT NOT NULL,                     -- sent | accepted | declined | attended
    note TEXT,
    sent_on DATE NOT NULL,
    responded_on DATE,
    decline_reason TEXT,
    attended_on DATE,
    sent_by TEXT REFERENCES users (id),
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX onward_referral ON onward_referrals (referral_id);
CREATE INDEX onward_service ON onward_referrals (service_id, status);

CREATE TABLE measures (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    instrument TEXT NOT NULL,
    instrument_version TEXT NOT NULL,
    timepoint TEXT NOT NULL,                  -- baseline | follow_up | discharge
    taken_on DATE NOT NULL,
    answers TEXT NOT NULL,                    -- JSON array of item answers, in item order
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX measures_referral ON measures (referral_id, instrument);

-- Every read and change of a person's record. Never holds personal data itself, only ids.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    user_id TEXT,
    token_id TEXT,
    org_id TEXT,
    action TEXT NOT NULL,                     -- e.g. referral.read, contact.create
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    person_id TEXT
);
CREATE INDEX audit_person ON audit_events (person_id, at);
