-- Caches of figures (the dashboard's) are keyed by the data they were computed from (issue 14):
-- every committed write that may change what the evaluation reads sets a new `version` in the
-- same transaction (reads' audit events, sessions and form claims do not), so a cache entry is
-- current exactly while the version it was computed at is. A random token rather than a counter,
-- so that restoring a backup never brings back a version a running server has cached.
CREATE TABLE data_version (
    id BIGINT PRIMARY KEY,                    -- always 1
    version TEXT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 'migrated');
