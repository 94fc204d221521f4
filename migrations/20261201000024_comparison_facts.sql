-- The comparison population as the evaluation reads it (issue 14): one row per person with their
-- practice, age band, sex, IMD decile and contacts gathered, kept current like activity_facts
-- (marks in comparison_facts_stale, set by triggers `linkwork migrate` creates; rebuilt before a
-- report reads). Gathering 4 million contacts on every report took most of an ICB report's time
-- at 100k referrals. `person` is `key␟practice␟age band␟sex␟decile␟contacts` (U+001F between
-- fields; contacts as `date type bed_days` items, comma-separated), read by sql/comparison.rs.
CREATE TABLE comparison_facts (
    service_org_id TEXT NOT NULL,
    person_key TEXT NOT NULL,
    person TEXT NOT NULL,
    PRIMARY KEY (service_org_id, person_key)
);

CREATE TABLE comparison_facts_stale (
    service_org_id TEXT NOT NULL,             -- or '*' (with person_key '*'): everyone
    person_key TEXT NOT NULL,
    PRIMARY KEY (service_org_id, person_key)
);
INSERT INTO comparison_facts_stale (service_org_id, person_key) VALUES ('*', '*');
