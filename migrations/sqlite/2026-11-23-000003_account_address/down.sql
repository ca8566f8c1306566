ALTER TABLE accounts DROP COLUMN address;
