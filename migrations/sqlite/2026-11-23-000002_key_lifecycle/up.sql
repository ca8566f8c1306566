-- A `next` key becomes active by itself once portals' JWKS caches have had
-- time to see it.
ALTER TABLE signing_keys ADD COLUMN activate_after BIGINT;
-- Exactly one active key per algorithm.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (alg) WHERE state = 'active';
