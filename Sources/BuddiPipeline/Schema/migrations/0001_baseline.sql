-- buddi's application schema at version 0.1.0: probe runs, conversations and their per-day
-- counts, the mock ledger, scheduler settings, fetch runs and gaps, rejected memories, and the
-- monitoring views. Applied after the job queue engine's schema, whose jobs table and
-- job_queue_depth view the views read.

-- Runs of the built-in `probe` job kind, a diagnostic that operators and the test suite use to
-- check the queue end to end: every probe job records its id here once, so a job that ran twice
-- is a unique violation, and a job that never ran is a missing row.
CREATE TABLE probe_runs (
    job_id     bigint      PRIMARY KEY,
    attempt    integer     NOT NULL,
    worker_id  text        NOT NULL,
    ran_at     timestamptz NOT NULL DEFAULT now()
);

-- Conversations: one row per Buddi memory, inserted once by a fetch job, then analysed and
-- anchored by a process job. Large values (the memory's raw JSON, metadata with its transcript,
-- action items) are compressed with lz4 instead of pglz: several times faster to compress and
-- decompress, for a similar size on JSON.
CREATE TABLE conversations (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    buddi_id           text        NOT NULL UNIQUE CHECK (buddi_id <> ''),
    -- The memory, as fetched.
    title              text,
    summary            text,
    emoji              text,
    category           text,
    action_items       jsonb       COMPRESSION lz4 NOT NULL DEFAULT '[]',
    metadata           jsonb       COMPRESSION lz4 NOT NULL DEFAULT '{}',
    raw                jsonb       COMPRESSION lz4 NOT NULL,
    memory_created_at  timestamptz,
    memory_started_at  timestamptz,
    memory_finished_at timestamptz,
    fetched_at         timestamptz NOT NULL DEFAULT now(),
    fetch_job_id       bigint,
    -- Analytics.
    sentiment_score    double precision CHECK (sentiment_score BETWEEN -1 AND 1),
    sentiment_label    text CHECK (sentiment_label IN ('positive', 'negative', 'neutral')),
    keywords           text[],
    topics             text[],
    quality_score      double precision CHECK (quality_score BETWEEN 0 AND 1),
    engagement_score   double precision CHECK (engagement_score BETWEEN 0 AND 1),
    -- Tokenization (the ledger's anchor and access token).
    merkle_root        text,
    anchor_id          bigint UNIQUE,
    token_id           bigint UNIQUE,
    token_uri          text,
    contract_address   text,
    -- Processing.
    processing_state   text        NOT NULL DEFAULT 'pending'
        CHECK (processing_state IN ('pending', 'processed', 'failed')),
    processing_error   text,
    processed_at       timestamptz,
    is_exported        boolean     NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

COMMENT ON COLUMN conversations.metadata IS
    'language, source, status, visibility, discarded, transcript_segments, plugins_results';

-- Listings are ordered newest memory first, ties by id. An index in exactly that order lets a
-- page, however deep, be found by an index-only scan that skips rows without reading them; with
-- the filter's column in front, so can a page of one category or one sentiment. The first also
-- gives the fetch watermark (newest stored memory), and each serves a filter on its first column
-- alone as well.
CREATE INDEX conversations_newest ON conversations (memory_created_at DESC NULLS LAST, id DESC);
CREATE INDEX conversations_category_newest ON conversations (category, memory_created_at DESC NULLS LAST, id DESC);
CREATE INDEX conversations_sentiment_newest ON conversations (sentiment_label, memory_created_at DESC NULLS LAST, id DESC);

-- The other filters the API offers.
CREATE INDEX conversations_quality ON conversations (quality_score);
CREATE INDEX conversations_topics ON conversations USING gin (topics);

-- `q` (title or summary contains, case-insensitive) by trigrams: one GIN index over both, which
-- the listing's condition names as the same expression (and then checks each column, so that a
-- text spanning the two never matches). pg_trgm ships with PostgreSQL and is a trusted
-- extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX conversations_text_trgm ON conversations
    USING gin ((COALESCE(title, '') || ' ' || COALESCE(summary, '')) gin_trgm_ops);

-- The unprocessed conversations, keyed by their fetch: following a fetch (`buddi fetch --wait`,
-- the demo) counts the conversations it stored that are not processed yet, every 250 ms. One
-- entry per conversation while it waits, none once processed, so the hot path pays nothing more.
CREATE INDEX conversations_unprocessed ON conversations (fetch_job_id) WHERE processing_state <> 'processed';

-- The console's charts count conversations processed per minute and per hour, by processed_at.
CREATE INDEX conversations_processed_at ON conversations (processed_at) WHERE processed_at IS NOT NULL;

-- The status's "failed in the last 24 hours" looks at failed conversations by when they failed.
CREATE INDEX conversations_failed_at ON conversations (updated_at) WHERE processing_state = 'failed';

-- Conversations stored per day, kept by a statement trigger (one upsert per insert statement,
-- from its transition table, so a page of memories costs one statement more, not one per row),
-- so that the growth view's running total does not count every conversation. Conversations are
-- never updated in fetched_at; a deletion is subtracted.
CREATE TABLE conversations_per_day (
    day           date   PRIMARY KEY,
    conversations bigint NOT NULL CHECK (conversations >= 0)
);

CREATE FUNCTION conversations_per_day_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO conversations_per_day
        SELECT fetched_at::date, count(*) FROM stored GROUP BY 1
        ON CONFLICT (day) DO UPDATE SET conversations = conversations_per_day.conversations + EXCLUDED.conversations;
    ELSE
        UPDATE conversations_per_day d SET conversations = d.conversations - gone.conversations
        FROM (SELECT fetched_at::date AS day, count(*) AS conversations FROM removed GROUP BY 1) AS gone
        WHERE d.day = gone.day;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER conversations_per_day_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS stored FOR EACH STATEMENT EXECUTE FUNCTION conversations_per_day_count();
CREATE TRIGGER conversations_per_day_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION conversations_per_day_count();

-- The mock æternity ledger: an AnchorRegistry (anchors), an AccessNFT (tokens) and a chain of
-- blocks that seals the anchors, so that changing any stored anchor or block is detectable.
-- The hashes and their canonical encodings are documented in Sources/BuddiLedger/MerkleEncoding.swift.

-- The deployment: one row, created here with a random id. The contract addresses (ct_…) are
-- derived from its id, so they are the same for every process of this deployment.
CREATE TABLE ledger_deployment (
    singleton     boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    deployment_id uuid        NOT NULL DEFAULT gen_random_uuid(),
    created_at    timestamptz NOT NULL DEFAULT now()
);

INSERT INTO ledger_deployment DEFAULT VALUES;

-- Blocks, chained by hash from height 0 (whose previous_hash is 64 zeros):
-- hash = SHA256(0x03 ‖ previous_hash ‖ u64 height ‖ anchors_root), where anchors_root is the
-- Merkle root of the leaf hashes of the block's anchors in id order.
CREATE TABLE ledger_blocks (
    height        bigint      PRIMARY KEY CHECK (height >= 0),
    previous_hash text        NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
    anchors_root  text        NOT NULL CHECK (anchors_root ~ '^[0-9a-f]{64}$'),
    hash          text        NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    sealed_at     timestamptz NOT NULL DEFAULT now()
);

-- Anchored Merkle roots. block_height is NULL until the sealer puts the anchor in a block;
-- anchoring never waits for the chain head. The root (64 lower-case hex digits) is checked when
-- the anchor is made and again when it is sealed, so its check is a length and a class of
-- characters, which costs far less a row than the counted repetition of '^[0-9a-f]{64}$'.
CREATE TABLE ledger_anchors (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merkle_root  text        NOT NULL CHECK (length(merkle_root) = 64 AND merkle_root !~ '[^0-9a-f]'),
    manifest     text        NOT NULL,
    policy       text        NOT NULL,
    storage_hint text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    block_height bigint      REFERENCES ledger_blocks (height)
);

-- The sealer's scan: only the anchors not sealed yet, in id order.
CREATE INDEX ledger_anchors_unsealed ON ledger_anchors (id) WHERE block_height IS NULL;

-- A block's anchors, in id order.
CREATE INDEX ledger_anchors_block ON ledger_anchors (block_height, id) WHERE block_height IS NOT NULL;

-- Access tokens. The token URI is buddi://anchors/<anchor_id>/tokens/<id>.
CREATE TABLE ledger_tokens (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    anchor_id  bigint      NOT NULL REFERENCES ledger_anchors (id),
    owner      text        NOT NULL CHECK (owner <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ledger_tokens_anchor ON ledger_tokens (anchor_id);

-- Scheduling settings, shared by every process on every machine: exactly one row, created on
-- first use with the defaults SCHEDULER_FETCH_INTERVAL_HOURS / _MAX_CONVERSATIONS_PER_FETCH.
CREATE TABLE scheduler_settings (
    singleton                   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    enabled                     boolean     NOT NULL DEFAULT true,
    fetch_interval_hours        integer     NOT NULL DEFAULT 2 CHECK (fetch_interval_hours BETWEEN 1 AND 24),
    max_conversations_per_fetch integer     NOT NULL DEFAULT 50
        CHECK (max_conversations_per_fetch BETWEEN 1 AND 1000),
    min_fetch_spacing_seconds   integer     NOT NULL DEFAULT 3600 CHECK (min_fetch_spacing_seconds >= 0),
    error_recovery_seconds      integer     NOT NULL DEFAULT 300 CHECK (error_recovery_seconds > 0),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON COLUMN scheduler_settings.min_fetch_spacing_seconds IS
    'No two fetches start closer than this (the original''s 1 h rate limit); a forced manual fetch ignores it.';
COMMENT ON COLUMN scheduler_settings.error_recovery_seconds IS
    'After a failed fetch the next try comes this long after the failure, not a whole interval later.';

-- Every fetch, scheduled or manual: written when it is enqueued (in the same transaction as
-- its job), then by the fetch job as it starts, fails and finishes. Kept when the job row is
-- pruned: it is the scheduler's memory of the last fetch and the source of the fetch metrics.
CREATE TABLE fetch_runs (
    job_id            bigint      PRIMARY KEY,
    trigger           text        NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
    slot              timestamptz,
    requested_at      timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    outcome           text        NOT NULL DEFAULT 'pending'
        CHECK (outcome IN ('pending', 'running', 'succeeded', 'failed')),
    attempts          integer     NOT NULL DEFAULT 0,
    pages             integer,
    memories_seen     integer,
    new_conversations integer,
    duplicates        integer,
    rejected          integer,
    duration_seconds  double precision,
    api_errors        jsonb       NOT NULL DEFAULT '{}',
    error             text
);

COMMENT ON COLUMN fetch_runs.slot IS 'For a scheduled fetch, the time slot it was due at (its job''s unique key).';
COMMENT ON COLUMN fetch_runs.api_errors IS 'Failed Buddi API calls during this fetch, by kind: {"rate_limited": 2, "server_error": 1}.';

CREATE INDEX fetch_runs_requested ON fetch_runs (requested_at DESC);
CREATE INDEX fetch_runs_finished ON fetch_runs (finished_at) WHERE finished_at IS NOT NULL;

-- A second guard beside the leader's fence: one scheduled fetch per time slot, ever.
CREATE UNIQUE INDEX fetch_runs_slot ON fetch_runs (slot) WHERE trigger = 'scheduled';

-- Adds two count objects key by key: {"a": 1} + {"a": 2, "b": 1} = {"a": 3, "b": 1}.
CREATE FUNCTION buddi_add_counts(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(jsonb_object_agg(key, total), '{}'::jsonb)
    FROM (SELECT key, sum(value::bigint) AS total
          FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) AS counts
          GROUP BY key) AS sums
$$;

-- Gaps in the fetched history: stretches of the Buddi API between a memory stored and newer
-- ones stored, not yet walked (a fetch reached its maximum, or stopped, before walking down to
-- what was stored before it). A gap is opened in the same transaction as the first page stored
-- above it, its cursor moves with every page stored from it, and it is deleted in the
-- transaction that reaches its lower bound. Later fetches walk the open gaps before the newest
-- memories, so nothing between is skipped whatever a fetch's maximum.
CREATE TABLE fetch_gaps (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Where the walk down the gap resumes: the page's cursor (NULL: the newest page) and the
    -- last memory of that page already taken, if the page was cut at a fetch's maximum.
    cursor           text,
    skip_through_id  text,
    -- The gap's lower bound: the newest memory stored when the gap was opened.
    lower_buddi_id   text        NOT NULL,
    lower_created_at timestamptz NOT NULL,
    opened_by_job_id bigint      NOT NULL,
    -- The fetch walking it now; another fetch takes it over once that one has ended.
    walked_by_job_id bigint,
    opened_at        timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE fetch_gaps IS
    'stretches of the Buddi API above stored memories that no fetch has walked to the end yet';

-- Memories the Buddi API sent that buddi could not store: unreadable JSON (a bad escape, a lone
-- surrogate, nesting past 512 levels), a NUL in a string or member name, sizes past the limits,
-- no usable id, or a row the database itself refused. Each is written in the transaction that
-- stores the rest of its page, so it is recorded exactly when its page is. A memory met again by
-- a later fetch (the same Buddi id, or for one without an id the same place in the same fetch)
-- updates its row: times_seen counts the fetches that met it.
CREATE TABLE rejected_memories (
    id            bigserial   PRIMARY KEY,
    identity      text        NOT NULL UNIQUE,
    fetch_job_id  bigint      NOT NULL,
    page_cursor   text,
    position      integer     NOT NULL CHECK (position >= 0),
    buddi_id      text,
    reason        text        NOT NULL,
    excerpt       text        NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    times_seen    integer     NOT NULL DEFAULT 1
);

CREATE INDEX rejected_memories_last_seen ON rejected_memories (last_seen_at DESC, id DESC);

COMMENT ON TABLE rejected_memories IS
    'Memories rejected on their own (the rest of their page was stored), with why and the start of their JSON.';
COMMENT ON COLUMN rejected_memories.identity IS
    'What makes two rejections the same memory: md5 of the Buddi id, or for one without a usable id its fetch, page and position.';
COMMENT ON COLUMN rejected_memories.fetch_job_id IS 'The fetch (fetch_runs.job_id) that last met it.';
COMMENT ON COLUMN rejected_memories.page_cursor IS 'The cursor its page was asked for with; NULL for the first page of a walk.';
COMMENT ON COLUMN rejected_memories.position IS 'Its index in the page''s memories array.';
COMMENT ON COLUMN rejected_memories.excerpt IS 'The start of its JSON as sent (at most 512 bytes; NUL bytes written as \u0000).';

-- Monitoring views for operators: the key metrics (fetch success rate, processing rate, error
-- rate, database growth, rejections) and the queue's depth and oldest waiting job, as plain SQL
-- views to query from psql or chart in Grafana (a PostgreSQL data source; alias `day`/`hour` AS
-- time).
--
-- They are safe to query at any time, on a live system: read-only SELECTs that take no locks
-- beyond the ACCESS SHARE every reader takes (so they never block workers; only DDL such as a
-- migration waits for them), and they read bounded windows (the last 30 or 7 days) through
-- indexes: fetch_runs_requested, fetch_runs_finished, conversations_processed_at,
-- conversations_failed_at, jobs_with_errors and jobs_claimable. The growth view reads the
-- per-day counts in conversations_per_day, and the queue depth the engine's bounded
-- job_queue_depth view.
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
-- The jobs part reads only jobs with errors (the engine's partial index, by when they finished or
-- are due again: never before their last error), and takes a job's only error without expanding
-- its array (most failed jobs failed once).
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
    SELECT 'job', date_trunc('hour', (jobs.errors -> 0 ->> 'at')::timestamptz)
    FROM jobs
    WHERE jobs.errors <> '[]'::jsonb AND jsonb_array_length(jobs.errors) = 1
      AND COALESCE(jobs.finished_at, jobs.run_at) >= date_trunc('hour', now()) - interval '7 days'
      AND (jobs.errors -> 0 ->> 'at')::timestamptz >= date_trunc('hour', now()) - interval '7 days'
    UNION ALL
    SELECT 'job', date_trunc('hour', (e.entry ->> 'at')::timestamptz)
    FROM jobs, jsonb_array_elements(jobs.errors) AS e(entry)
    WHERE jobs.errors <> '[]'::jsonb AND jsonb_array_length(jobs.errors) > 1
      AND COALESCE(jobs.finished_at, jobs.run_at) >= date_trunc('hour', now()) - interval '7 days'
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
SELECT d.day,
       COALESCE(p.conversations, 0)::bigint AS new_conversations,
       (SELECT COALESCE(sum(conversations), 0) FROM conversations_per_day WHERE day <= d.day)::bigint AS cumulative_conversations
FROM (SELECT current_date - i AS day FROM generate_series(0, 29) AS i) AS d
LEFT JOIN conversations_per_day p ON p.day = d.day
ORDER BY d.day;

COMMENT ON VIEW buddi_database_growth_per_day IS
    'Conversations stored per day (by fetched_at), last 30 days, with the running total over all time.';

-- Queue depth: jobs per queue and state, from the engine's bounded view: waiting and running jobs
-- counted, finished ones counted up to 1,000 per queue and state and estimated above (`exact`
-- false). oldest_waiting_seconds is how long the oldest due job (available or retryable, run_at
-- reached) has waited; NULL for other states and when nothing is due (a retry scheduled for
-- later is not waiting yet).
CREATE VIEW buddi_queue_depth AS
SELECT queue, state, jobs, oldest_waiting_seconds, exact FROM job_queue_depth ORDER BY queue, state;

COMMENT ON VIEW buddi_queue_depth IS
    'Jobs per queue and state (exact for waiting and running; finished ones counted up to 1,000 and estimated above, exact false); oldest_waiting_seconds = now() - oldest run_at among due available/retryable jobs, else NULL.';

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

-- Rejections per day for the last 30 days (days without any are absent), by when they were first met.
CREATE VIEW buddi_rejected_memories_per_day AS
SELECT first_seen_at::date AS day,
       count(*) AS rejected,
       count(*) FILTER (WHERE buddi_id IS NULL) AS without_id
FROM rejected_memories
WHERE first_seen_at >= (current_date - 29)::timestamptz
GROUP BY 1
ORDER BY 1;

COMMENT ON VIEW buddi_rejected_memories_per_day IS
    'Memories rejected per day (by first_seen_at), last 30 days: rejected, and how many of them had no usable id.';
