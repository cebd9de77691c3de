-- The job queue engine's own schema: the jobs table and its indexes, the notify-on-insert
-- trigger, the workers table and the leader leases. It belongs to the engine, not to any
-- application, and is applied before any application's migrations.
--
-- It is written to be idempotent (CREATE … IF NOT EXISTS, CREATE OR REPLACE, COMMENT ON) and
-- states every object exactly as buddi's earlier migrations (migrations/legacy/0001..0012,
-- which created these objects mixed with the app's) left it: same columns in the same order,
-- types, defaults, CHECK constraints, compression and comments. So on an empty database it
-- creates everything, and a database built by those earlier migrations adopts it unchanged:
-- there, every statement is a no-op. Keep it that way: a change to these objects is a new
-- engine migration, never an edit of this file.

-- The job queue: one row per job, claimed by workers with SELECT … FOR UPDATE SKIP LOCKED.
--
-- States:
--   available  waiting to run once run_at has come
--   running    claimed by worker_id until lease_expires_at (extended by heartbeat)
--   retryable  failed, will run again at run_at
--   completed  finished successfully (result holds the handler's result)
--   discarded  failed for good (max_attempts reached, or the handler said so)
--   cancelled  cancelled by an operator before or while running
--
-- Large values (args, checkpoints, results) are compressed with lz4 instead of pglz: several
-- times faster to compress and decompress, for a similar size on JSON.
--
-- checkpoint_seq and timeout_seconds come last, where the earlier migrations added them.
CREATE TABLE IF NOT EXISTS jobs (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                text        NOT NULL CHECK (kind <> ''),
    queue               text        NOT NULL DEFAULT 'default' CHECK (queue <> ''),
    priority            smallint    NOT NULL DEFAULT 0,
    state               text        NOT NULL DEFAULT 'available'
        CHECK (state IN ('available', 'running', 'retryable', 'completed', 'discarded', 'cancelled')),
    args                jsonb       COMPRESSION lz4 NOT NULL DEFAULT '{}',
    attempt             integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts        integer     NOT NULL DEFAULT 20 CHECK (max_attempts > 0),
    run_at              timestamptz NOT NULL DEFAULT now(),
    worker_id           text,
    lease_expires_at    timestamptz,
    unique_key          text,
    errors              jsonb       NOT NULL DEFAULT '[]',
    result              jsonb       COMPRESSION lz4,
    progress            jsonb       COMPRESSION lz4,
    cancel_requested_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    -- Crash-safe progress: every checkpoint a running attempt saves bumps checkpoint_seq, fenced
    -- on the value the attempt last saw. A handler's transactions may commit without waiting for
    -- the WAL flush; if a crash-restart loses one, the next checkpoint (or the outcome) finds the
    -- sequence behind what the attempt expects, and the attempt resumes from the checkpoint that
    -- did survive instead of going on past work that is gone.
    checkpoint_seq      integer     NOT NULL DEFAULT 0,
    -- A job's own execution timeout, overriding its kind's (the worker's registry): past it the
    -- attempt is cancelled and fails as timed out.
    timeout_seconds     double precision CHECK (timeout_seconds > 0),
    CHECK ((state = 'running') = (worker_id IS NOT NULL AND lease_expires_at IS NOT NULL))
);

COMMENT ON COLUMN jobs.priority IS 'Lower runs first.';
COMMENT ON COLUMN jobs.progress IS 'A checkpoint the handler saved, so a retry resumes where it stopped.';
COMMENT ON COLUMN jobs.errors IS 'History of failures: [{"attempt": n, "at": time, "message": text}].';
COMMENT ON COLUMN jobs.checkpoint_seq IS
    'checkpoints saved by running attempts; an outcome is recorded only if the attempt saw the last one';
COMMENT ON COLUMN jobs.timeout_seconds IS 'How long one attempt of this job may run; NULL for its kind''s timeout.';

-- The claim query's index: it covers only claimable rows and matches the claim's WHERE and
-- ORDER BY exactly, so the plan stays an ordered index scan whatever the table statistics say.
CREATE INDEX IF NOT EXISTS jobs_claimable ON jobs (queue, priority, run_at, id)
    WHERE state IN ('available', 'retryable');

-- At most one unfinished job per unique key.
CREATE UNIQUE INDEX IF NOT EXISTS jobs_unique_key ON jobs (unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('available', 'running', 'retryable');

-- Lease rescue looks only at running jobs.
CREATE INDEX IF NOT EXISTS jobs_running_lease ON jobs (lease_expires_at) WHERE state = 'running';

-- Retention prunes finished jobs by age.
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (state, finished_at)
    WHERE state IN ('completed', 'discarded', 'cancelled');

-- Wake idle workers: one notification per statement and queue (not per row), delivered at
-- commit, so a rolled-back enqueue wakes nobody. Workers LISTEN on the channel `jobqueue`;
-- the payload `insert:<queue>` names the queue.
CREATE OR REPLACE FUNCTION jobs_notify_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobqueue', 'insert:' || q.queue)
    FROM (SELECT DISTINCT queue FROM inserted_jobs WHERE run_at <= now()) AS q;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER jobs_notify_inserted AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS inserted_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify_inserted();

-- Worker processes: registered at start, heartbeating, removed on clean exit.
CREATE TABLE IF NOT EXISTS workers (
    id           text        PRIMARY KEY,
    host         text        NOT NULL,
    pid          integer     NOT NULL,
    queues       text[]      NOT NULL,
    concurrency  integer     NOT NULL CHECK (concurrency > 0),
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- Leader election: one row per elected role. A process leads while it holds the row and its
-- lease has not expired; a takeover bumps the term, so a stale leader's term no longer matches
-- and whatever it fences on the row (`holder` and `term`, with FOR UPDATE) is refused.
CREATE TABLE IF NOT EXISTS leader_leases (
    name       text        PRIMARY KEY CHECK (name <> ''),
    holder     text        NOT NULL,
    term       bigint      NOT NULL DEFAULT 1,
    elected_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
