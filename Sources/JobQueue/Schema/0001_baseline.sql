-- The job queue engine's schema at version 0.1.0: the jobs table with its indexes and
-- notify-on-insert trigger, queue controls, workers, leader leases, the queue-depth view and the
-- claim and outcome functions. It belongs to the engine, not to any application, and is applied
-- before any application's migrations.

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
CREATE TABLE jobs (
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
    -- A handler can snooze its job: run it again later without using an attempt.
    snoozes             integer     NOT NULL DEFAULT 0 CHECK (snoozes >= 0),
    CHECK ((state = 'running') = (worker_id IS NOT NULL AND lease_expires_at IS NOT NULL))
);

COMMENT ON COLUMN jobs.priority IS 'Lower runs first.';
COMMENT ON COLUMN jobs.progress IS 'A checkpoint the handler saved, so a retry resumes where it stopped.';
COMMENT ON COLUMN jobs.errors IS 'History of failures: [{"attempt": n, "at": time, "message": text}].';
COMMENT ON COLUMN jobs.checkpoint_seq IS
    'checkpoints saved by running attempts; an outcome is recorded only if the attempt saw the last one';
COMMENT ON COLUMN jobs.timeout_seconds IS 'How long one attempt of this job may run; NULL for its kind''s timeout.';
COMMENT ON COLUMN jobs.snoozes IS 'How many times the job was snoozed (put off without using an attempt).';

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

-- Jobs with errors (failed attempts, kept in `errors`): few of all jobs, and what "errors in the
-- last day" and the errors-per-hour view read. A partial index holds only them, by when they
-- finished (or are due again), so those reads do not look at every job; it carries the columns
-- they read, so they are index-only scans.
CREATE INDEX jobs_with_errors ON jobs ((COALESCE(finished_at, run_at))) INCLUDE (finished_at, run_at, errors)
    WHERE errors <> '[]'::jsonb;

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

-- Queue controls.
--
-- A queue can be paused, for the whole cluster and until it is resumed: workers stop claiming
-- from it at their next claim (the claim checks this table), jobs can still be enqueued, and
-- running jobs finish. A queue has a row here once it has been paused or resumed.
CREATE TABLE job_queues (
    name       text        PRIMARY KEY CHECK (name <> ''),
    paused_at  timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON COLUMN job_queues.paused_at IS 'Since when the queue is paused; NULL while it runs.';

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

-- Leader election: one row per elected role. A process leads while it holds the row and its
-- lease has not expired; a takeover bumps the term, so a stale leader's term no longer matches
-- and whatever it fences on the row (`holder` and `term`, with FOR UPDATE) is refused.
CREATE TABLE leader_leases (
    name       text        PRIMARY KEY CHECK (name <> ''),
    holder     text        NOT NULL,
    term       bigint      NOT NULL DEFAULT 1,
    elected_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- JIT compilation is for long analytical queries: the queue's short ones, planned at a high cost
-- because the table is large, would spend far longer being compiled than running. Off for this
-- database's new sessions (when the migrating role owns it; otherwise left as the server has it,
-- with a notice).
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'jit left as configured: only the database''s owner may set it (%)', SQLERRM;
END
$$;

-- Jobs per queue and state, with a bounded cost whatever the table's size:
--   * waiting and running jobs are counted exactly, from their partial indexes;
--   * finished ones (completed, discarded, cancelled) are counted up to 1,000 per queue and
--     state, and above that estimated from the table's statistics (its row count times the
--     queue's and the state's frequencies), with `exact` false, as Oban's dashboards estimate
--     past their limit. The queues looked at are those with unfinished jobs, those in
--     job_queues, and those common enough to be in the statistics (every queue while the table
--     has none yet).
CREATE VIEW job_queue_depth AS
WITH unfinished AS (
    -- Waiting and running apart, each matching its partial index (an IN over all three states
    -- matches neither, and scans the table).
    SELECT queue, state, count(*) AS jobs,
           EXTRACT(EPOCH FROM now() - min(run_at) FILTER (WHERE run_at <= now())) AS oldest_waiting_seconds
    FROM jobs
    WHERE state IN ('available', 'retryable')
    GROUP BY queue, state
    UNION ALL
    SELECT queue, state, count(*), NULL
    FROM jobs
    WHERE state = 'running'
    GROUP BY queue, state
), column_stats AS (
    SELECT attname, most_common_vals::text::text[] AS vals, most_common_freqs AS freqs
    FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'jobs' AND attname IN ('queue', 'state')
), queues AS (
    SELECT queue FROM unfinished
    UNION SELECT name FROM job_queues
    UNION SELECT unnest(vals) FROM column_stats WHERE attname = 'queue'
    UNION SELECT DISTINCT queue FROM jobs WHERE NOT EXISTS (SELECT 1 FROM column_stats WHERE attname = 'queue')
), finished AS (
    -- One subquery per state, its state a literal: the planner then knows from the statistics
    -- how rare each is, and finds a rare one by the index instead of scanning for it.
    SELECT q.queue, 'completed' AS state,
           (SELECT count(*) FROM (SELECT 1 FROM jobs j WHERE j.state = 'completed' AND j.queue = q.queue LIMIT 1001) AS capped) AS jobs
    FROM queues q
    UNION ALL
    SELECT q.queue, 'discarded',
           (SELECT count(*) FROM (SELECT 1 FROM jobs j WHERE j.state = 'discarded' AND j.queue = q.queue LIMIT 1001) AS capped)
    FROM queues q
    UNION ALL
    SELECT q.queue, 'cancelled',
           (SELECT count(*) FROM (SELECT 1 FROM jobs j WHERE j.state = 'cancelled' AND j.queue = q.queue LIMIT 1001) AS capped)
    FROM queues q
), frequency AS (
    SELECT attname, v.val, v.freq
    FROM column_stats, unnest(vals, freqs) AS v(val, freq)
)
SELECT queue, state, jobs, true AS exact, round(oldest_waiting_seconds, 3) AS oldest_waiting_seconds
FROM unfinished
UNION ALL
SELECT f.queue, f.state,
       CASE WHEN f.jobs <= 1000 THEN f.jobs
            ELSE GREATEST(1001, round(GREATEST(c.reltuples, 0)
                 * COALESCE((SELECT freq FROM frequency WHERE attname = 'queue' AND val = f.queue), 0)
                 * COALESCE((SELECT freq FROM frequency WHERE attname = 'state' AND val = f.state), 0))::bigint) END,
       f.jobs <= 1000, NULL
FROM finished f, pg_class c
WHERE c.oid = 'jobs'::regclass AND f.jobs > 0;

COMMENT ON VIEW job_queue_depth IS
    'Jobs per queue and state: exact for waiting and running, counted up to 1,000 and estimated above (exact false) for finished; oldest_waiting_seconds for due available/retryable jobs.';

-- Claiming jobs and recording outcomes are functions, so that their plans are made once per
-- session and reused, and are always the plans of a large table.
--
-- Sent as statements, both would be planned on every call, prepared or not: their LIMIT and
-- batch arrays are parameters, a generic plan cannot size them, and PostgreSQL keeps choosing
-- custom plans, whose planning costs the server more than running them, on the pick-up path of
-- every job. A PL/pgSQL function caches the plan of its statement; `plan_cache_mode =
-- force_generic_plan`, for the function's own statements only, keeps that one.
--
-- A plan kept is a plan made once, maybe while the table was nearly empty, when scanning all
-- of it and hashing is cheapest, and then run on millions of rows. So these functions also
-- rule out sequential scans, hash and merge joins: their batches are found by index (the
-- claimable rows in order from `jobs_claimable`, the others by primary key), which costs the
-- same at every size of the table.

-- Leases up to claim_limit claimable jobs of claim_queue to claim_worker, in priority order,
-- skipping rows other workers hold. The claim commits without waiting for its WAL flush
-- (`synchronous_commit = off` for its transaction only): if the server crashed before the
-- flush, the claim would be undone and the jobs simply claimable again, which at-least-once
-- delivery and the attempt fence already allow for. `resumes` counts the `errors` entries of
-- the attempt claimed now that are marked `resumed` (the attempt was interrupted by the
-- database and resumed from its checkpoint).
CREATE FUNCTION job_queue_claim(
    claim_queue text, claim_limit integer, claim_worker text, lease_seconds double precision
) RETURNS TABLE (
    id bigint, kind text, queue text, args text, attempt integer, max_attempts integer, progress text,
    checkpoint_seq integer, resumes integer, timeout_seconds double precision
)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    RETURN QUERY
    UPDATE jobs j
    SET state = 'running', attempt = j.attempt + 1, worker_id = claim_worker,
        lease_expires_at = now() + make_interval(secs => lease_seconds), started_at = now()
    WHERE j.id = ANY(ARRAY(
        SELECT w.id FROM jobs w
        WHERE w.state IN ('available', 'retryable') AND w.queue = claim_queue AND w.run_at <= now()
          AND NOT EXISTS (SELECT 1 FROM job_queues p WHERE p.name = claim_queue AND p.paused_at IS NOT NULL)
        ORDER BY w.queue, w.priority, w.run_at, w.id
        LIMIT claim_limit
        FOR UPDATE SKIP LOCKED))
    RETURNING j.id, j.kind, j.queue, j.args::text, j.attempt, j.max_attempts, j.progress::text, j.checkpoint_seq,
              jsonb_array_length(jsonb_path_query_array(
                  j.errors, '$[*] ? (exists(@.resumed) && @.attempt == $attempt)',
                  jsonb_build_object('attempt', j.attempt)))::int4,
              j.timeout_seconds;
END;
$$;

COMMENT ON FUNCTION job_queue_claim(text, integer, text, double precision) IS
    'Leases up to claim_limit claimable jobs of claim_queue to claim_worker, in priority order, skipping locked rows.';

-- Records a batch of outcomes, fenced: a row is touched only while `record_worker` still holds
-- the same attempt in `running`, so a worker that lost its lease cannot overwrite a rescued job.
-- `batch_results` and `batch_errors` hold '' for none; `batch_delays_ms` holds -1 for "keep
-- run_at". A job released to `available` gets its attempt back.
--
-- A success is also fenced on the checkpoints its attempt saw (`batch_sequences`): when the job
-- holds others, a transaction of the attempt's work was lost in a database crash, so instead of
-- the outcome the job is made available again at once, its attempt given back, to resume from
-- the checkpoint that survived; its error entry (`lost_message`) is marked `resumed`. A snoozed
-- job (state `snoozed`) is available again after its delay, its attempt given back and its
-- snooze counted.
--
-- The checkpoints are read in the update itself (`checkpoint_seq`, which it does not change), and
-- only what the worker cannot know is returned: which outcomes were written, and which of them
-- found a checkpoint lost. State, worker and attempt are compared with values of a materialized
-- CTE: join conditions the planner cannot misestimate from the table's statistics (gathered
-- while few jobs ran, `state = 'running' AND worker_id = …` looks like one row, and then every
-- running job would be scanned for every id of the batch), and which an UPDATE still re-checks
-- on a row changed under it.
CREATE FUNCTION job_queue_record(
    record_worker text, batch_ids bigint[], batch_attempts integer[], batch_sequences integer[],
    batch_states text[], batch_results text[], batch_errors text[], batch_delays_ms double precision[],
    lost_message text
) RETURNS TABLE (id bigint, lost boolean)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
AS $$
#variable_conflict use_column
BEGIN
    -- State, worker and attempt are compared with values of a materialized CTE, so the plan
    -- looks each job up by id whatever the statistics say.
    -- `lost` is `v.state = 'completed' AND j.checkpoint_seq <> v.sequence`, spelled out in each
    -- column it decides (an UPDATE's SET items cannot share an expression).
    RETURN QUERY
    WITH v AS MATERIALIZED (
        SELECT u.*, record_worker AS worker_id, 'running'::text AS held_state
        FROM unnest(batch_ids, batch_attempts, batch_sequences, batch_states, batch_results, batch_errors,
                    batch_delays_ms)
             AS u(id, attempt, sequence, state, result, error, delay_ms)
    )
    UPDATE jobs j SET
        state = CASE WHEN (v.state = 'completed' AND j.checkpoint_seq <> v.sequence) OR v.state = 'snoozed'
                     THEN 'available' ELSE v.state END,
        attempt = CASE WHEN (v.state = 'completed' AND j.checkpoint_seq <> v.sequence)
                            OR v.state IN ('available', 'snoozed')
                       THEN j.attempt - 1 ELSE j.attempt END,
        snoozes = j.snoozes + CASE WHEN v.state = 'snoozed' THEN 1 ELSE 0 END,
        result = CASE WHEN v.state = 'completed' AND j.checkpoint_seq = v.sequence
                      THEN NULLIF(v.result, '')::jsonb ELSE j.result END,
        run_at = CASE WHEN v.state = 'completed' AND j.checkpoint_seq <> v.sequence THEN now()
                      WHEN v.delay_ms >= 0 THEN now() + v.delay_ms * interval '1 millisecond'
                      ELSE j.run_at END,
        errors = CASE WHEN CASE WHEN v.state = 'completed' AND j.checkpoint_seq <> v.sequence
                                THEN lost_message ELSE v.error END = '' THEN j.errors
                      ELSE j.errors || jsonb_build_array(jsonb_build_object(
                          'attempt', j.attempt, 'at', now(),
                          'message', CASE WHEN v.state = 'completed' AND j.checkpoint_seq <> v.sequence
                                          THEN lost_message ELSE v.error END)
                          || CASE WHEN (v.state = 'completed' AND j.checkpoint_seq <> v.sequence)
                                       OR v.state IN ('available', 'snoozed')
                                  THEN '{"resumed": true}'::jsonb ELSE '{}'::jsonb END) END,
        finished_at = CASE WHEN v.state IN ('completed', 'discarded', 'cancelled')
                            AND NOT (v.state = 'completed' AND j.checkpoint_seq <> v.sequence) THEN now() END,
        worker_id = NULL, lease_expires_at = NULL
    FROM v
    WHERE j.id = v.id
      AND j.state = v.held_state AND j.worker_id = v.worker_id AND j.attempt = v.attempt
    RETURNING j.id, v.state = 'completed' AND j.checkpoint_seq <> v.sequence;
END;
$$;

COMMENT ON FUNCTION job_queue_record(text, bigint[], integer[], integer[], text[], text[], text[], double precision[], text) IS
    'Records a batch of outcomes of record_worker''s attempts, fenced on worker, attempt and checkpoints; returns the ids written and whether each found a checkpoint lost.';
