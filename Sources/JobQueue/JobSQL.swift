import Foundation
import PostgresNIO

/// Every statement the queue engine runs, in one place. Each one is a single statement, so it is
/// one round trip whatever the batch size.
///
/// Statements that look up a batch of jobs by id must go by the primary key whatever the table's
/// statistics say. Gathered while few jobs ran, they make `state = 'running' AND worker_id = …`
/// look like one row, and the planner then scans every running job for every id of the batch:
/// quadratic in the batch's size. So such a statement restricts the table
/// only by `id = ANY(…)` (which the planner serves from the primary key) and compares state and
/// worker with values of a CTE, which it cannot misestimate. One looked up by its id says
/// "running" as `lease_expires_at IS NOT NULL` (the same, by the table's CHECK), which no partial
/// index serves. The claim and the outcomes are functions of the engine's schema
/// (Schema/), whose plans are kept per session.
enum JobSQL {
    /// The states in which a job still holds its unique key.
    static let unfinishedStates = JobState.sqlList(JobState.unfinished)
    /// The states in which a job waits to be claimed, as SQL (`job_queue_claim` and the
    /// `jobs_claimable` index name the same two).
    static let waitingStates = JobState.sqlList(JobState.waiting)

    /// Every column of a job, as `JobRecord(row:)` reads them.
    static let jobColumns = """
        id, kind, queue, priority, state, args::text, attempt, max_attempts, run_at,
        worker_id, lease_expires_at, unique_key, errors::text, result::text, progress::text,
        created_at, started_at, finished_at, trace_context::text
        """

    /// Inserts a batch of jobs; a job whose unique key an unfinished job holds is skipped.
    /// `runAtEpochs` holds -1 for "now, by the database's clock"; `uniqueKeys` holds "" for none;
    /// `traceContext`, the enqueuer's (``JobTraceContext``), is every job's.
    static func insert(
        kinds: [String], args: [String], queues: [String], priorities: [Int16],
        maxAttempts: [Int32], runAtEpochs: [Double], uniqueKeys: [String], timeoutsSeconds: [Double], traceContext: String?
    ) -> PostgresQuery {
        """
        INSERT INTO jobs (kind, args, queue, priority, max_attempts, run_at, unique_key, timeout_seconds, trace_context)
        SELECT u.kind, u.args::jsonb, u.queue, u.priority, u.max_attempts,
               CASE WHEN u.run_at < 0 THEN now() ELSE to_timestamp(u.run_at) END,
               NULLIF(u.unique_key, ''), NULLIF(u.timeout_seconds, -1), \(traceContext)::jsonb
        FROM unnest(\(kinds)::text[], \(args)::text[], \(queues)::text[], \(priorities)::int2[],
                    \(maxAttempts)::int4[], \(runAtEpochs)::float8[], \(uniqueKeys)::text[], \(timeoutsSeconds)::float8[])
             WITH ORDINALITY AS u(kind, args, queue, priority, max_attempts, run_at, unique_key, timeout_seconds, ord)
        ORDER BY u.ord
        ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL
            AND state IN \(unescaped: unfinishedStates) DO NOTHING
        RETURNING id, COALESCE(unique_key, '')
        """
    }

    /// Inserts one job: the same as `insert` for a batch of one, but a plain VALUES row, which
    /// the server plans faster (the pick-up path of a single enqueue).
    static func insertOne(_ job: NewJob, traceContext: String?) -> PostgresQuery {
        """
        INSERT INTO jobs (kind, args, queue, priority, max_attempts, run_at, unique_key, timeout_seconds, trace_context)
        VALUES (\(job.kind), \(job.argsJSON)::jsonb, \(job.queue), \(job.priority), \(job.maxAttempts),
                COALESCE(\(job.runAt)::timestamptz, now()), \(job.uniqueKey), \(job.timeout?.inSeconds)::float8,
                \(traceContext)::jsonb)
        ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL
            AND state IN \(unescaped: unfinishedStates) DO NOTHING
        RETURNING id
        """
    }

    /// The unfinished jobs that hold these unique keys.
    static func holders(ofUniqueKeys keys: [String]) -> PostgresQuery {
        """
        SELECT id, unique_key FROM jobs
        WHERE unique_key = ANY(\(keys)::text[]) AND state IN \(unescaped: unfinishedStates)
        """
    }

    /// Claims up to `limit` jobs of one queue whose time has come, in priority order, skipping
    /// rows other workers hold, and leases them to `workerID`: the function `job_queue_claim`,
    /// whose statement is planned once per session, by index whatever
    /// the table's size then, and which commits the claim without waiting for its WAL flush
    /// (`set_config(…, true)` inside it outlives the function, as only the settings its own SET
    /// clauses name are restored at its exit: `synchronous_commit` must never be one of them).
    static func claim(queue: String, limit: Int, workerID: String, leaseSeconds: Double) -> PostgresQuery {
        """
        SELECT id, kind, queue, args, attempt, max_attempts, progress, checkpoint_seq, resumes, timeout_seconds,
               trace_context, enqueued_seconds_ago
        FROM job_queue_claim(\(queue), \(Int32(clamping: limit)), \(workerID), \(leaseSeconds))
        """
    }

    /// Records a batch of outcomes, fenced on worker, attempt and checkpoints: the function
    /// `job_queue_record`, planned once per session like the claim.
    /// `results`/`errors` hold "" for none; `delaysMs` holds -1 for "keep run_at"; a state of
    /// `snoozed` makes the job available again after its delay. A success whose attempt saw more
    /// checkpoints than the job holds (a database crash lost one) is not recorded: the job is
    /// made available again at once, to resume, its error entry ``CheckpointLost/message``.
    /// Returns the id of each job written, and whether it was resumed so.
    static func record(
        workerID: String, ids: [Int64], attempts: [Int32], sequences: [Int32], states: [String],
        results: [String], errors: [String], delaysMs: [Double]
    ) -> PostgresQuery {
        """
        SELECT id, lost
        FROM job_queue_record(\(workerID), \(ids), \(attempts), \(sequences), \(states), \(results), \(errors),
                              \(delaysMs), \(CheckpointLost.message))
        """
    }

    /// Saves a running job's checkpoint (or, with `progressJSON` nil, only counts one), fenced
    /// like an outcome and on the checkpoints this attempt has seen; returns the job's id if saved.
    static func saveProgress(
        id: Int64, attempt: Int32, workerID: String, expectedSequence: Int32, progressJSON: String?
    ) -> PostgresQuery {
        """
        UPDATE jobs SET progress = COALESCE(\(progressJSON)::jsonb, progress), checkpoint_seq = checkpoint_seq + 1
        WHERE id = \(id) AND attempt = \(attempt) AND worker_id = \(workerID) AND lease_expires_at IS NOT NULL
          AND checkpoint_seq = \(expectedSequence)
        RETURNING id
        """
    }

    /// Whether this attempt still holds the job (then a refused checkpoint means one was lost).
    static func holds(id: Int64, attempt: Int32, workerID: String) -> PostgresQuery {
        """
        SELECT EXISTS (SELECT 1 FROM jobs
                       WHERE id = \(id) AND attempt = \(attempt) AND worker_id = \(workerID) AND lease_expires_at IS NOT NULL)
        """
    }

    /// Extends the leases of the jobs a worker runs; returns those it still holds, and whether
    /// an operator asked to cancel each.
    static func extendLeases(ids: [Int64], workerID: String, leaseSeconds: Double) -> PostgresQuery {
        """
        WITH held AS MATERIALIZED (SELECT \(workerID)::text AS worker_id, 'running'::text AS state)
        UPDATE jobs j SET lease_expires_at = now() + make_interval(secs => \(leaseSeconds))
        FROM held
        WHERE j.id = ANY(\(ids)::int8[]) AND j.worker_id = held.worker_id AND j.state = held.state
        RETURNING j.id, j.cancel_requested_at IS NOT NULL
        """
    }

    /// Puts back jobs whose lease expired (but those in `skipping`): retryable now, or discarded
    /// when out of attempts, or cancelled when an operator had asked for it.
    static func rescueExpired(limit: Int, skipping: [Int64] = []) -> PostgresQuery {
        """
        WITH expired AS (
            SELECT id FROM jobs
            WHERE state = 'running' AND lease_expires_at < now() AND id <> ALL(\(skipping)::int8[])
            ORDER BY lease_expires_at
            LIMIT \(limit)
            FOR UPDATE SKIP LOCKED
        ), rescued AS (
            SELECT j.id,
                   CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'cancelled'
                        WHEN j.attempt >= j.max_attempts THEN 'discarded'
                        ELSE 'retryable' END AS state
            FROM jobs j JOIN expired USING (id)
        )
        UPDATE jobs j SET
            state = rescued.state,
            run_at = now(),
            errors = j.errors || jsonb_build_array(jsonb_build_object(
                'attempt', j.attempt, 'at', now(),
                'message', 'lease expired: worker ' || j.worker_id || ' stopped heartbeating')),
            finished_at = CASE WHEN rescued.state = 'retryable' THEN NULL ELSE now() END,
            worker_id = NULL, lease_expires_at = NULL
        FROM rescued WHERE j.id = rescued.id
        RETURNING j.id, j.queue, j.state, j.kind, j.attempt
        """
    }

    /// Deletes up to `limit` jobs in `state` that finished more than `olderThanSeconds` ago.
    static func prune(state: JobState, olderThanSeconds: Double, limit: Int) -> PostgresQuery {
        """
        WITH deleted AS (
            DELETE FROM jobs WHERE id = ANY(ARRAY(
                SELECT id FROM jobs
                WHERE state = \(state.rawValue) AND finished_at < now() - make_interval(secs => \(olderThanSeconds))
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED))
            RETURNING 1
        )
        SELECT count(*) FROM deleted
        """
    }

    /// Cancels a job: a waiting one at once; a running one is flagged, and its worker stops it.
    static func cancel(id: Int64) -> PostgresQuery {
        """
        UPDATE jobs SET
            state = CASE WHEN state = 'running' THEN state ELSE 'cancelled' END,
            cancel_requested_at = now(),
            finished_at = CASE WHEN state = 'running' THEN NULL ELSE now() END
        WHERE id = \(id) AND state IN \(unescaped: unfinishedStates)
        RETURNING state, kind, queue, attempt
        """
    }

    /// Makes a finished or retryable job available again now, with at least one more attempt.
    static func retry(id: Int64) -> PostgresQuery {
        """
        UPDATE jobs SET
            state = 'available', run_at = now(), finished_at = NULL, cancel_requested_at = NULL,
            max_attempts = GREATEST(max_attempts, attempt + 1)
        WHERE id = \(id) AND state IN ('retryable', 'completed', 'discarded', 'cancelled')
        RETURNING queue
        """
    }

    /// The current state of a job.
    static func state(id: Int64) -> PostgresQuery {
        "SELECT state FROM jobs WHERE id = \(id)"
    }

    /// One job, every column.
    static func job(id: Int64) -> PostgresQuery {
        """
        SELECT \(unescaped: jobColumns)
        FROM jobs WHERE id = \(id)
        """
    }

    /// Tells the workers listening (the engine's insert trigger sends `.inserted` too).
    static func notify(_ notification: QueueNotification) -> PostgresQuery {
        "SELECT pg_notify(\(QueueNotification.channel), \(notification.payload))"
    }

    /// Registers (or re-registers) a worker process.
    static func registerWorker(
        id: String, host: String, pid: Int32, queues: [String], concurrency: Int32
    ) -> PostgresQuery {
        """
        INSERT INTO workers (id, host, pid, queues, concurrency)
        VALUES (\(id), \(host), \(pid), \(queues)::text[], \(concurrency))
        ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()
        """
    }

    /// Records that a worker process is alive; no row means it was taken for dead.
    static func workerHeartbeat(id: String) -> PostgresQuery {
        "UPDATE workers SET heartbeat_at = now() WHERE id = \(id) RETURNING id"
    }

    /// Removes a worker process that exits cleanly.
    static func deregisterWorker(id: String) -> PostgresQuery {
        "DELETE FROM workers WHERE id = \(id)"
    }

    /// Forgets worker processes that have not heartbeated for a long time.
    static func pruneDeadWorkers(olderThanSeconds: Double) -> PostgresQuery {
        """
        WITH deleted AS (
            DELETE FROM workers WHERE heartbeat_at < now() - make_interval(secs => \(olderThanSeconds))
            RETURNING 1
        )
        SELECT count(*) FROM deleted
        """
    }

    /// How many jobs a queue has in each state.
    static func countByState(queue: String) -> PostgresQuery {
        "SELECT state, count(*) FROM jobs WHERE queue = \(queue) GROUP BY state"
    }

    /// Deletes every job of a queue that is not running.
    static func purge(queue: String) -> PostgresQuery {
        """
        WITH deleted AS (DELETE FROM jobs WHERE queue = \(queue) AND state <> 'running' RETURNING 1)
        SELECT count(*) FROM deleted
        """
    }

    /// Jobs matching the filter, newest first. Empty strings match everything. The page is found
    /// by id alone first, so a deep page skips rows without rendering them.
    static func list(state: String, kind: String, queue: String, limit: Int, offset: Int) -> PostgresQuery {
        """
        SELECT \(unescaped: jobColumns)
        FROM jobs
        WHERE id IN (
            SELECT id FROM jobs
            WHERE (\(state) = '' OR state = \(state)) AND (\(kind) = '' OR kind = \(kind))
              AND (\(queue) = '' OR queue = \(queue))
            ORDER BY id DESC LIMIT \(limit) OFFSET \(offset))
        ORDER BY id DESC
        """
    }

    /// Per queue and state: how many jobs (finished ones estimated above 1,000), whether that
    /// was counted, and for waiting ones the age of the oldest that is due (`job_queue_depth`).
    static let depth: PostgresQuery = """
        SELECT queue, state, jobs, exact, COALESCE(oldest_waiting_seconds, 0)::float8
        FROM job_queue_depth ORDER BY queue, state
        """

    /// The oldest job of this kind that has not finished yet.
    static func oldestUnfinished(kind: String) -> PostgresQuery {
        // Waiting and running apart, each from its partial index: an IN over the three states
        // matches neither, and walked every job in id order.
        """
        SELECT min(id) FROM (
            SELECT min(id) AS id FROM jobs WHERE kind = \(kind) AND state IN \(unescaped: waitingStates)
            UNION ALL
            SELECT min(id) FROM jobs WHERE kind = \(kind) AND state = 'running'
        ) AS oldest HAVING min(id) IS NOT NULL
        """
    }

    /// Worker processes with the seconds since their last heartbeat.
    static let workers: PostgresQuery = """
        SELECT id, host, pid, queues, concurrency, started_at, heartbeat_at,
               EXTRACT(EPOCH FROM now() - heartbeat_at)::float8
        FROM workers ORDER BY started_at
        """

    /// Pauses or resumes a queue for the whole cluster; returns the queue's name.
    static func setPaused(queue: String, paused: Bool) -> PostgresQuery {
        """
        INSERT INTO job_queues (name, paused_at) VALUES (\(queue), CASE WHEN \(paused) THEN now() END)
        ON CONFLICT (name) DO UPDATE SET
            paused_at = CASE WHEN \(paused) THEN COALESCE(job_queues.paused_at, now()) END, updated_at = now()
        RETURNING name
        """
    }

    /// Jobs waiting or running, counted on the claim and lease indexes.
    static let unfinishedCount: PostgresQuery = """
        SELECT (SELECT count(*) FROM jobs WHERE state IN \(unescaped: waitingStates))
             + (SELECT count(*) FROM jobs WHERE state = 'running')
        """

    /// Finished jobs of a kind: how many, their summed run time, first start to last end.
    static func runStatistics(kind: String) -> PostgresQuery {
        """
        SELECT count(*), COALESCE(sum(EXTRACT(EPOCH FROM finished_at - started_at)), 0)::float8,
               COALESCE(EXTRACT(EPOCH FROM max(finished_at) - min(started_at)), 0)::float8
        FROM jobs WHERE kind = \(kind) AND state IN \(unescaped: JobState.sqlList(JobState.finished))
        """
    }

    /// The paused queues' names.
    static let pausedQueues: PostgresQuery = "SELECT name FROM job_queues WHERE paused_at IS NOT NULL ORDER BY name"

    /// Every queue that has jobs, workers or a pause row: whether it is paused and since when,
    /// and how many jobs wait in it (due or not) and run.
    static let queues: PostgresQuery = """
        WITH names AS (
            SELECT name FROM job_queues
            UNION SELECT unnest(queues) FROM workers
            -- One per partial index (waiting, running): an IN over all three matches neither.
            UNION SELECT DISTINCT queue FROM jobs WHERE state IN \(unescaped: waitingStates)
            UNION SELECT DISTINCT queue FROM jobs WHERE state = 'running'
        )
        SELECT n.name, p.paused_at,
               (SELECT count(*) FROM jobs j WHERE j.queue = n.name AND j.state IN \(unescaped: waitingStates)),
               (SELECT count(*) FROM jobs j WHERE j.queue = n.name AND j.state = 'running')
        FROM names n LEFT JOIN job_queues p ON p.name = n.name
        ORDER BY n.name
        """
}
