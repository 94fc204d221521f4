-- Accounts (issue 11): token expiry and revocation, single-use password links (reset and
-- invitation), sign-in lockout kept in the database (so it holds across server processes), and
-- the OpenID Connect identity an account is linked to.

-- When a token stops working. NULL on tokens made before expiry existed: they expire 90 days
-- after they were created (applied when the token is read, as no date arithmetic is portable).
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
-- Who revoked it (a user id; NULL when revoked from the command line).
ALTER TABLE api_tokens ADD COLUMN revoked_by TEXT;

-- A link that lets one person set their password once: a reset asked for by an administrator,
-- or the invitation of a new account. Only the SHA-256 of the link's secret is stored.
CREATE TABLE password_links (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,                    -- reset | invitation
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT,                          -- the administrator's user id (NULL: command line)
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,                      -- set when used, or when a newer link replaces it
    outbox_email_id TEXT                      -- the e-mail that carried it, redacted once the link is spent
);
CREATE INDEX password_links_user ON password_links (user_id);

-- Failed sign-ins, kept for the lockout window only. account_key is the SHA-256 of the e-mail
-- address as typed (lower-cased), whether or not an account has it, so a lockout says nothing
-- about which addresses exist.
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    client_address TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account_key, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- The OpenID Connect identity (issuer and subject) an account signed in with first; later
-- sign-ins must come from the same identity.
ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc_identity ON users (oidc_issuer, oidc_subject);

CREATE INDEX sessions_user ON sessions (user_id);
