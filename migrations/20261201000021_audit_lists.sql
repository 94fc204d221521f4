-- A list read names its people once per distinct list (issue 14). Every page that lists people
-- (a caseload, triage, an API page of 100 referrals) appends an audit event naming everyone shown.
-- Each event stored that list (3 KB for 100 people) and indexed it per person: one random index
-- page per person, most of the single SQLite writer's time under fifty concurrent users, though
-- most reads show a list shown before. Now the list is stored, and indexed per person, the first
-- time it is seen; each event refers to it by hash. Events written before keep their own `people`
-- and `audit_subjects` rows. The hash chain still covers the list's text.
CREATE TABLE audit_lists (
    hash TEXT PRIMARY KEY,                    -- SHA-256 of people, lower-case hex
    people TEXT NOT NULL                      -- the ids shown, space-separated, in the order shown
);
CREATE TABLE audit_list_subjects (
    person_id TEXT NOT NULL,
    list_hash TEXT NOT NULL REFERENCES audit_lists (hash),
    PRIMARY KEY (person_id, list_hash)
);
ALTER TABLE audit_events ADD COLUMN list_hash TEXT REFERENCES audit_lists (hash);
CREATE INDEX audit_events_list ON audit_events (list_hash) WHERE list_hash IS NOT NULL;
