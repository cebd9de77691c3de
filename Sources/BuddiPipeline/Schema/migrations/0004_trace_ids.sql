-- Distributed tracing: the trace that stored each conversation (a fetch's, or a webhook
-- delivery's), when it was sampled, so that an operator goes from a memory to its journey.
ALTER TABLE conversations ADD COLUMN trace_id text CHECK (trace_id ~ '^[0-9a-f]{32}$');

COMMENT ON COLUMN conversations.trace_id IS
    'The sampled trace (W3C trace id, 32 hex digits) whose transaction stored the conversation; NULL when untraced.';
