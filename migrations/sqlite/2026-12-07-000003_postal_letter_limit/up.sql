-- Letters ordered in the current window, kept with the live code so that
-- one conditional UPDATE both counts a new letter and replaces the code:
-- an account orders at most postal_letters_per_account letters per
-- postal_letters_window_secs.
ALTER TABLE postal_codes ADD COLUMN letters INTEGER NOT NULL DEFAULT 1;
ALTER TABLE postal_codes ADD COLUMN window_started_at BIGINT NOT NULL DEFAULT 0;
UPDATE postal_codes SET window_started_at = ordered_at;
