-- Which SNOMED CT concept each questionnaire score goes back to the GP record as (issue 16),
-- beside Linkwork's own score code. No code is shipped: none is confirmed, and a service enters
-- the ones its ICB or clinical safety officer confirmed. `mappings` is the domain's text form,
-- `swemwbs_metric=1234567890;…` (SnomedScoreMap::parse reads it back). No row: none mapped.
CREATE TABLE snomed_score_maps (
    service_org_id TEXT PRIMARY KEY REFERENCES organisations (id),
    mappings TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
