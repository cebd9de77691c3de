-- Queue controls.
--
-- A queue can be paused, for the whole cluster and until it is resumed: workers stop claiming
-- from it at their next claim (the claim checks this table), jobs can still be enqueued, and
-- running jobs finish. A queue has a row here once it has been paused or resumed.
CREATE TABLE job_queues (
    name       text        PRIMARY KEY CHECK (name <> ''),
    paused_at  timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON COLUMN job_queues.paused_at IS 'Since when the queue is paused; NULL while it runs.';

-- A handler can snooze its job: run it again later without using an attempt. A constant
-- default adds the column without rewriting the table, and NOT VALID checks new rows without
-- scanning the old ones (all 0) under the table's lock: a large history upgrades at once.
ALTER TABLE jobs ADD COLUMN snoozes integer NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD CONSTRAINT jobs_snoozes_check CHECK (snoozes >= 0) NOT VALID;

COMMENT ON COLUMN jobs.snoozes IS 'How many times the job was snoozed (put off without using an attempt).';
