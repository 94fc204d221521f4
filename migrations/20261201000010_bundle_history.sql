-- Issue 6 (bundle): history brought from elsewhere, and research copies.

-- Where a person lives when only the area is known. A pseudonymised bundle drops postcodes but
-- keeps each person's LSOA (and its IMD decile), so equity by deprivation survives
-- pseudonymisation. Written only for people without a postcode; a postcode with a loaded lookup
-- always wins (`COALESCE(postcode_lsoa.lsoa, people.lsoa)`).
ALTER TABLE people ADD COLUMN lsoa TEXT;

-- Questionnaires from systems that kept only the scores: a JSON array of the instrument's scores
-- in its own order (`answers` is then `[]`). NULL for everything Linkwork records itself, whose
-- scores are always computed from the answers.
ALTER TABLE measures ADD COLUMN scores TEXT;
