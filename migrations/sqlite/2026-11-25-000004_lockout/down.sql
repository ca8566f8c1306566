ALTER TABLE accounts DROP COLUMN locked_until;
