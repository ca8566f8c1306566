-- Confirmation codes sent by registered post: one live code per account,
-- valid for 60 days, a few tries. Only the digest is kept.
CREATE TABLE postal_codes (
    account_id TEXT PRIMARY KEY NOT NULL,
    digest TEXT NOT NULL,
    address TEXT NOT NULL,
    ordered_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    tries_left INTEGER NOT NULL
);
