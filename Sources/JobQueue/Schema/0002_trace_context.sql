-- Distributed tracing: the trace context of the code that enqueued a job, as the headers a
-- propagator writes (W3C `traceparent` and `tracestate`), NULL when it was enqueued untraced.
-- A worker runs each attempt in a span related to it: a child of it, or linked to it.
ALTER TABLE jobs ADD COLUMN trace_context jsonb;

COMMENT ON COLUMN jobs.trace_context IS
    'The enqueuer''s trace context as propagation headers (W3C traceparent, tracestate); NULL when untraced.';

-- The claim also returns the trace context, and how long ago the job was enqueued (by the
-- database's clock), which decides whether its span is a child of the enqueuer's or linked to it.
DROP FUNCTION job_queue_claim(text, integer, text, double precision);

CREATE FUNCTION job_queue_claim(
    claim_queue text, claim_limit integer, claim_worker text, lease_seconds double precision
) RETURNS TABLE (
    id bigint, kind text, queue text, args text, attempt integer, max_attempts integer, progress text,
    checkpoint_seq integer, resumes integer, timeout_seconds double precision, trace_context text,
    enqueued_seconds_ago double precision
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
              j.timeout_seconds, j.trace_context::text,
              extract(epoch FROM now() - j.created_at)::float8;
END;
$$;

COMMENT ON FUNCTION job_queue_claim(text, integer, text, double precision) IS
    'Leases up to claim_limit claimable jobs of claim_queue to claim_worker, in priority order, skipping locked rows.';
