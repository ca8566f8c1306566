-- «Мои данные» beyond the claims kept in `accounts`: the identity document
-- and the place of birth.
CREATE TABLE profiles (
    account_id TEXT PRIMARY KEY NOT NULL,
    birthplace TEXT,
    passport_series TEXT,
    passport_number TEXT,
    passport_issued_on TEXT,
    passport_issuer TEXT,
    passport_issuer_code TEXT,
    updated_at BIGINT NOT NULL
);

-- Requests to check a profile against the state registries. `data` is the
-- profile as submitted (JSON); `outcome` the registries' answer (JSON).
-- At most one request of an account is pending; a new one supersedes it.
-- `seq` numbers an account's requests (the clock may not tell two apart).
CREATE TABLE verifications (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    outcome TEXT,
    requested_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE UNIQUE INDEX verifications_by_account ON verifications (account_id, seq);
