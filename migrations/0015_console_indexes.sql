-- The console's charts count conversations processed per minute and per hour: by processed_at,
-- which no index covered (a scan of every conversation each time the overview is drawn).
CREATE INDEX conversations_processed_at ON conversations (processed_at) WHERE processed_at IS NOT NULL;
-- Built in the migration's transaction (CREATE INDEX CONCURRENTLY cannot run in one): writes to
-- conversations wait while it builds, a few seconds per million rows.
