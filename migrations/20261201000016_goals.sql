-- Plans change without a new "what matters" conversation (issue 12): a goal is added, reworded,
-- given a new review date or closed on its own, and needs are agreed or withdrawn on the record.
-- Every change is kept (who, when, the value before and after), and a goal carries a version so
-- that two people editing it at once cannot overwrite each other unseen.
ALTER TABLE goals ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE plan_changes (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    goal_id TEXT REFERENCES goals (id),       -- NULL for a change of needs
    kind TEXT NOT NULL,                       -- goal_added | description | review_on | status | need_added | need_removed
    old_value TEXT,                           -- as stored: wording, ISO date, status or need code
    new_value TEXT,
    changed_by TEXT REFERENCES users (id),
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_changes_referral ON plan_changes (referral_id);
