-- Which SNOMED CT concepts a service reads as which need domain (issue 16), for referrals whose
-- reasons come coded in SNOMED CT (UK Core, BaRS). No code is shipped: a service enters the codes
-- its ICB or clinical safety officer confirmed. `mappings` is the domain's text form,
-- `1234567890=loneliness;…` (SnomedNeedMap::parse reads it back). No row: none mapped.
CREATE TABLE snomed_need_maps (
    service_org_id TEXT PRIMARY KEY REFERENCES organisations (id),
    mappings TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
