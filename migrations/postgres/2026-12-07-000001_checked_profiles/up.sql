-- The account's claims and its `profiles` row hold checked data only: what
-- the registries confirmed, or what an admin created the account with. An
-- edit waits in `verifications` until its check passes.
-- checked_at: when the checked data last changed (userinfo `updated_at`);
-- level_since: when the account got its level.
-- Both stay NULL here: right after migrating, the code settles each such
-- account once (idp::store::sql::settle), putting back the data of its
-- newest passed check where an unchecked edit had overwritten it, and then
-- fills them in.
ALTER TABLE accounts ADD COLUMN checked_at BIGINT;
ALTER TABLE accounts ADD COLUMN level_since BIGINT;
