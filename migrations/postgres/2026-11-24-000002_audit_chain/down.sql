DROP TABLE audit_head;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_seq_positive;
ALTER TABLE audit_events DROP COLUMN prev_hash;
ALTER TABLE audit_events DROP COLUMN hash;
ALTER TABLE audit_events RENAME COLUMN seq TO id;
CREATE SEQUENCE audit_events_id_seq OWNED BY audit_events.id;
SELECT setval('audit_events_id_seq', COALESCE((SELECT MAX(id) FROM audit_events), 0) + 1, false);
ALTER TABLE audit_events ALTER COLUMN id SET DEFAULT nextval('audit_events_id_seq');
