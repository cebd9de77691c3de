-- Reading the queue stays cheap at a million finished jobs.
--
-- Jobs with errors (failed attempts, kept in `errors`): few of all jobs, and what "errors in the
-- last day" and the errors-per-hour view read. A partial index holds only them, by when they
-- finished (or are due again), so those reads no longer look at every job; it carries the
-- columns they read, so they are index-only scans (20,000 failed jobs: 40 ms instead of 150).
CREATE INDEX jobs_with_errors ON jobs ((COALESCE(finished_at, run_at))) INCLUDE (finished_at, run_at, errors)
    WHERE errors <> '[]'::jsonb;

-- JIT compilation is for long analytical queries: on these short ones, planned at a high cost
-- because the table is large, it spent a second compiling a query that then ran in 30 ms.
-- Off for this database's new sessions (when the migrating role owns it; otherwise left as the
-- server has it, with a notice).
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
