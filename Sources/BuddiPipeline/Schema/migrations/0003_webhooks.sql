-- Memories pushed to `POST /api/webhooks/memories` (signed, Standard Webhooks) beside those
-- fetched: each is stored exactly as a fetched one, and says where it came from.

-- Every existing row takes the constant default, which the check holds: NOT VALID spares a scan
-- of the whole table under this migration's exclusive lock; new rows are checked all the same.
ALTER TABLE conversations ADD COLUMN source text NOT NULL DEFAULT 'fetch';
ALTER TABLE conversations ADD CONSTRAINT conversations_source CHECK (source IN ('fetch', 'webhook')) NOT VALID;

COMMENT ON COLUMN conversations.source IS
    'How the memory reached buddi: fetch (a fetch job; fetch_job_id names it) or webhook (a signed delivery; fetch_job_id is NULL).';

-- The scheduled fetch's watermark: the newest memory a fetch has met, stored or already there.
-- It was the newest conversation stored; pushed memories now arrive first, and a fetch that
-- stopped at the newest of them would never store an older one whose deliveries failed, while one
-- that stopped at the newest it stored itself would walk every pushed memory again each time.
-- Moved by the transaction that stores each page, as the gaps are.
CREATE TABLE fetch_watermark (
    singleton         boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    buddi_id          text        NOT NULL,
    memory_created_at timestamptz NOT NULL
);

INSERT INTO fetch_watermark (buddi_id, memory_created_at)
SELECT buddi_id, memory_created_at FROM conversations
WHERE memory_created_at IS NOT NULL
ORDER BY memory_created_at DESC LIMIT 1;

COMMENT ON TABLE fetch_watermark IS
    'One row: the newest memory (by creation time) a fetch has met, stored or already stored; an incremental fetch walks the newest memories down to it.';

-- A delivery's rejection has no fetch: it names its delivery instead.
ALTER TABLE rejected_memories
    ALTER COLUMN fetch_job_id DROP NOT NULL,
    ADD COLUMN webhook_id text,
    ADD CONSTRAINT rejected_memories_origin CHECK (fetch_job_id IS NOT NULL OR webhook_id IS NOT NULL);

COMMENT ON COLUMN rejected_memories.webhook_id IS 'The delivery (webhook_deliveries.webhook_id) that last brought it, when no fetch did.';

-- Every delivery acknowledged, by its webhook-id: a sender retries with the same id (for about
-- three days, by the specification's schedule), and a retry is answered as the first was,
-- storing nothing. Rows are kept a week (serve deletes older ones).
CREATE TABLE webhook_deliveries (
    webhook_id  text        PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now(),
    outcome     text        NOT NULL CHECK (outcome IN ('stored', 'duplicate', 'rejected')),
    buddi_id    text,
    status      smallint    NOT NULL,
    reason      text
);

-- Rows arrive in received_at order, so a BRIN index finds the old ones to prune for almost no
-- cost per insert (a b-tree would take an entry of every delivery).
CREATE INDEX webhook_deliveries_received ON webhook_deliveries USING brin (received_at);

COMMENT ON TABLE webhook_deliveries IS
    'Signed deliveries to POST /api/webhooks/memories that were acknowledged: stored, duplicate (the Buddi id was stored already) or rejected (with the status and reason answered); kept a week.';

-- Deliveries that left no row (refused before anything was stored: a bad signature, or the
-- database unavailable), counted per hour by the serve processes that answered them.
CREATE TABLE webhook_refusals_per_hour (
    hour       timestamptz NOT NULL,
    outcome    text        NOT NULL CHECK (outcome IN ('unauthorized', 'unavailable')),
    deliveries bigint      NOT NULL CHECK (deliveries >= 0),
    PRIMARY KEY (hour, outcome)
);

-- Deliveries per hour and outcome over the last 7 days (hours with none are absent).
CREATE VIEW buddi_webhook_deliveries_per_hour AS
WITH counted AS (
    SELECT date_trunc('hour', received_at) AS hour, outcome, count(*) AS deliveries
    FROM webhook_deliveries
    WHERE received_at >= date_trunc('hour', now()) - interval '7 days'
    GROUP BY 1, 2
    UNION ALL
    SELECT hour, outcome, deliveries
    FROM webhook_refusals_per_hour
    WHERE hour >= date_trunc('hour', now()) - interval '7 days'
)
SELECT hour,
       COALESCE(sum(deliveries) FILTER (WHERE outcome = 'stored'), 0)::bigint AS stored,
       COALESCE(sum(deliveries) FILTER (WHERE outcome = 'duplicate'), 0)::bigint AS duplicate,
       COALESCE(sum(deliveries) FILTER (WHERE outcome = 'rejected'), 0)::bigint AS rejected,
       COALESCE(sum(deliveries) FILTER (WHERE outcome = 'unauthorized'), 0)::bigint AS unauthorized,
       COALESCE(sum(deliveries) FILTER (WHERE outcome = 'unavailable'), 0)::bigint AS unavailable
FROM counted
GROUP BY hour
ORDER BY hour;

COMMENT ON VIEW buddi_webhook_deliveries_per_hour IS
    'Webhook deliveries per hour, last 7 days: stored, duplicate, rejected (acknowledged, from webhook_deliveries), unauthorized and unavailable (refused, as counted by serve); hours with none are absent.';
