-- Equity, reach and workforce (issue 5): reference data for deprivation, the registered list's
-- make-up per practice, per-year referral-rate targets and link workers' working time.

-- ONS National Statistics Postcode Lookup: postcode (normal form, `LS1 4AP`) → 2011 LSOA.
CREATE TABLE postcode_lsoa (
    postcode TEXT PRIMARY KEY,
    lsoa TEXT NOT NULL,
    terminated TEXT                           -- NSPL `doterm` (YYYYMM) when the postcode is no longer in use
);

-- English Indices of Deprivation 2019, File 7, one row per 2011 LSOA.
CREATE TABLE lsoa_imd (
    lsoa TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    imd_score DOUBLE PRECISION,
    imd_rank BIGINT,
    imd_decile BIGINT NOT NULL                -- 1 = most deprived 10% of LSOAs
);

-- The registered list's make-up per practice: the expected shares for equity ratios.
CREATE TABLE list_profiles (
    practice_id TEXT NOT NULL REFERENCES organisations (id),
    dimension TEXT NOT NULL,                  -- age_band | sex | ethnicity | imd_quintile
    group_code TEXT NOT NULL,                 -- e.g. 25-34, 1 (male), white, q1
    people BIGINT NOT NULL,
    PRIMARY KEY (practice_id, dimension, group_code)
);

-- Referral-rate target band per service and financial year (starting April of `year`).
CREATE TABLE referral_targets (
    service_org_id TEXT NOT NULL REFERENCES organisations (id),
    year BIGINT NOT NULL,
    low_pct DOUBLE PRECISION NOT NULL,
    high_pct DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (service_org_id, year)
);

-- Whole-time equivalent of a link worker (1.0 = full time); NULL when not recorded.
ALTER TABLE users ADD COLUMN wte DOUBLE PRECISION;
