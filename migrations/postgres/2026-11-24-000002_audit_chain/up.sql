-- The audit journal becomes a hash chain: `seq` numbers the entries 1, 2, 3...
-- without gaps (a BIGSERIAL may skip values), `hash` is the SHA-256 of an
-- entry together with `prev_hash`, the hash of the entry before it (see
-- idp::audit::chain). Existing entries keep their order and get their hashes
-- from the code right after migrating (the same code for both backends);
-- until then `prev_hash` and `hash` are NULL.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
UPDATE audit_events SET seq = numbered.n
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_events) AS numbered
WHERE audit_events.id = numbered.id;
ALTER TABLE audit_events DROP COLUMN id;
ALTER TABLE audit_events ALTER COLUMN seq SET NOT NULL;
ALTER TABLE audit_events ADD PRIMARY KEY (seq);
-- Verification walks from seq 1: nothing may hide below it.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_seq_positive CHECK (seq > 0);

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
