-- Conversations: one row per Buddi memory, inserted once by a fetch job, then analysed and
-- anchored by a process job.
CREATE TABLE conversations (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    buddi_id           text        NOT NULL UNIQUE CHECK (buddi_id <> ''),
    -- The memory, as fetched.
    title              text,
    summary            text,
    emoji              text,
    category           text,
    action_items       jsonb       NOT NULL DEFAULT '[]',
    metadata           jsonb       NOT NULL DEFAULT '{}',
    raw                jsonb       NOT NULL,
    memory_created_at  timestamptz,
    memory_started_at  timestamptz,
    memory_finished_at timestamptz,
    fetched_at         timestamptz NOT NULL DEFAULT now(),
    fetch_job_id       bigint,
    -- Analytics.
    sentiment_score    double precision CHECK (sentiment_score BETWEEN -1 AND 1),
    sentiment_label    text CHECK (sentiment_label IN ('positive', 'negative', 'neutral')),
    keywords           text[],
    topics             text[],
    quality_score      double precision CHECK (quality_score BETWEEN 0 AND 1),
    engagement_score   double precision CHECK (engagement_score BETWEEN 0 AND 1),
    -- Tokenization (the ledger's anchor and access token).
    merkle_root        text,
    anchor_id          bigint UNIQUE,
    token_id           bigint UNIQUE,
    token_uri          text,
    contract_address   text,
    -- Processing.
    processing_state   text        NOT NULL DEFAULT 'pending'
        CHECK (processing_state IN ('pending', 'processed', 'failed')),
    processing_error   text,
    processed_at       timestamptz,
    is_exported        boolean     NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

COMMENT ON COLUMN conversations.metadata IS
    'language, source, status, visibility, discarded, transcript_segments, plugins_results';

-- The filters the API offers, and the fetch watermark (newest stored memory).
CREATE INDEX conversations_memory_created ON conversations (memory_created_at DESC NULLS LAST);
CREATE INDEX conversations_sentiment ON conversations (sentiment_label);
CREATE INDEX conversations_quality ON conversations (quality_score);
CREATE INDEX conversations_category ON conversations (category);
CREATE INDEX conversations_topics ON conversations USING gin (topics);
CREATE INDEX conversations_unprocessed ON conversations (id) WHERE processing_state <> 'processed';
