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

-- Adds two count objects key by key: {"a": 1} + {"a": 2, "b": 1} = {"a": 3, "b": 1}.
CREATE FUNCTION buddi_add_counts(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(jsonb_object_agg(key, total), '{}'::jsonb)
    FROM (SELECT key, sum(value::bigint) AS total
          FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) AS counts
          GROUP BY key) AS sums
$$;

CREATE INDEX fetch_runs_requested ON fetch_runs (requested_at DESC);
CREATE INDEX fetch_runs_finished ON fetch_runs (finished_at) WHERE finished_at IS NOT NULL;

-- A second guard beside the leader's fence: one scheduled fetch per time slot, ever.
CREATE UNIQUE INDEX fetch_runs_slot ON fetch_runs (slot) WHERE trigger = 'scheduled';
