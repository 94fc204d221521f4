-- A referral whose need domains the referrer did not code (issue 16): a FHIR or BaRS referral
-- whose reasons came as text or as SNOMED CT codes Linkwork does not map. Its needs are what the
-- referrer's words suggest (perhaps none), for the link worker to confirm at triage; the flag
-- clears when needs are agreed with the person (a conversation, or the plan's needs form).
ALTER TABLE referrals ADD COLUMN needs_to_confirm BOOLEAN NOT NULL DEFAULT FALSE;
