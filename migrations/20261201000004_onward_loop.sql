-- The closed loop of onward referrals (issue 4): every status change of an onward referral with
-- who made it and when; notifications shown in the app; and the e-mail outbox that delivers them
-- by SMTP. Notifications never hold health details (see docs/onward-referrals.md).

CREATE TABLE onward_events (
    id TEXT PRIMARY KEY,
    onward_referral_id TEXT NOT NULL REFERENCES onward_referrals (id),
    from_status TEXT,                         -- NULL for the first event (sent)
    to_status TEXT NOT NULL,                  -- sent | accepted | declined | started | attended | completed | dropped_out
    reason TEXT,                              -- the decline reason code, with declined
    happened_on DATE NOT NULL,                -- the day the change took effect, as recorded
    at TIMESTAMPTZ NOT NULL,                  -- when it was recorded
    user_id TEXT REFERENCES users (id),       -- who: a signed-in user …
    token_id TEXT,                            -- … or an API token
    org_id TEXT REFERENCES organisations (id)
);
CREATE INDEX onward_events_referral ON onward_events (onward_referral_id, at);

-- What is known of onward referrals made before this history existed.
INSERT INTO onward_events (id, onward_referral_id, from_status, to_status, reason, happened_on, at, user_id, token_id, org_id)
SELECT 'migrated-1-sent-' || w.id, w.id, NULL, 'sent', NULL, w.sent_on, w.updated_at, w.sent_by, NULL, r.service_org_id
FROM onward_referrals w JOIN referrals r ON r.id = w.referral_id;
INSERT INTO onward_events (id, onward_referral_id, from_status, to_status, reason, happened_on, at, user_id, token_id, org_id)
SELECT 'migrated-2-answer-' || w.id, w.id, 'sent', CASE WHEN w.status = 'declined' THEN 'declined' ELSE 'accepted' END, w.decline_reason, w.responded_on, w.updated_at, NULL, NULL, s.org_id
FROM onward_referrals w JOIN services s ON s.id = w.service_id WHERE w.responded_on IS NOT NULL;
INSERT INTO onward_events (id, onward_referral_id, from_status, to_status, reason, happened_on, at, user_id, token_id, org_id)
SELECT 'migrated-3-attended-' || w.id, w.id, 'accepted', 'attended', NULL, w.attended_on, w.updated_at, NULL, NULL, s.org_id
FROM onward_referrals w JOIN services s ON s.id = w.service_id WHERE w.attended_on IS NOT NULL;

-- In-app notifications. recipient_user_id NULL: for everyone in recipient_org_id (a VCSE
-- organisation's shared referral inbox), read once for all.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    recipient_user_id TEXT REFERENCES users (id),
    recipient_org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,                       -- onward.sent | onward.reminder | onward.stuck | onward.<status>
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,                                -- a path in the app, e.g. /partner/referrals/{id}
    dedup_key TEXT UNIQUE,                    -- set on prompts sent once only (e.g. stuck:{onward id})
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (recipient_user_id, created_at);
CREATE INDEX notifications_org ON notifications (recipient_org_id, created_at);

-- E-mails waiting to be delivered (written in the transaction that creates the notification;
-- delivered by the server's background task when SMTP is configured).
CREATE TABLE email_outbox (
    id TEXT PRIMARY KEY,
    notification_id TEXT REFERENCES notifications (id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,     -- retries back off; a claim moves it forward
    last_error TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox (sent_at, created_at);
