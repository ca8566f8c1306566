-- Durable background work that any node may do: deliveries of codes,
-- links and letters, verifications against the state registries. A node
-- claims a due job by moving `run_at` past a lease (a conditional UPDATE),
-- so two nodes never run one job at once, and a node that dies mid-job
-- leaves it to be claimed again when the lease ends. Done jobs are deleted;
-- failed ones stay, with their last error, for the admin.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (failed, run_at);
