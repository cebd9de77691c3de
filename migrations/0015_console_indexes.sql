-- The console's charts count conversations processed per minute and per hour: by processed_at,
-- which no index covered (a scan of every conversation each time the overview is drawn).
CREATE INDEX conversations_processed_at ON conversations (processed_at) WHERE processed_at IS NOT NULL;
