-- A fetch job can end without recording its run: cancelled by an operator, or discarded by the
-- lease rescuer after a crash on its last attempt. Record it where it happens, once, so that
-- status, /metrics and the monitoring views all read the same outcome, and it survives the job
-- row being pruned.
CREATE FUNCTION fetch_runs_job_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fetch_runs
    SET outcome = 'failed', finished_at = now(), error = 'the fetch job was ' || NEW.state || ' before it finished'
    WHERE job_id = NEW.id AND outcome IN ('pending', 'running');
    RETURN NULL;
END;
$$;

CREATE TRIGGER fetch_runs_job_ended AFTER UPDATE OF state ON jobs
    FOR EACH ROW
    WHEN (NEW.kind = 'fetch' AND NEW.state IN ('cancelled', 'discarded') AND OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION fetch_runs_job_ended();

-- Runs that ended so before this migration.
UPDATE fetch_runs r
SET outcome = 'failed', finished_at = COALESCE(j.finished_at, now()),
    error = 'the fetch job was ' || j.state || ' before it finished'
FROM jobs j
WHERE j.id = r.job_id AND r.outcome IN ('pending', 'running') AND j.state IN ('cancelled', 'discarded');
