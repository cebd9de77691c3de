-- Following a fetch (`buddi fetch --wait`, the demo) counts the conversations it stored that are
-- not processed yet, every 250 ms. The partial index of unprocessed conversations is keyed by
-- their fetch for that, instead of by id (which nothing looked up): still one entry per
-- conversation while it waits, none once processed, so the hot path pays nothing more.
DROP INDEX conversations_unprocessed;
CREATE INDEX conversations_unprocessed ON conversations (fetch_job_id) WHERE processing_state <> 'processed';
