-- ESIA mode. Every account gets a stable numeric `oid`, the person's id in
-- ESIA's dialect (tokens' `urn:esia:sbj_id`, the REST API's /rs/prns/{oid}):
-- existing accounts from their rowid, new ones the next number, given by the
-- trigger so that no code creating accounts has to know about it.
ALTER TABLE accounts ADD COLUMN oid BIGINT;
UPDATE accounts SET oid = 1000000000 + rowid;
CREATE UNIQUE INDEX accounts_oid ON accounts (oid);
CREATE TRIGGER accounts_oid_assign AFTER INSERT ON accounts
WHEN NEW.oid IS NULL
BEGIN
    UPDATE accounts
       SET oid = (SELECT COALESCE(MAX(oid), 1000000000) + 1 FROM accounts)
     WHERE id = NEW.id;
END;
-- An ESIA client's registered certificate (PEM): it signs the client's
-- requests (`client_secret`). NULL: an OpenID Connect client.
ALTER TABLE clients ADD COLUMN esia_certificate TEXT;
