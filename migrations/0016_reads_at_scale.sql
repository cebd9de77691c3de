-- Reads that stay fast at a million conversations (`buddi bench api`).
--
-- Listings are ordered newest memory first, ties by id. An index in exactly that order lets a page,
-- however deep, be found by an index-only scan that skips rows without reading them; with the
-- filter's column in front, so can a page of one category or one sentiment. Each replaces the
-- index on its first column alone, which it serves as well (one index less to maintain per
-- insert, not one more).
CREATE INDEX conversations_newest ON conversations (memory_created_at DESC NULLS LAST, id DESC);
DROP INDEX conversations_memory_created;
CREATE INDEX conversations_category_newest ON conversations (category, memory_created_at DESC NULLS LAST, id DESC);
DROP INDEX conversations_category;
CREATE INDEX conversations_sentiment_newest ON conversations (sentiment_label, memory_created_at DESC NULLS LAST, id DESC);
DROP INDEX conversations_sentiment;

-- `q` (title or summary contains, case-insensitive) by trigrams: one GIN index over both, which
-- the listing's condition names as the same expression (and then checks each column, so that a
-- text spanning the two never matches). pg_trgm ships with PostgreSQL and is a trusted
-- extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX conversations_text_trgm ON conversations
    USING gin ((COALESCE(title, '') || ' ' || COALESCE(summary, '')) gin_trgm_ops);

-- The status's "failed in the last 24 hours" looks at failed conversations by when they failed.
CREATE INDEX conversations_failed_at ON conversations (updated_at) WHERE processing_state = 'failed';

-- The growth view's running total no longer counts every conversation: conversations stored per
-- day are kept in conversations_per_day by a statement trigger (one upsert per insert
-- statement, from its transition table, so a page of memories costs one statement more, not one
-- per row). Conversations are never updated in fetched_at; a deletion is subtracted.
CREATE TABLE conversations_per_day (
    day           date   PRIMARY KEY,
    conversations bigint NOT NULL CHECK (conversations >= 0)
);

INSERT INTO conversations_per_day
SELECT fetched_at::date, count(*) FROM conversations GROUP BY 1;

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

CREATE OR REPLACE VIEW buddi_database_growth_per_day AS
SELECT d.day,
       COALESCE(p.conversations, 0)::bigint AS new_conversations,
       (SELECT COALESCE(sum(conversations), 0) FROM conversations_per_day WHERE day <= d.day)::bigint AS cumulative_conversations
FROM (SELECT current_date - i AS day FROM generate_series(0, 29) AS i) AS d
LEFT JOIN conversations_per_day p ON p.day = d.day
ORDER BY d.day;

-- Errors per hour: the jobs part reads only jobs with errors (the engine's partial index, by
-- when they finished or are due again: never before their last error), and takes a job's only
-- error without expanding its array (most failed jobs failed once).
CREATE OR REPLACE VIEW buddi_errors_per_hour AS
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

-- Queue depth from the engine's bounded view (its migration 0003): waiting and running jobs
-- counted, finished ones counted up to 1,000 per queue and state and estimated above, now
-- marked by `exact`.
CREATE OR REPLACE VIEW buddi_queue_depth AS
SELECT queue, state, jobs, oldest_waiting_seconds, exact FROM job_queue_depth ORDER BY queue, state;
COMMENT ON VIEW buddi_queue_depth IS
    'Jobs per queue and state (exact for waiting and running; finished ones counted up to 1,000 and estimated above, exact false); oldest_waiting_seconds = now() - oldest run_at among due available/retryable jobs, else NULL.';

-- Built in the migration's transaction (CREATE INDEX CONCURRENTLY cannot run in one): writes to
-- conversations wait while they build, some seconds per million rows.
