-- What the evaluation reads, kept ready (issue 14). The report used to gather each referral's
-- needs, onward referrals, measures and contacts, and each person's health activity, with a
-- dozen index lookups per referral on every run: at 100,000 referrals that gathering was most of
-- the report's time. These tables hold the gathered result, one row per referral and one per
-- person with health activity, packed as the report reads it (not filtered by any period: the
-- report filters by its own dates).
--
-- They are kept current lazily. Triggers (created by `linkwork migrate`, per database) mark what
-- a write touched in the `*_stale` tables, in the write's own transaction; the evaluation first
-- rebuilds the marked rows, then reads. A mark of '*' means "rebuild everything" (after a
-- migration, a bundle import or a change of the postcode and deprivation reference data).
CREATE TABLE referral_facts (
    referral_id TEXT PRIMARY KEY,
    service_org_id TEXT NOT NULL,
    referred_on DATE NOT NULL,
    person_id TEXT NOT NULL,
    practice_id TEXT,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    accepted_on DATE,
    discharged_on DATE,
    date_of_birth DATE NOT NULL,
    sex TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    imd_decile BIGINT,
    contact_dates TEXT,                       -- every contact's date, ascending, comma-separated
    needs TEXT,                               -- as recorded, comma-separated
    resolutions TEXT,                         -- `need resolution` items, comma-separated
    onward TEXT,                              -- packed `service status sent_on` items, by date
    measures TEXT                             -- packed `instrument timepoint taken_on answers scores` items, by date
);
CREATE INDEX referral_facts_service ON referral_facts (service_org_id, referred_on, referral_id);

CREATE TABLE referral_facts_stale (
    referral_id TEXT PRIMARY KEY              -- or '*': every referral
);
INSERT INTO referral_facts_stale (referral_id) VALUES ('*');

CREATE TABLE activity_facts (
    service_org_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    contacts TEXT NOT NULL,                   -- packed `date type bed_days` items, comma-separated
    PRIMARY KEY (service_org_id, person_id)
);

CREATE TABLE activity_facts_stale (
    service_org_id TEXT NOT NULL,             -- or '*' (with person '*'): everyone
    person_id TEXT NOT NULL,
    PRIMARY KEY (service_org_id, person_id)
);
INSERT INTO activity_facts_stale (service_org_id, person_id) VALUES ('*', '*');
