ALTER TABLE clients DROP COLUMN esia_certificate;
DROP INDEX accounts_oid;
ALTER TABLE accounts DROP COLUMN oid;
DROP SEQUENCE IF EXISTS accounts_oid_seq;
