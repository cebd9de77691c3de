-- Claiming jobs and recording outcomes as functions, so that their plans are made once per
-- session and reused, and are always the plans of a large table.
--
-- Sent as statements, both are planned on every call, prepared or not: their LIMIT and batch
-- arrays are parameters, a generic plan cannot size them, and PostgreSQL keeps choosing custom
-- plans. Planning costs the server more than running them (0.4 ms for a claim, 0.6 ms for a
-- batch of outcomes, against 0.15 and 0.25), on the pick-up path of every job. A PL/pgSQL
-- function caches the plan of its statement; `plan_cache_mode = force_generic_plan`, for the
-- function's own statements only, keeps that one.
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

-- Records a batch of outcomes, fenced: a row is only touched while finish_worker still holds
-- the same attempt, so a worker that lost its lease cannot overwrite a rescued job. `batch_results`
-- and `batch_errors` hold '' for none; `batch_delays_ms` holds -1 for "keep run_at". A job released to
-- `available` gets its attempt back.
--
-- A success is also fenced on the checkpoints its attempt saw (`batch_sequences`): when the job holds
-- fewer, a transaction of the attempt's work was lost in a database crash, so instead of the
-- outcome the job is made available again at once, its attempt not counted, to resume from the
-- checkpoint that survived; its error entry (lost_message) is marked `resumed`. A snoozed job
-- (state `snoozed`) is available again after its delay, its attempt given back and its snooze
-- counted. Returns each touched job's id, whether it was resumed, and its kind, queue, state and
-- attempt after the update.
--
-- State, worker and attempt are compared with values of a materialized CTE: join conditions
-- the planner cannot misestimate from the table's statistics (gathered while few jobs ran,
-- `state = 'running' AND worker_id = …` looks like one row, and then every running job is
-- scanned for every id of the batch), and which an UPDATE still re-checks on a row changed
-- under it.
CREATE FUNCTION job_queue_finish(
    finish_worker text, batch_ids bigint[], batch_attempts integer[], batch_sequences integer[],
    batch_states text[], batch_results text[], batch_errors text[], batch_delays_ms double precision[],
    lost_message text
) RETURNS TABLE (id bigint, lost boolean, kind text, queue text, state text, attempt integer)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH v AS MATERIALIZED (
        SELECT u.id, u.attempt, u.lost, finish_worker AS worker_id, 'running'::text AS held_state,
               CASE WHEN u.lost OR u.state = 'snoozed' THEN 'available' ELSE u.state END AS state,
               u.state = 'snoozed' AS snoozed,
               u.result,
               CASE WHEN u.lost THEN lost_message ELSE u.error END AS error,
               CASE WHEN u.lost THEN 0 ELSE u.delay_ms END AS delay_ms
        FROM (
            SELECT u.*, (u.state = 'completed' AND held.checkpoint_seq <> u.sequence) AS lost
            FROM unnest(batch_ids, batch_attempts, batch_sequences, batch_states, batch_results, batch_errors,
                        batch_delays_ms)
                 AS u(id, attempt, sequence, state, result, error, delay_ms)
            JOIN jobs held ON held.id = u.id
        ) u
    )
    UPDATE jobs j SET
        state = v.state,
        attempt = CASE WHEN v.state = 'available' THEN j.attempt - 1 ELSE j.attempt END,
        snoozes = j.snoozes + CASE WHEN v.snoozed THEN 1 ELSE 0 END,
        result = CASE WHEN v.state = 'completed' THEN NULLIF(v.result, '')::jsonb ELSE j.result END,
        run_at = CASE WHEN v.delay_ms >= 0 THEN now() + v.delay_ms * interval '1 millisecond'
                      ELSE j.run_at END,
        errors = CASE WHEN v.error = '' THEN j.errors
                      ELSE j.errors || jsonb_build_array(jsonb_build_object(
                          'attempt', j.attempt, 'at', now(), 'message', v.error)
                          || CASE WHEN v.state = 'available' THEN '{"resumed": true}'::jsonb ELSE '{}'::jsonb END) END,
        finished_at = CASE WHEN v.state IN ('completed', 'discarded', 'cancelled') THEN now() END,
        worker_id = NULL, lease_expires_at = NULL
    FROM v
    WHERE j.id = v.id
      AND j.state = v.held_state AND j.worker_id = v.worker_id AND j.attempt = v.attempt
    RETURNING j.id, v.lost, j.kind, j.queue, j.state, j.attempt;
END;
$$;

COMMENT ON FUNCTION job_queue_claim(text, integer, text, double precision) IS
    'Leases up to claim_limit claimable jobs of claim_queue to claim_worker, in priority order, skipping locked rows.';
COMMENT ON FUNCTION job_queue_finish(text, bigint[], integer[], integer[], text[], text[], text[], double precision[], text) IS
    'Records a batch of outcomes of finish_worker''s attempts, fenced on worker, attempt and checkpoints.';
