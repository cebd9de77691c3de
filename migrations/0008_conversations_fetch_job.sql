-- Following a fetch (`buddi fetch --wait`, the demo) counts its conversations by state every
-- 250 ms: without this index each look is a scan of the whole table.
CREATE INDEX conversations_fetch_job ON conversations (fetch_job_id);
