-- Distributed tracing: the trace that stored each conversation (a fetch's, or a webhook
-- delivery's), when it was sampled, so that an operator goes from a memory to its journey.
-- Every existing row is NULL, which the check holds: NOT VALID spares a scan of the whole table
-- under this migration's exclusive lock; new rows are checked all the same.
ALTER TABLE conversations ADD COLUMN trace_id text;
ALTER TABLE conversations ADD CONSTRAINT conversations_trace_id CHECK (trace_id ~ '^[0-9a-f]{32}$') NOT VALID;

COMMENT ON COLUMN conversations.trace_id IS
    'The sampled trace (W3C trace id, 32 hex digits) whose transaction stored the conversation; NULL when untraced.';
