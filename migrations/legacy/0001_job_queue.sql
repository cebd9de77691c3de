-- The job queue: one row per job, claimed by workers with SELECT … FOR UPDATE SKIP LOCKED.
--
-- States:
--   available  waiting to run once run_at has come
--   running    claimed by worker_id until lease_expires_at (extended by heartbeat)
--   retryable  failed, will run again at run_at
--   completed  finished successfully (result holds the handler's result)
--   discarded  failed for good (max_attempts reached, or the handler said so)
--   cancelled  cancelled by an operator before or while running
CREATE TABLE jobs (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                text        NOT NULL CHECK (kind <> ''),
    queue               text        NOT NULL DEFAULT 'default' CHECK (queue <> ''),
    priority            smallint    NOT NULL DEFAULT 0,
    state               text        NOT NULL DEFAULT 'available'
        CHECK (state IN ('available', 'running', 'retryable', 'completed', 'discarded', 'cancelled')),
    args                jsonb       NOT NULL DEFAULT '{}',
    attempt             integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts        integer     NOT NULL DEFAULT 20 CHECK (max_attempts > 0),
    run_at              timestamptz NOT NULL DEFAULT now(),
    worker_id           text,
    lease_expires_at    timestamptz,
    unique_key          text,
    errors              jsonb       NOT NULL DEFAULT '[]',
    result              jsonb,
    progress            jsonb,
    cancel_requested_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    CHECK ((state = 'running') = (worker_id IS NOT NULL AND lease_expires_at IS NOT NULL))
);

COMMENT ON COLUMN jobs.priority IS 'Lower runs first.';
COMMENT ON COLUMN jobs.progress IS 'A checkpoint the handler saved, so a retry resumes where it stopped.';
COMMENT ON COLUMN jobs.errors IS 'History of failures: [{"attempt": n, "at": time, "message": text}].';

-- The claim query's index: it covers only claimable rows and matches the claim's WHERE and
-- ORDER BY exactly, so the plan stays an ordered index scan whatever the table statistics say.
CREATE INDEX jobs_claimable ON jobs (queue, priority, run_at, id)
    WHERE state IN ('available', 'retryable');

-- At most one unfinished job per unique key.
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('available', 'running', 'retryable');

-- Lease rescue looks only at running jobs.
CREATE INDEX jobs_running_lease ON jobs (lease_expires_at) WHERE state = 'running';

-- Retention prunes finished jobs by age.
CREATE INDEX jobs_finished ON jobs (state, finished_at)
    WHERE state IN ('completed', 'discarded', 'cancelled');

-- Wake idle workers: one notification per statement and queue (not per row), delivered at
-- commit, so a rolled-back enqueue wakes nobody. Workers LISTEN on the channel `jobqueue`;
-- the payload `insert:<queue>` names the queue.
CREATE FUNCTION jobs_notify_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobqueue', 'insert:' || q.queue)
    FROM (SELECT DISTINCT queue FROM inserted_jobs WHERE run_at <= now()) AS q;
    RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_notify_inserted AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS inserted_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify_inserted();

-- Worker processes: registered at start, heartbeating, removed on clean exit.
CREATE TABLE workers (
    id           text        PRIMARY KEY,
    host         text        NOT NULL,
    pid          integer     NOT NULL,
    queues       text[]      NOT NULL,
    concurrency  integer     NOT NULL CHECK (concurrency > 0),
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
