-- Privacy and identity (issue 11): the history of a person's details, identity conflicts, consent
-- and lawful basis per referral, erasure and restriction, retention, and a tamper-evident audit
-- trail. Portable DDL only; the audit table's UPDATE/DELETE guards are triggers, which differ by
-- database and are created by the store after migrating (store `protect_audit_trail`).

-- Every change to a person's details: who, when, from which source, old and new value. The values
-- are personal data: erasure removes them together with the identity.
CREATE TABLE person_changes (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    at TIMESTAMPTZ NOT NULL,
    user_id TEXT,
    token_id TEXT,
    org_id TEXT,
    source TEXT NOT NULL,                     -- linkwork_domain::identity::DetailsSource code
    field TEXT NOT NULL,                      -- linkwork_domain::identity::PersonField code
    old_value TEXT,
    new_value TEXT,
    conflict_id TEXT
);
CREATE INDEX person_changes_person ON person_changes (person_id, at);

-- A referral whose NHS number matched a person held with a different name or date of birth: kept
-- against the held person, nothing changed, until a link worker decides which details are right.
CREATE TABLE identity_conflicts (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    source TEXT NOT NULL,
    raised_at TIMESTAMPTZ NOT NULL,
    raised_by_org_id TEXT,
    incoming TEXT NOT NULL,                   -- JSON: the details the referral brought
    status TEXT NOT NULL,                     -- open | resolved
    resolution TEXT,                          -- keep_recorded | use_referral
    resolved_at TIMESTAMPTZ,
    resolved_by TEXT REFERENCES users (id)
);
CREATE INDEX identity_conflicts_person ON identity_conflicts (person_id, status);
CREATE INDEX identity_conflicts_referral ON identity_conflicts (referral_id);

-- Consent to the referral and the lawful basis for holding it (UK GDPR articles 6 and 9).
ALTER TABLE referrals ADD COLUMN consent TEXT NOT NULL DEFAULT 'not_recorded';   -- given | not_recorded
ALTER TABLE referrals ADD COLUMN consent_on DATE;
ALTER TABLE referrals ADD COLUMN lawful_basis TEXT NOT NULL DEFAULT 'direct_care';
ALTER TABLE incoming_referrals ADD COLUMN consent_at TIMESTAMPTZ;

-- Consent to share with a named partner organisation (given when an onward referral is sent).
CREATE TABLE sharing_consents (
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    given_on DATE NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    withdrawn_on DATE,
    PRIMARY KEY (referral_id, org_id)
);

-- Erasure keeps de-identified rows for aggregate figures; restriction stops changes.
ALTER TABLE people ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE people ADD COLUMN erasure_reason TEXT;        -- request | retention, with the manager's reason
ALTER TABLE people ADD COLUMN restricted_at TIMESTAMPTZ;
ALTER TABLE people ADD COLUMN restriction_reason TEXT;

-- How long a service keeps identifiable records after a person's last referral closed.
CREATE TABLE retention_settings (
    service_org_id TEXT PRIMARY KEY REFERENCES organisations (id),
    years BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The audit trail as a hash chain: each event's hash covers its own fields and the previous
-- event's hash, in `seq` order; `audit_chain_head` holds the last one, so appending takes one
-- row lock. Rows written before this migration are sealed into the chain by the store.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
ALTER TABLE audit_events ADD COLUMN people TEXT;   -- for a list read: the person ids shown, space-separated
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE TABLE audit_chain_head (
    id BIGINT PRIMARY KEY,                    -- always 1
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
-- Which people each list read showed, for "who has seen this person's record" (derived from
-- audit_events.people; audit verification checks they agree).
CREATE TABLE audit_subjects (
    person_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (person_id, event_id)
);
