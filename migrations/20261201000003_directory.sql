-- The community directory modelled on Open Referral UK 3.0 / HSDS 3.0 (issue 4): organisations
-- and services with what the standard publishes, locations with coordinates, when services run,
-- phones, and taxonomies; plus what a link worker needs beyond the standard (never published):
-- capacity, waiting list, funding, complex needs, accessibility, when the entry was last verified.
-- Imported records keep their Open Referral UK ids in `oruk_id`; Linkwork's own records are
-- published under their own ids (see docs/oruk.md).

ALTER TABLE organisations ADD COLUMN description TEXT;
ALTER TABLE organisations ADD COLUMN website TEXT;
ALTER TABLE organisations ADD COLUMN email TEXT;
ALTER TABLE organisations ADD COLUMN logo TEXT;
ALTER TABLE organisations ADD COLUMN uri TEXT;
ALTER TABLE organisations ADD COLUMN oruk_id TEXT;        -- the id an imported organisation has in its feed
CREATE UNIQUE INDEX organisations_oruk_id ON organisations (oruk_id);

-- What Open Referral UK publishes about a service (name, description, status, email are already here).
ALTER TABLE services ADD COLUMN oruk_id TEXT;             -- the id an imported service has in its feed
ALTER TABLE services ADD COLUMN url TEXT;
ALTER TABLE services ADD COLUMN eligibility_description TEXT;
ALTER TABLE services ADD COLUMN minimum_age BIGINT;
ALTER TABLE services ADD COLUMN maximum_age BIGINT;
ALTER TABLE services ADD COLUMN fees_description TEXT;   -- ORUK service.fees
ALTER TABLE services ADD COLUMN is_free BOOLEAN;          -- NULL: not known
ALTER TABLE services ADD COLUMN accreditations TEXT;
ALTER TABLE services ADD COLUMN assured_date TEXT;
ALTER TABLE services ADD COLUMN assurer_email TEXT;
ALTER TABLE services ADD COLUMN alert TEXT;
ALTER TABLE services ADD COLUMN last_modified TIMESTAMPTZ; -- as the feed said; NULL: updated_at
CREATE UNIQUE INDEX services_oruk_id ON services (oruk_id);
-- What a link worker needs beyond the standard. Never published.
ALTER TABLE services ADD COLUMN delivery TEXT NOT NULL DEFAULT 'in_person';  -- in_person | online | both
ALTER TABLE services ADD COLUMN capacity_places BIGINT;
ALTER TABLE services ADD COLUMN waiting_list BIGINT;      -- people waiting
ALTER TABLE services ADD COLUMN capacity_note TEXT;
ALTER TABLE services ADD COLUMN funding_source TEXT;
ALTER TABLE services ADD COLUMN funding_ends_on DATE;
ALTER TABLE services ADD COLUMN complex_needs BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE services ADD COLUMN complex_needs_detail TEXT;
ALTER TABLE services ADD COLUMN accessibility_description TEXT;
ALTER TABLE services ADD COLUMN last_verified_on DATE;
ALTER TABLE services ADD COLUMN published BOOLEAN NOT NULL DEFAULT TRUE;       -- appears in the /oruk feed

-- Places. oruk_id is the published id (a Linkwork location's own id, or the feed's).
CREATE TABLE locations (
    id TEXT PRIMARY KEY,
    oruk_id TEXT NOT NULL UNIQUE,
    location_type TEXT NOT NULL,              -- physical | postal | virtual
    name TEXT,
    description TEXT,
    latitude DOUBLE PRECISION,                -- WGS84; both or neither
    longitude DOUBLE PRECISION,
    external_identifier TEXT,                 -- e.g. a UPRN
    external_identifier_type TEXT,
    address_id TEXT,                          -- the address's ORUK id; NULL: no address
    address_1 TEXT,
    city TEXT,
    region TEXT,
    state_province TEXT,
    postcode TEXT,                            -- normalised when it is a UK postcode
    country TEXT,
    address_type TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX locations_postcode ON locations (postcode);

CREATE TABLE service_at_locations (
    id TEXT PRIMARY KEY,
    oruk_id TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    location_id TEXT NOT NULL REFERENCES locations (id),
    UNIQUE (service_id, location_id)
);
CREATE INDEX service_at_locations_oruk ON service_at_locations (oruk_id);
CREATE INDEX service_at_locations_location ON service_at_locations (location_id);

-- When a service runs (HSDS schedule: iCalendar RRULE-like).
CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    oruk_id TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    freq TEXT,                                -- WEEKLY | MONTHLY
    freq_interval BIGINT,                     -- ORUK interval
    byday TEXT,                               -- e.g. MO,WE
    bymonthday TEXT,
    dtstart TEXT,
    valid_from TEXT,
    valid_to TEXT,
    opens_at TEXT,                            -- HH:MM:SS
    closes_at TEXT,
    description TEXT,
    attending_type TEXT,
    notes TEXT,
    schedule_link TEXT
);
CREATE INDEX schedules_service ON schedules (service_id);

CREATE TABLE phones (
    id TEXT PRIMARY KEY,
    oruk_id TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    number TEXT NOT NULL,
    description TEXT
);
CREATE INDEX phones_service ON phones (service_id);

-- Taxonomies and their terms keep the ids they are published with (Linkwork's own are fixed).
CREATE TABLE taxonomies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    uri TEXT,
    version TEXT
);

CREATE TABLE taxonomy_terms (
    id TEXT PRIMARY KEY,
    taxonomy_id TEXT,                         -- a taxonomies id, when known
    code TEXT,
    name TEXT NOT NULL,
    description TEXT,
    parent_id TEXT,
    taxonomy TEXT,                            -- free text naming an established taxonomy
    term_uri TEXT,
    need TEXT                                 -- the need domain the term stands for, if any
);
CREATE INDEX taxonomy_terms_taxonomy ON taxonomy_terms (taxonomy_id);

-- A service's taxonomy terms from a feed (ORUK attributes). The need domains in service_needs are
-- published as terms of the Linkwork need-domain taxonomy besides these.
CREATE TABLE service_attributes (
    id TEXT PRIMARY KEY,
    oruk_id TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    term_id TEXT NOT NULL REFERENCES taxonomy_terms (id),
    link_type TEXT,
    UNIQUE (service_id, term_id)
);
CREATE INDEX service_attributes_term ON service_attributes (term_id);

-- Linkwork's need-domain taxonomy: one term per need domain (linkwork_domain::need::NeedDomain),
-- with ids derived as linkwork_domain::directory::need_term_id computes them.
INSERT INTO taxonomies (id, name, description, uri, version) VALUES
    ('5af34af2-c4d3-58b9-99c3-805d3304c45d', 'Linkwork need domains', 'The areas of non-medical need a social prescribing link worker helps with, which services meet.', NULL, '1');
INSERT INTO taxonomy_terms (id, taxonomy_id, code, name, description, need) VALUES
    ('c258a6f3-7126-5f8a-8ea2-891a9ae84712', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'loneliness', 'Loneliness and social isolation', 'Social prescribing need: Loneliness and social isolation.', 'loneliness'),
    ('a68406d7-136e-5a02-aeb9-c790c41687f4', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'mental_wellbeing', 'Mental wellbeing (low mood, anxiety, stress)', 'Social prescribing need: Mental wellbeing (low mood, anxiety, stress).', 'mental_wellbeing'),
    ('bbe297a3-a529-5d30-81c4-b8e7c2c3af52', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'physical_activity', 'Physical activity and healthy lifestyle', 'Social prescribing need: Physical activity and healthy lifestyle.', 'physical_activity'),
    ('faeb301b-98a8-55f7-b5d0-079dbfc6413b', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'long_term_condition', 'Long-term condition self-management', 'Social prescribing need: Long-term condition self-management.', 'long_term_condition'),
    ('b6734851-145b-5614-9bbb-9caba1a71a31', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'money', 'Money, debt and benefits', 'Social prescribing need: Money, debt and benefits.', 'money'),
    ('ae3a77e2-03df-551d-bcde-d1187217737f', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'housing', 'Housing and homelessness', 'Social prescribing need: Housing and homelessness.', 'housing'),
    ('a05a3137-b5dd-5d50-b71a-4ec45ec7fcd7', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'employment', 'Employment, education and volunteering', 'Social prescribing need: Employment, education and volunteering.', 'employment'),
    ('66c8cac6-4b26-5595-a1f3-755758759141', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'carer_support', 'Carer support', 'Social prescribing need: Carer support.', 'carer_support'),
    ('f88baec4-c864-565d-a371-1eb9dd21df38', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'bereavement', 'Bereavement', 'Social prescribing need: Bereavement.', 'bereavement'),
    ('71e3ec04-0a13-590e-a11d-63a27c86fc33', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'food', 'Food insecurity', 'Social prescribing need: Food insecurity.', 'food'),
    ('4c58824c-fa02-5a3a-82e9-3eee2f8e6f7b', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'digital', 'Digital inclusion', 'Social prescribing need: Digital inclusion.', 'digital'),
    ('fa930b07-d3e9-5d97-9e95-9f8040529ac4', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'legal', 'Legal and advice', 'Social prescribing need: Legal and advice.', 'legal'),
    ('d4382b9e-a697-5297-aed6-af6543a8ae68', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'family', 'Family and relationships', 'Social prescribing need: Family and relationships.', 'family'),
    ('c2ddabe8-d211-5928-b6e2-6e14523eebdc', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'arts', 'Arts, culture and creativity', 'Social prescribing need: Arts, culture and creativity.', 'arts'),
    ('46e3ae6c-6462-54bb-b63f-278ddd3e043f', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'nature', 'Nature and green activities', 'Social prescribing need: Nature and green activities.', 'nature'),
    ('565b14cd-576e-588d-a6a0-6d73e427aa83', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'substance_use', 'Substance use', 'Social prescribing need: Substance use.', 'substance_use'),
    ('f5fdf60a-4640-554c-80a6-d962ca3f72d4', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'transport', 'Transport and access', 'Social prescribing need: Transport and access.', 'transport'),
    ('d49a8ecb-79d6-55b5-a07a-73024687ce5a', '5af34af2-c4d3-58b9-99c3-805d3304c45d', 'safeguarding', 'Domestic abuse and safeguarding', 'Social prescribing need: Domestic abuse and safeguarding.', 'safeguarding');
