-- The audit journal becomes a hash chain: `seq` numbers the entries 1, 2, 3...
-- without gaps, `hash` is the SHA-256 of an entry together with `prev_hash`,
-- the hash of the entry before it (see idp::audit::chain). SQLite cannot
-- alter a primary key, so the table is rebuilt; existing entries keep their
-- order and get their hashes from the code right after migrating (SQL here
-- cannot compute them), until then `prev_hash` and `hash` are NULL.
CREATE TABLE audit_events_chained (
    seq BIGINT PRIMARY KEY NOT NULL CHECK (seq > 0),
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    account_id TEXT,
    client_id TEXT,
    request_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT,
    hash TEXT
);
INSERT INTO audit_events_chained (seq, at, event, account_id, client_id, request_id, detail)
SELECT row_number() OVER (ORDER BY id), at, event, account_id, client_id, request_id, detail
FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_chained RENAME TO audit_events;
CREATE INDEX audit_events_at ON audit_events (at);

-- The newest entry. Every append locks this row first, so appends from
-- several nodes form one chain; comparing it with the last entry reveals
-- deleted newest entries. A NULL hash says entries 1..seq are from before
-- the chain and still to be chained (by the code, once; nothing else is).
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT
);
INSERT INTO audit_head (id, seq, hash)
SELECT 1, COUNT(*), CASE WHEN COUNT(*) = 0
    THEN '0000000000000000000000000000000000000000000000000000000000000000' END
FROM audit_events;
