-- Link workers' community work (issue 4): visits and relationship-building with local
-- organisations, and the assets they find, so managers can see the share of time it takes.
CREATE TABLE community_activities (
    id TEXT PRIMARY KEY,
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    worker_id TEXT NOT NULL REFERENCES users (id),
    activity_on DATE NOT NULL,
    kind TEXT NOT NULL,                       -- visit | meeting | event | networking | asset_mapping
    organisation_name TEXT NOT NULL,          -- who or where (free text: many assets are not in the directory yet)
    org_id TEXT REFERENCES organisations (id),-- when it is a directory organisation
    minutes BIGINT NOT NULL,
    assets_found TEXT,                        -- new community assets found, in the link worker's words
    notes TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX community_activities_service ON community_activities (service_org_id, activity_on);
