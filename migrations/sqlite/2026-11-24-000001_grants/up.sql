-- A grant: what one code redemption released to one client. The
-- refresh-token family (refresh_tokens.family_id) and every access token
-- minted for it carry its id, so withdrawing consent or detecting a replay
-- revokes them all. `claims` is the released set (JSON); '' marks a grant
-- made before this table existed, whose set follows from its scopes.
CREATE TABLE grants (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    claims TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX grants_by_account_client ON grants (account_id, client_id);
CREATE INDEX grants_by_expiry ON grants (expires_at);

-- Existing refresh-token families become grants.
INSERT INTO grants (id, account_id, client_id, scopes, claims, auth, created_at, expires_at, revoked)
SELECT family_id, MIN(account_id), MIN(client_id), MIN(scopes), '', MIN(auth),
       MIN(issued_at), MAX(expires_at), MIN(revoked)
FROM refresh_tokens GROUP BY family_id;

-- Claims a person allowed one by one, beyond those their scopes cover
-- (space-separated names).
ALTER TABLE consents ADD COLUMN claims TEXT NOT NULL DEFAULT '';

-- The weakest authentication a client accepts (an acr URN).
ALTER TABLE clients ADD COLUMN min_acr TEXT;
