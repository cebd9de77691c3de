-- Runs of the built-in `probe` job kind, a diagnostic that operators and the test suite use to
-- check the queue end to end: every probe job records its id here once, so a job that ran twice
-- is a unique violation, and a job that never ran is a missing row.
CREATE TABLE probe_runs (
    job_id     bigint      PRIMARY KEY,
    attempt    integer     NOT NULL,
    worker_id  text        NOT NULL,
    ran_at     timestamptz NOT NULL DEFAULT now()
);
