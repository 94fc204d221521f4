-- The comparison population's gathered facts, one row per practice instead of one per person
-- (issue 14): reading 400 thousand people a row each, packed by the database at read time
-- (a window function and an ordered string_agg over every row), took 1.7 s of a 3.7 s ICB report
-- at 100k referrals; the same people kept packed a practice to a row are read in 0.14 s.
-- `people` is the practice's people, U+001E between people, each `key␟age band␟sex␟decile␟contacts`
-- (U+001F between fields; contacts as `date type bed_days` items, comma-separated), in no
-- particular order (the reader sorts); read by sql/comparison.rs. The marks stay per person in
-- comparison_facts_stale; a service with any mark is rebuilt whole (a comparison extract is
-- imported a service at a time).
DROP TABLE comparison_facts;
CREATE TABLE comparison_facts (
    service_org_id TEXT NOT NULL,
    practice_id TEXT NOT NULL,
    people TEXT NOT NULL,
    PRIMARY KEY (service_org_id, practice_id)
);
INSERT INTO comparison_facts_stale (service_org_id, person_key) VALUES ('*', '*') ON CONFLICT DO NOTHING;
