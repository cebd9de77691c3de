-- Crash-safe progress.
--
-- 1. Every checkpoint a running attempt saves bumps `checkpoint_seq`, fenced on the value the
--    attempt last saw. A handler's transactions may commit without waiting for the WAL flush;
--    if a crash-restart loses one, the next checkpoint (or the outcome) finds the sequence
--    behind what the attempt expects, and the attempt resumes from the checkpoint that did
--    survive instead of going on past work that is gone.
ALTER TABLE jobs ADD COLUMN checkpoint_seq integer NOT NULL DEFAULT 0;

COMMENT ON COLUMN jobs.checkpoint_seq IS
    'checkpoints saved by running attempts; an outcome is recorded only if the attempt saw the last one';

-- 2. Gaps in the fetched history: stretches of the Buddi API between a memory stored and newer
--    ones stored, not yet walked (a fetch reached its maximum, or stopped, before walking down to
--    what was stored before it). A gap is opened in the same transaction as the first page stored
--    above it, its cursor moves with every page stored from it, and it is deleted in the
--    transaction that reaches its lower bound. Later fetches walk the open gaps before the newest
--    memories, so nothing between is skipped whatever a fetch's maximum.
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
