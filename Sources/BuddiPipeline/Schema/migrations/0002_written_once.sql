-- Each conversation written once: the fetch job analyses, fingerprints, anchors and mints a
-- memory before the one statement that stores it, so a row is never rewritten. What that needs
-- of the schema stored by 0.1.0, whose rows all stay and still verify:

-- The memory is kept once, as the text that was fingerprinted: raw holds it whole (with its
-- transcript and plugin results), and nothing queries inside it, so it is no longer parsed into
-- jsonb. metadata is kept for the conversations 0.1.0 stored (their fingerprint,
-- conversation-v1, covers it, as Postgres printed it) and NULL from now on. action_items is
-- served as JSON, so it stays JSON, stored as sent (json keeps the text, jsonb would re-print it).
-- A jsonb value cast to text or json is the text Postgres printed for it, which is what the
-- conversation-v1 fingerprint covers.
ALTER TABLE conversations
    ALTER COLUMN action_items DROP DEFAULT,
    ALTER COLUMN action_items TYPE json USING action_items::json,
    ALTER COLUMN action_items SET DEFAULT '[]',
    ALTER COLUMN metadata DROP DEFAULT,
    ALTER COLUMN metadata DROP NOT NULL,
    ALTER COLUMN metadata TYPE text USING metadata::text,
    ALTER COLUMN raw TYPE text USING raw::text,
    ALTER COLUMN processing_state SET DEFAULT 'processed';

ALTER TABLE conversations
    ALTER COLUMN action_items SET COMPRESSION lz4,
    ALTER COLUMN metadata SET COMPRESSION lz4,
    ALTER COLUMN raw SET COMPRESSION lz4;

COMMENT ON COLUMN conversations.raw IS
    'The memory as fetched, compact JSON with sorted keys; what the conversation-v2 fingerprint covers.';
COMMENT ON COLUMN conversations.metadata IS
    'Conversations stored by 0.1.0 only: language, source, status, visibility, discarded, transcript_segments, plugins_results.';

-- `q` by words instead of trigrams: a trigram index takes a hundred keys or more from each
-- title and summary, written to WAL twice (pending list, then the index), most of what a stored
-- conversation cost the server. Words are a fifth of that. The listing asks for each of q's
-- words as the beginning of a word ("conv" finds "conversation"), then checks q as a phrase on
-- each column, so a hit is what a reader would call containing it; only a match inside a word
-- ("versation") is no longer found. Angle brackets are blanked, so that markup reads as words
-- (by replace, which searches bytes, where translate decodes every character).
DROP INDEX conversations_text_trgm;
CREATE INDEX conversations_text_words ON conversations USING gin (
    to_tsvector('simple', replace(replace(COALESCE(title, '') || ' ' || COALESCE(summary, ''), '<', ' '), '>', ' ')));

-- q as a query of word beginnings, from the same parser as the index: each word q holds must
-- begin a word of the text (NULL, which matches nothing, when it holds none). Immutable, so
-- that the planner computes it from the value bound and estimates its rows from the index's
-- statistics: a common word is then read newest first until a page is full.
CREATE FUNCTION buddi_word_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT to_tsquery('simple', string_agg(quote_literal(w.lexeme) || ':*', ' & '))
    FROM unnest(to_tsvector('simple', translate(q, '<>%_\', '     '))) AS w
$$;

-- Nothing looks tokens up by anchor (a conversation names both), so their index only cost writes.
DROP INDEX ledger_tokens_anchor;

-- Nor is a conversation looked up by its anchor or its token, whose ids come from their
-- sequences: their unique indexes only cost two b-tree entries, each checked, per conversation.
-- `buddi audit` finds an anchor or a token that two conversations name.
ALTER TABLE conversations DROP CONSTRAINT conversations_anchor_id_key, DROP CONSTRAINT conversations_token_id_key;

-- A block records the range of anchor ids it seals instead of writing its height into each
-- anchor: the anchors of a block are those of its range whose block_height is NULL (blocks
-- sealed by 0.1.0 have no range and name their anchors by block_height). Ranges follow each
-- other from id 1 without overlap; the sealer only closes a range once every transaction that
-- could still add an anchor in it has ended (see LedgerSealer).
ALTER TABLE ledger_blocks
    ADD COLUMN first_anchor_id bigint,
    ADD COLUMN last_anchor_id  bigint,
    ADD CONSTRAINT ledger_blocks_range CHECK (
        (first_anchor_id IS NULL) = (last_anchor_id IS NULL) AND first_anchor_id BETWEEN 1 AND last_anchor_id);

-- An anchor's block: the range block with the lowest last id at or above it.
CREATE UNIQUE INDEX ledger_blocks_last_anchor ON ledger_blocks (last_anchor_id) WHERE last_anchor_id IS NOT NULL;

-- No anchor is updated any more, so the index of unsealed ones would hold every new anchor.
DROP INDEX ledger_anchors_unsealed;

-- A token and its anchor are written by the same statement: the foreign key only added a lookup
-- and a row lock on the anchor (a second write of its row). `buddi audit` checks the pairs.
ALTER TABLE ledger_tokens DROP CONSTRAINT ledger_tokens_anchor_id_fkey;

-- Conversations 0.1.0 left pending are finished by process jobs, as before; whatever held their
-- ids (a process job, or the checkpoint of a fetch that has not enqueued them yet) may be gone
-- or read differently by this version, so every one gets a job here. A conversation processed
-- meanwhile is skipped by its job.
INSERT INTO jobs (kind, args)
SELECT 'process', jsonb_build_object('conversationIDs', jsonb_agg(id ORDER BY id))
FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / 100 AS batch
      FROM conversations WHERE processing_state = 'pending') AS pending
GROUP BY batch;
