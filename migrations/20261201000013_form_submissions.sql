-- Every form is sent once (issue 12): each page's forms carry a one-time key; the first post with
-- a key claims it, and records where it led (the redirect after saving). Posting the same key again
-- (a reload, a double click, the back button) goes to the same place and saves nothing twice.
CREATE TABLE form_submissions (
    key_hash TEXT PRIMARY KEY,                -- SHA-256 of the key the page carried
    location TEXT,                            -- where the first post led; NULL while it is being saved
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX form_submissions_created ON form_submissions (created_at);
