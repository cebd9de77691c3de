-- A fetch job that was cancelled by an operator, or discarded by the lease rescuer after a crash
-- on its last attempt, before it finished is now recorded as a failed fetch_runs row by the
-- engine's job-lifecycle hook (registered by the app's fetch job), in the same transaction as the
-- job's end. The trigger of legacy 0009 that did it in the database goes.
DROP TRIGGER IF EXISTS fetch_runs_job_ended ON jobs;
DROP FUNCTION IF EXISTS fetch_runs_job_ended();
