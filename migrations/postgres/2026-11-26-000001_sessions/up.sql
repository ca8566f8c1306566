-- The durable index of SSO sessions. The session itself stays in the
-- short-lived store under `session:{cookie_digest}`; this row is what every
-- node and the admin CLI agree on: a session is live only while its row has
-- no `ended_at`, so ending it here ends it everywhere at once.
CREATE TABLE sessions (
    sid TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL,
    cookie_digest TEXT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT,
    acr TEXT NOT NULL,
    amr TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT,
    end_reason TEXT
);
CREATE INDEX sessions_by_account ON sessions (account_id, ended_at);
CREATE UNIQUE INDEX sessions_by_cookie ON sessions (cookie_digest);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- The portals that got tokens in a session (a code redeemed), so each can
-- be told when the session ends (Back-Channel Logout 1.0).
CREATE TABLE session_clients (
    sid TEXT NOT NULL REFERENCES sessions (sid) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    first_at BIGINT NOT NULL,
    logout_delivered_at BIGINT,
    PRIMARY KEY (sid, client_id)
);
CREATE INDEX session_clients_by_client ON session_clients (client_id, logout_delivered_at);
