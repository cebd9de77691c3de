-- A job may carry its own execution timeout, overriding its kind's (the worker's registry, or
-- `buddi worker --timeout KIND=SECONDS`): past it the attempt is cancelled and fails as timed out.
ALTER TABLE jobs ADD COLUMN timeout_seconds double precision CHECK (timeout_seconds > 0);

COMMENT ON COLUMN jobs.timeout_seconds IS 'How long one attempt of this job may run; NULL for its kind''s timeout.';
