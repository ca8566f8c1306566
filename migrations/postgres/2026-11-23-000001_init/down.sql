DROP TABLE audit_events;
DROP TABLE signing_keys;
DROP TABLE refresh_tokens;
DROP TABLE consents;
DROP TABLE clients;
DROP TABLE accounts;
