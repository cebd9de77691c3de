-- Monitoring views for operators: the key metrics (fetch success rate, processing rate, error
-- rate, database growth) and the queue's depth and oldest waiting job, as plain SQL views to
-- query from psql or chart in Grafana (a PostgreSQL data source; alias `day`/`hour` AS time).
--
-- They are safe to query at any time, on a live system: read-only SELECTs that take no locks
-- beyond the ACCESS SHARE every reader takes (so they never block workers; only DDL such as a
-- migration waits for them), and they read bounded windows (the last 30 or 7 days) through the
-- existing indexes where there is one: fetch_runs_requested, fetch_runs_finished,
-- conversations_unprocessed (failed conversations) and jobs_claimable (waiting jobs). The
-- processing-rate and growth views scan `conversations` (there is no index on processed_at or
-- fetched_at, and the running total counts every row anyway); the jobs views scan `jobs`, which
-- retention keeps small.
--
-- Days and hours are in the session's time zone (SET TIME ZONE 'UTC' for UTC days).

-- Fetch success rate, one row per day for the last 30 days (today included; a day without
-- fetches is a row of zeros). A fetch counts on the day it was requested; `failed` means its
-- latest attempt failed (a retry that then succeeds moves it to `succeeded`), and pending or
-- running fetches count in `fetches` only.
CREATE VIEW buddi_fetch_success_rate AS
WITH runs AS (
    SELECT requested_at::date AS day,
           count(*) AS fetches,
           count(*) FILTER (WHERE outcome = 'succeeded') AS succeeded,
           count(*) FILTER (WHERE outcome = 'failed') AS failed
    FROM fetch_runs
    WHERE requested_at >= (current_date - 29)::timestamptz
    GROUP BY 1
)
SELECT days.day,
       COALESCE(runs.fetches, 0) AS fetches,
       COALESCE(runs.succeeded, 0) AS succeeded,
       COALESCE(runs.failed, 0) AS failed,
       round(runs.succeeded::numeric / NULLIF(runs.succeeded + runs.failed, 0), 4) AS success_rate
FROM (SELECT current_date - i AS day FROM generate_series(0, 29) AS i) AS days
LEFT JOIN runs USING (day)
ORDER BY days.day;

COMMENT ON VIEW buddi_fetch_success_rate IS
    'Fetches requested per day (last 30 days): fetches, succeeded, failed, success_rate = succeeded / (succeeded + failed), NULL when none finished.';

-- Processing rate: conversations processed per hour over the last 7 days (only hours in which
-- something was processed).
CREATE VIEW buddi_conversations_processed_per_hour AS
SELECT date_trunc('hour', processed_at) AS hour,
       count(*) AS processed
FROM conversations
WHERE processing_state = 'processed'
  AND processed_at >= date_trunc('hour', now()) - interval '7 days'
GROUP BY 1
ORDER BY 1;

COMMENT ON VIEW buddi_conversations_processed_per_hour IS
    'Conversations processed per hour (by processed_at), last 7 days; hours with none are absent.';

-- Error rate: errors per hour over the last 7 days (only hours with at least one error), from
-- three sources:
--   fetch_errors       fetches whose latest attempt failed, by finished_at
--   processing_errors  conversations that could not be processed, by updated_at
--   job_errors         failed job attempts of any kind (each entry of jobs.errors, by its "at"),
--                      including expired leases; pruned jobs take their history with them
--                      (completed after a day, discarded or cancelled after a week, by default)
CREATE VIEW buddi_errors_per_hour AS
WITH errors AS (
    SELECT 'fetch' AS source, date_trunc('hour', finished_at) AS hour
    FROM fetch_runs
    WHERE outcome = 'failed' AND finished_at >= date_trunc('hour', now()) - interval '7 days'
    UNION ALL
    SELECT 'processing', date_trunc('hour', updated_at)
    FROM conversations
    WHERE processing_state = 'failed' AND updated_at >= date_trunc('hour', now()) - interval '7 days'
    UNION ALL
    SELECT 'job', date_trunc('hour', (e.entry ->> 'at')::timestamptz)
    FROM jobs, jsonb_array_elements(jobs.errors) AS e(entry)
    WHERE jobs.errors <> '[]'
      AND (e.entry ->> 'at')::timestamptz >= date_trunc('hour', now()) - interval '7 days'
)
SELECT hour,
       count(*) FILTER (WHERE source = 'fetch') AS fetch_errors,
       count(*) FILTER (WHERE source = 'processing') AS processing_errors,
       count(*) FILTER (WHERE source = 'job') AS job_errors
FROM errors
GROUP BY hour
ORDER BY hour;

COMMENT ON VIEW buddi_errors_per_hour IS
    'Errors per hour, last 7 days: failed fetches (finished_at), failed conversations (updated_at), failed job attempts (jobs.errors[].at); hours with none are absent.';

-- Database growth: conversations stored per day (by fetched_at) for the last 30 days, with the
-- running total over all time (a day without new conversations is a row with 0 and the same
-- total).
CREATE VIEW buddi_database_growth_per_day AS
WITH per_day AS (
    SELECT fetched_at::date AS day, count(*) AS new_conversations
    FROM conversations
    GROUP BY 1
    UNION ALL
    SELECT current_date - i, 0 FROM generate_series(0, 29) AS i
), running AS (
    SELECT day,
           sum(new_conversations) AS new_conversations,
           sum(sum(new_conversations)) OVER (ORDER BY day) AS cumulative_conversations
    FROM per_day
    GROUP BY day
)
SELECT day,
       new_conversations::bigint AS new_conversations,
       cumulative_conversations::bigint AS cumulative_conversations
FROM running
WHERE day BETWEEN current_date - 29 AND current_date
ORDER BY day;

COMMENT ON VIEW buddi_database_growth_per_day IS
    'Conversations stored per day (by fetched_at), last 30 days, with the running total over all time.';

-- Queue depth: jobs per queue and state. oldest_waiting_seconds is how long the oldest due job
-- (available or retryable, run_at reached) has waited; NULL for other states and when nothing
-- is due (a retry scheduled for later is not waiting yet).
CREATE VIEW buddi_queue_depth AS
SELECT queue,
       state,
       count(*) AS jobs,
       round(EXTRACT(EPOCH FROM now() - min(run_at) FILTER (
           WHERE state IN ('available', 'retryable') AND run_at <= now())), 3) AS oldest_waiting_seconds
FROM jobs
GROUP BY queue, state
ORDER BY queue, state;

COMMENT ON VIEW buddi_queue_depth IS
    'Jobs per queue and state; oldest_waiting_seconds = now() - oldest run_at among due available/retryable jobs, else NULL.';

-- The oldest waiting job of each queue: the due available or retryable job with the earliest
-- run_at (which is not necessarily the next to be claimed: claims go by priority first).
-- Queues with nothing due have no row.
CREATE VIEW buddi_oldest_waiting_job AS
SELECT DISTINCT ON (queue)
       queue,
       id AS job_id,
       kind,
       round(EXTRACT(EPOCH FROM now() - run_at), 3) AS waiting_seconds,
       run_at,
       attempt
FROM jobs
WHERE state IN ('available', 'retryable') AND run_at <= now()
ORDER BY queue, run_at, id;

COMMENT ON VIEW buddi_oldest_waiting_job IS
    'Per queue, the due available/retryable job that has waited longest (earliest run_at): job_id, kind, waiting_seconds, run_at, attempt.';
