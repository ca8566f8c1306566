-- The registration address, as one formatted line (OpenID Connect Core §5.1.1 `formatted`).
ALTER TABLE accounts ADD COLUMN address TEXT;
