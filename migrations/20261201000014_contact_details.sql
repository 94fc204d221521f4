-- How to reach each person (issue 12). One row per person; every change is kept in
-- person_changes with who, when and from which source, as identity and demographics are
-- (linkwork_domain::contact_details; the PersonField contact codes). The postcode of the postal
-- address is the person's own (people.postcode).
CREATE TABLE contact_details (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    mobile TEXT,                              -- national digits, 07…
    landline TEXT,                            -- national digits
    email TEXT,
    address_line_1 TEXT,
    address_line_2 TEXT,
    town TEXT,
    preferred_contact TEXT,                   -- linkwork_domain::contact_details::ContactMethod code
    best_times TEXT,
    leave_message BOOLEAN,
    updated_at TIMESTAMPTZ NOT NULL
);

-- What the short forms (self-referral, VCSE partner) ask besides a phone number and an e-mail,
-- carried into the person's contact details when triage takes the referral on.
ALTER TABLE incoming_referrals ADD COLUMN preferred_contact TEXT;
ALTER TABLE incoming_referrals ADD COLUMN best_times TEXT;
ALTER TABLE incoming_referrals ADD COLUMN leave_message BOOLEAN;

-- How the public reach a link-worker service (shown before the self-referral form and with its
-- reference afterwards). Set with `linkwork settings service-contact`.
CREATE TABLE service_contacts (
    service_org_id TEXT PRIMARY KEY REFERENCES organisations (id),
    phone TEXT,
    email TEXT,
    hours TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);
