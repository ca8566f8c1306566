-- ESIA mode. Every account gets a stable numeric `oid`, the person's id in
-- ESIA's dialect (tokens' `urn:esia:sbj_id`, the REST API's /rs/prns/{oid}):
-- existing accounts and new ones from a sequence, so that no code creating
-- accounts has to know about it.
CREATE SEQUENCE accounts_oid_seq START 1000000001;
ALTER TABLE accounts ADD COLUMN oid BIGINT;
UPDATE accounts SET oid = nextval('accounts_oid_seq');
ALTER TABLE accounts ALTER COLUMN oid SET DEFAULT nextval('accounts_oid_seq');
ALTER TABLE accounts ALTER COLUMN oid SET NOT NULL;
ALTER SEQUENCE accounts_oid_seq OWNED BY accounts.oid;
CREATE UNIQUE INDEX accounts_oid ON accounts (oid);
-- An ESIA client's registered certificate (PEM): it signs the client's
-- requests (`client_secret`). NULL: an OpenID Connect client.
ALTER TABLE clients ADD COLUMN esia_certificate TEXT;
