ALTER TABLE accounts DROP COLUMN level_since;
ALTER TABLE accounts DROP COLUMN checked_at;
