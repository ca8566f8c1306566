-- An account's second factor: SMS codes to its verified phone, or an
-- authenticator app (TOTP) whose secret is sealed under the master key.
-- last_step is the newest TOTP time step used: no code is accepted twice.
CREATE TABLE second_factors (
    account_id TEXT PRIMARY KEY NOT NULL,
    method TEXT NOT NULL,
    sealed_secret TEXT,
    last_step BIGINT,
    enabled_at BIGINT NOT NULL
);

-- Single-use recovery codes, shown once; only their digests are kept.
CREATE TABLE recovery_codes (
    account_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (account_id, digest)
);
