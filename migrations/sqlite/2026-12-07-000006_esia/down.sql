ALTER TABLE clients DROP COLUMN esia_certificate;
DROP TRIGGER accounts_oid_assign;
DROP INDEX accounts_oid;
ALTER TABLE accounts DROP COLUMN oid;
