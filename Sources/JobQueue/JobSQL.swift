import Foundation
import PostgresNIO

/// Every statement the queue engine runs, in one place. Each one is a single statement, so it is
/// one round trip whatever the batch size.
///
/// Statements that look up a batch of jobs by id must go by the primary key whatever the table's
/// statistics say. Gathered while few jobs ran, they make `state = 'running' AND worker_id = …`
/// look like one row, and the planner then scans every running job for every id of the batch:
/// quadratic, 400 ms to record a batch of 700 outcomes. So such a statement restricts the table
/// only by `id = ANY(…)` (which the planner serves from the primary key) and compares state,
/// worker and attempt with values of a materialized CTE: join conditions it cannot estimate
/// from those statistics, and which an UPDATE still re-checks on a row changed under it. The
/// array is looked up once: joined back to the table, the batch goes by `id` alone, for a
/// generic plan (a prepared statement's) turns `id = v.id AND id = ANY(…)` into one index scan
/// per row that walks and sorts the whole array each time, quadratic again. One
/// looked up by its id says "running" as `lease_expires_at IS NOT NULL` (the same, by the table's
/// CHECK), which no partial index serves.
enum JobSQL {
    /// The states in which a job still holds its unique key.
    static let unfinishedStates = JobState.sqlList(JobState.unfinished)
    /// The states in which a job waits to be claimed, as SQL (built once: the claim is hot).
    static let waitingStates = JobState.sqlList(JobState.waiting)

    /// Every column of a job, as `JobRecord(row:)` reads them.
    static let jobColumns = """
        id, kind, queue, priority, state, args::text, attempt, max_attempts, run_at,
        worker_id, lease_expires_at, unique_key, errors::text, result::text, progress::text,
        created_at, started_at, finished_at
        """

    /// Inserts a batch of jobs; a job whose unique key an unfinished job holds is skipped.
    /// `runAtEpochs` holds -1 for "now, by the database's clock"; `uniqueKeys` holds "" for none.
    static func insert(
        kinds: [String], args: [String], queues: [String], priorities: [Int16],
        maxAttempts: [Int32], runAtEpochs: [Double], uniqueKeys: [String], timeoutsSeconds: [Double]
    ) -> PostgresQuery {
        """
        INSERT INTO jobs (kind, args, queue, priority, max_attempts, run_at, unique_key, timeout_seconds)
        SELECT u.kind, u.args::jsonb, u.queue, u.priority, u.max_attempts,
               CASE WHEN u.run_at < 0 THEN now() ELSE to_timestamp(u.run_at) END,
               NULLIF(u.unique_key, ''), NULLIF(u.timeout_seconds, -1)
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
    static func insertOne(_ job: NewJob) -> PostgresQuery {
        """
        INSERT INTO jobs (kind, args, queue, priority, max_attempts, run_at, unique_key, timeout_seconds)
        VALUES (\(job.kind), \(job.argsJSON)::jsonb, \(job.queue), \(job.priority), \(job.maxAttempts),
                COALESCE(\(job.runAt)::timestamptz, now()), \(job.uniqueKey), \(job.timeout?.inSeconds)::float8)
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
    /// rows other workers hold, and leases them to `workerID`. The WHERE and ORDER BY match the
    /// partial index `jobs_claimable` column for column.
    ///
    /// The claim commits without waiting for its WAL flush (`synchronous_commit = off` for this
    /// transaction only): if the server crashed before the flush, the claim would be undone and
    /// the jobs simply claimable again, which at-least-once delivery and the attempt fence
    /// already allow for. It saves a disk flush on the pick-up path. Enqueues and outcomes still
    /// commit synchronously.
    ///
    /// The picked ids come back to the table as one array, served from the primary key: a join
    /// would be sized by the LIMIT, which a generic plan (a prepared statement's) cannot know and
    /// takes for a tenth of the table, and hashing a sequential scan of every job. The attempt's
    /// resumes are counted by a JSON path expression rather than a subquery, which would cost
    /// the planner more than the claim itself takes to run.
    static func claim(queue: String, limit: Int, workerID: String, leaseSeconds: Double) -> PostgresQuery {
        """
        WITH async_commit AS (
            SELECT set_config('synchronous_commit', 'off', true)
        )
        UPDATE jobs j
        SET state = 'running', attempt = j.attempt + 1, worker_id = \(workerID),
            lease_expires_at = now() + make_interval(secs => \(leaseSeconds)), started_at = now()
        FROM async_commit
        WHERE j.id = ANY(ARRAY(
            SELECT id FROM jobs
            WHERE state IN \(unescaped: waitingStates) AND queue = \(queue) AND run_at <= now()
              AND NOT EXISTS (SELECT 1 FROM job_queues p WHERE p.name = \(queue) AND p.paused_at IS NOT NULL)
            ORDER BY queue, priority, run_at, id
            LIMIT \(limit)
            FOR UPDATE SKIP LOCKED))
        RETURNING j.id, j.kind, j.queue, j.args::text, j.attempt, j.max_attempts, j.progress::text, j.checkpoint_seq,
                  jsonb_array_length(jsonb_path_query_array(
                      j.errors, '$[*] ? (exists(@.resumed) && @.attempt == $attempt)',
                      jsonb_build_object('attempt', j.attempt)))::int4,
                  j.timeout_seconds
        """
    }

    /// Records a batch of outcomes, fenced: a row is only touched while `workerID` still holds
    /// the same attempt, so a worker that lost its lease cannot overwrite a rescued job.
    /// `results`/`errors` hold "" for none; `delaysMs` holds -1 for "keep run_at".
    /// A job released to `available` gets its attempt back.
    ///
    /// A success is also fenced on the checkpoints its attempt saw (`sequences`): when the job
    /// holds fewer, a transaction of the attempt's work was lost in a database crash, so instead
    /// of the outcome the job is made available again at once, its attempt not counted, to resume
    /// from the checkpoint that survived. (A failure, a cancellation or a release is recorded as
    /// it is: a retry resumes from whatever checkpoint is durable anyway.) A resumed job's error
    /// entry is marked `resumed`, so that the next claim can count the attempt's resumes.
    /// A snoozed job (state `snoozed` in the batch) is available again after its delay, its
    /// attempt given back and its snooze counted. Returns each touched job's id, whether it was
    /// resumed, and its kind, queue, state and attempt after the update (for lifecycle hooks).
    static func finish(
        workerID: String, ids: [Int64], attempts: [Int32], sequences: [Int32], states: [String],
        results: [String], errors: [String], delaysMs: [Double]
    ) -> PostgresQuery {
        """
        WITH v AS MATERIALIZED (
            SELECT u.id, u.attempt, u.lost, \(workerID)::text AS worker_id, 'running'::text AS held_state,
                   CASE WHEN u.lost OR u.state = 'snoozed' THEN 'available' ELSE u.state END AS state,
                   u.state = 'snoozed' AS snoozed,
                   u.result,
                   CASE WHEN u.lost THEN \(CheckpointLost.message) ELSE u.error END AS error,
                   CASE WHEN u.lost THEN 0 ELSE u.delay_ms END AS delay_ms
            FROM (
                SELECT u.*, (u.state = 'completed' AND held.checkpoint_seq <> u.sequence) AS lost
                FROM unnest(\(ids)::int8[], \(attempts)::int4[], \(sequences)::int4[], \(states)::text[],
                            \(results)::text[], \(errors)::text[], \(delaysMs)::float8[])
                     AS u(id, attempt, sequence, state, result, error, delay_ms)
                JOIN jobs held ON held.id = u.id
                WHERE held.id = ANY(\(ids)::int8[])
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
        RETURNING j.id, v.lost, j.kind, j.queue, j.state, j.attempt
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

    /// Tells the workers listening (the insert trigger of Schema/0001 sends `.inserted` too).
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
