ALTER TABLE postal_codes DROP COLUMN window_started_at;
ALTER TABLE postal_codes DROP COLUMN letters;
