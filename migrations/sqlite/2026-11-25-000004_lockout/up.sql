-- Until when the password path of an account is locked after too many wrong
-- passwords (certificate login stays open). Kept durable, so the admin CLI
-- and every node see it.
ALTER TABLE accounts ADD COLUMN locked_until BIGINT;
