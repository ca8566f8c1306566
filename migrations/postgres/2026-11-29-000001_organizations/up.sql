-- Organizations (legal entities and individual entrepreneurs), registered by
-- their head with the organization's qualified certificate. KPP is NULL for
-- an entrepreneur; medical is 0/1 (a medical organization's employees may be
-- medical workers).
CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    full_name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    ogrn TEXT NOT NULL UNIQUE,
    inn TEXT NOT NULL,
    kpp TEXT,
    legal_address TEXT NOT NULL,
    actual_address TEXT NOT NULL,
    medical INTEGER NOT NULL,
    head_account_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Active memberships: a row per employee, roles space-separated (admin,
-- manager, specialist); removing an employee deletes the row (the journal
-- keeps the history). medical_worker is JSON {specialty, position}.
CREATE TABLE memberships (
    org_id TEXT NOT NULL REFERENCES organizations (id),
    account_id TEXT NOT NULL,
    roles TEXT NOT NULL,
    medical_worker TEXT,
    since BIGINT NOT NULL,
    PRIMARY KEY (org_id, account_id)
);
CREATE INDEX memberships_account ON memberships (account_id);

-- Invitations to join: to a phone, an e-mail or a SNILS; single use (the
-- accepting update is conditional on accepted_at IS NULL) and expiring.
CREATE TABLE org_invitations (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id),
    invitee_kind TEXT NOT NULL,
    invitee TEXT NOT NULL,
    roles TEXT NOT NULL,
    medical_worker TEXT,
    invited_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_by TEXT,
    accepted_at BIGINT
);
CREATE INDEX org_invitations_invitee ON org_invitations (invitee);
CREATE INDEX org_invitations_org ON org_invitations (org_id);

-- The organization's own journal, which its admins read: every change, who
-- made it (a name, kept as it was then) and what changed (JSON).
CREATE TABLE org_journal (
    seq BIGSERIAL PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations (id),
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX org_journal_org ON org_journal (org_id, seq);
