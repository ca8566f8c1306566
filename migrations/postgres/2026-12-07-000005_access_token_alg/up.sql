-- What signs a client's access tokens (RS256, PS256, ES256 or EdDSA);
-- NULL: the server's access_token_alg.
ALTER TABLE clients ADD COLUMN access_token_alg TEXT;
