DROP TABLE audit_head;
CREATE TABLE audit_events_plain (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    account_id TEXT,
    client_id TEXT,
    request_id TEXT,
    detail TEXT NOT NULL
);
INSERT INTO audit_events_plain (id, at, event, account_id, client_id, request_id, detail)
SELECT seq, at, event, account_id, client_id, request_id, detail FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_plain RENAME TO audit_events;
CREATE INDEX audit_events_at ON audit_events (at);
