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
