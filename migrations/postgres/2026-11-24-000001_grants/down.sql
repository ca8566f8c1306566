ALTER TABLE clients DROP COLUMN min_acr;
ALTER TABLE consents DROP COLUMN claims;
DROP TABLE grants;
