-- The public self-referral form's limit per client address (issue 14): kept in the database so
-- that several app servers behind one address apply one limit, as the sign-in lockout does.
CREATE TABLE rate_limit_hits (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,                     -- what is limited, e.g. self_referral
    client_key TEXT NOT NULL,                 -- who: the client's address
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX rate_limit_hits_client ON rate_limit_hits (bucket, client_key, at);
CREATE INDEX rate_limit_hits_at ON rate_limit_hits (at);
