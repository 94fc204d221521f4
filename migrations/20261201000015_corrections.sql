-- Corrections (issue 12): mistakes a link worker or partner can put right, always kept.

-- A declined referral reopened (back to triage): the decline it undid, who reopened it, when and why.
CREATE TABLE referral_reopenings (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    declined_on DATE NOT NULL,                -- the decline that was undone
    decline_reason TEXT NOT NULL,
    reopened_on DATE NOT NULL,
    reason TEXT NOT NULL,                     -- why, in the link worker's words
    reopened_by TEXT REFERENCES users (id),   -- a signed-in user …
    token_id TEXT,                            -- … or an API token
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX referral_reopenings_referral ON referral_reopenings (referral_id, at);

-- An onward-referral event that undoes an earlier one (a partner's change recorded by mistake).
-- The undone event stays in the history; the undoing event names it.
ALTER TABLE onward_events ADD COLUMN undoes_event_id TEXT;

-- Closing questionnaires not taken at discharge, and why (declined, unable, not_reached).
CREATE TABLE measures_not_taken (
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    instrument TEXT NOT NULL,
    timepoint TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_on DATE NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    PRIMARY KEY (referral_id, instrument, timepoint)
);

-- Measures entered after the person was discharged (within the late-entry window).
ALTER TABLE measures ADD COLUMN entered_late BOOLEAN NOT NULL DEFAULT FALSE;
